"""Inputs as the runner passes them: names, defaults, booleans, lists, paths."""

from __future__ import annotations

import pytest

from sync_action.core.errors import UsageError
from sync_action.settings import config


def env_for(workspace, **inputs: str) -> dict[str, str]:
    env = {
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": "STRUKT1/strukt-system",
        "INPUT_TOKEN": "t0ken-value",
    }
    env.update({f"INPUT_{k.upper()}": v for k, v in inputs.items()})
    return env


def load(env: dict[str, str]) -> config.Config:
    return config.load(config.inputs_from_env(env), env)


def test_the_runners_hyphenated_name_is_read(workspace):
    env = env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app", "fail-on-drift": "false"})
    assert "INPUT_FAIL-ON-DRIFT" in env
    assert load(env).fail_on_drift is False


def test_the_underscore_spelling_a_shell_exports_is_read(workspace):
    env = env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app"})
    env["INPUT_FAIL_ON_DRIFT"] = "no"
    assert load(env).fail_on_drift is False


def test_unset_and_empty_inputs_take_their_defaults(workspace):
    cfg = load(
        env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app", "mode": "  ", "labels": ""})
    )
    assert cfg.mode == "drift"
    assert cfg.schema_path == "schema/AIRTABLE_SPEC.yaml"
    assert cfg.peer_path == cfg.schema_path
    assert cfg.fail_on_drift is True
    assert cfg.labels == ("schema-sync", "bot")
    assert cfg.safe_labels == ("safe-to-merge",)
    assert cfg.breaking_labels == ("breaking-change",)
    assert cfg.reviewers == cfg.team_reviewers == cfg.assignees == ()
    assert cfg.report_path == "schema-drift-report/schema_drift_report.json"
    assert cfg.api_url == "https://api.github.com"
    assert cfg.server_url == "https://github.com"


@pytest.mark.parametrize(
    "text,value",
    [
        ("true", True),
        ("TRUE", True),
        ("Yes", True),
        ("1", True),
        ("On", True),
        ("false", False),
        ("No", False),
        ("0", False),
        ("OFF", False),
    ],
)
def test_booleans_accept_every_spelling_in_any_case(workspace, text, value):
    cfg = load(env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app", "dry-run": text}))
    assert cfg.dry_run is value


def test_peers_are_split_on_newlines_and_commas_without_duplicates(workspace):
    cfg = load(
        env_for(
            workspace,
            **{"peer-repos": "STRUKT1/strukt-app,\n STRUKT1/strukt-web \n\nstrukt1/STRUKT-APP"},
        )
    )
    assert cfg.peer_repos == ("STRUKT1/strukt-app", "STRUKT1/strukt-web")


def test_the_sync_branch_slug_follows_the_contracts_example(workspace):
    cfg = load(env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app"}))
    assert cfg.sync_branch == "schema-sync/schema-AIRTABLE_SPEC-yaml"
    other = load(
        env_for(
            workspace,
            **{"peer-repos": "STRUKT1/strukt-app", "peer-path": "specs/v2/air table.json"},
        )
    )
    assert other.sync_branch == "schema-sync/specs-v2-air-table-json"


def test_the_schema_path_is_normalised_for_the_comment_marker(workspace):
    cfg = load(
        env_for(
            workspace,
            **{
                "peer-repos": "STRUKT1/strukt-app",
                "schema-path": "./schema//../schema/AIRTABLE_SPEC.yaml",
            },
        )
    )
    assert cfg.schema_path == "schema/AIRTABLE_SPEC.yaml"


def test_the_pr_number_comes_from_the_event_file(workspace, tmp_path):
    event = tmp_path / "event.json"
    event.write_text('{"pull_request": {"number": 42}}')
    env = env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app"})
    env.update(GITHUB_EVENT_NAME="pull_request_target", GITHUB_EVENT_PATH=str(event))
    assert load(env).pr_number == 42
    env["GITHUB_EVENT_NAME"] = "push"
    assert load(env).pr_number is None


def test_disabled_is_known_before_other_inputs_are_checked(workspace):
    env = env_for(workspace, mode="bogus", disabled="yes")
    assert config.is_disabled(config.inputs_from_env(env), env)
    env = env_for(workspace, mode="bogus")
    env["SCHEMA_SYNC_DISABLED"] = "true"
    assert config.is_disabled(config.inputs_from_env(env), env)
    with pytest.raises(UsageError, match="mode"):
        load(env)


def test_the_wait_scale_defaults_to_waiting_in_full(workspace):
    assert load(env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app"})).wait_scale == 1.0


@pytest.mark.parametrize("value", ["-1", "2", "soon", "nan"])
def test_a_wait_scale_outside_0_to_1_is_bad_input(workspace, value):
    env = env_for(workspace, **{"peer-repos": "STRUKT1/strukt-app"})
    env["SCHEMA_SYNC_WAIT_SCALE"] = value
    with pytest.raises(UsageError, match="SCHEMA_SYNC_WAIT_SCALE must be a number from 0 to 1"):
        load(env)
