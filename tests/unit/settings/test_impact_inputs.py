"""The impact scan's inputs: `impact` a boolean, `impact-paths` globs checked up front."""

from __future__ import annotations

import pytest

from sync_action.core.errors import UsageError
from tests.unit.settings.test_config import env_for, load

PEERS = {"peer-repos": "STRUKT1/strukt-app"}


def test_impact_is_on_and_reads_every_file_by_default(workspace):
    cfg = load(env_for(workspace, **PEERS))
    assert (cfg.impact, cfg.impact_paths) == (True, ())


def test_impact_off_is_read_like_every_boolean(workspace):
    assert load(env_for(workspace, **PEERS, impact="Off")).impact is False


def test_impact_paths_are_split_on_newlines_and_commas(workspace):
    cfg = load(env_for(workspace, **PEERS, **{"impact-paths": "src/\n*.ts, !tests/**"}))
    assert cfg.impact_paths == ("src/", "*.ts", "!tests/**")


def test_a_glob_that_cannot_be_read_is_bad_input_naming_it(workspace):
    with pytest.raises(UsageError, match=r"Input 'impact-paths': 'src\\' is not a glob"):
        load(env_for(workspace, **PEERS, **{"impact-paths": "src\\"}))
