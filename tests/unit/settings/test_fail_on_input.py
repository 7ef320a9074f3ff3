"""The `fail-on` input: its words, `never`, and `fail-on-drift` as its shorthand."""

from __future__ import annotations

import pytest

from sync_action.core.errors import UsageError
from sync_action.core.vocabulary import FailOn
from sync_action.settings.typed_inputs import fail_on


def test_an_empty_fail_on_is_unset_and_never_is_nothing() -> None:
    assert fail_on("") is None
    assert fail_on("never") == set()


def test_fail_on_reads_commas_newlines_and_any_case() -> None:
    assert fail_on("Drift,\nbreaking , VERSION-too-small") == {
        FailOn.DRIFT,
        FailOn.BREAKING,
        FailOn.VERSION_TOO_SMALL,
    }


def test_an_unknown_fail_on_word_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown condition 'drfit'"):
        fail_on("drfit")


def test_never_stands_alone() -> None:
    with pytest.raises(UsageError, match="'never' cannot be combined"):
        fail_on("never,drift")
