"""Each subcommand offers the flags of the inputs its mode reads, and only those; every
flag's help says what it does and its default; `status --peer-repos X --token Y` runs."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.actionrun import CONSUMER, ROOT, SOURCE, TOKEN
from tests.conftest import CURRENT
from tests.e2e.test_cli import schema_sync
from tests.e2e.test_cli_inputs import options

COMMON = {
    "--schema-path",
    "--report-path",
    "--spec-schema",
    "--fail-on",
    "--dry-run",
    "--disabled",
}
GITHUB = {"--token", "--comment-token", "--app-id", "--app-private-key-file"}
OFFERED = {
    "drift": COMMON
    | GITHUB
    | {
        "--peer-dir",
        "--peer-repos",
        "--peer-path",
        "--peer-ref",
        "--role",
        "--fail-on-drift",
        "--comment",
        "--require-version-bump",
        "--version-policy",
        "--ignore",
        "--sync-branch",
        "--token-expiry-days",
        "--impact",
        "--impact-paths",
    },
    "sync": COMMON
    | GITHUB
    | {
        "--peer-dir",
        "--peer-repos",
        "--peer-path",
        "--require-version-bump",
        "--version-policy",
        "--force-sync",
        "--base-branch",
        "--sync-branch",
        "--labels",
        "--safe-labels",
        "--breaking-labels",
        "--reviewers",
        "--team-reviewers",
        "--assignees",
        "--pr-title",
        "--token-expiry-days",
    },
    "status": COMMON
    | GITHUB
    | {
        "--peer-dir",
        "--peer-repos",
        "--peer-path",
        "--ignore",
        "--sync-branch",
        "--max-pr-age",
        "--sync-workflow",
        "--dashboard",
        "--token-expiry-days",
    },
    "airtable": COMMON
    | {
        "--fail-on-drift",
        "--comment",
        "--airtable-base-id",
        "--airtable-token",
        "--airtable-api-url",
        "--token",
    },
    "diff": {"--role", "--format", "--ignore"},
    "validate": {"--spec-schema"},
    "impact": {"--root", "--impact-paths"},
}
REFUSED = {
    "drift": ["--reviewers", "--assignees", "--dashboard", "--max-pr-age", "--force-sync"],
    "sync": ["--peer-ref", "--fail-on-drift", "--comment", "--dashboard", "--max-pr-age"],
    "status": ["--reviewers", "--force-sync", "--labels", "--peer-ref", "--fail-on-drift"],
    "airtable": ["--peer-repos", "--peer-dir", "--reviewers", "--dashboard"],
    "validate": ["--token", "--peer-repos", "--dry-run"],
    "diff": ["--token", "--peer-repos", "--format-json"],
    "impact": ["--token", "--peer-repos", "--dry-run"],
}
ACTION_INPUTS = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
NO_FLAG = {"mode", "app-private-key"}  # the subcommand; the key comes from a file


def offered(tmp_path: Path, command: str) -> dict[str, str]:
    """`--flag` -> its help (argparse's own `-h, --help` left out)."""
    done = schema_sync(tmp_path, command, "--help")
    assert done.returncode == 0, done.stderr
    return options(done.stdout)


@pytest.mark.parametrize("command", sorted(OFFERED))
def test_each_subcommand_offers_exactly_its_flags(tmp_path, command):
    assert set(offered(tmp_path, command)) == OFFERED[command]


FILES = {
    "diff": [str(CURRENT), str(CURRENT)],
    "validate": [str(CURRENT)],
    "impact": [str(CURRENT), str(CURRENT)],
}


@pytest.mark.parametrize("command", sorted(REFUSED))
def test_each_subcommand_refuses_the_flags_of_other_modes(tmp_path, command):
    for flag in REFUSED[command]:
        done = schema_sync(tmp_path, command, *FILES.get(command, []), flag, "x")
        assert done.returncode == 2, flag
        assert f"unrecognized arguments: {flag}" in done.stderr, flag


@pytest.mark.parametrize("command", sorted(OFFERED))
def test_every_flag_says_what_it_does_and_its_default(tmp_path, command):
    flags = offered(tmp_path, command)
    lacking = {flag: text for flag, text in flags.items() if "(default: " not in text}
    assert not lacking
    short = {flag: text for flag, text in flags.items() if len(text.split("(default:")[0]) < 20}
    assert not short


@pytest.mark.parametrize("command", sorted(OFFERED))
def test_no_help_text_points_at_the_action_input_instead(tmp_path, command):
    text = " ".join(offered(tmp_path, command).values())
    assert "input" not in text


def test_every_input_of_action_yml_is_a_flag_of_some_subcommand(tmp_path):
    everywhere = set().union(*(offered(tmp_path, c) for c in ("drift", "sync", "status")))
    everywhere |= set(offered(tmp_path, "airtable"))
    missing = [name for name in ACTION_INPUTS if name not in NO_FLAG]
    assert [name for name in missing if f"--{name}" not in everywhere] == []


def test_a_flag_is_never_taken_for_a_longer_one_it_begins(tmp_path):
    done = schema_sync(tmp_path, "sync", "--comment", "x")  # not --comment-token
    assert done.returncode == 2
    assert "unrecognized arguments: --comment" in done.stderr


def test_the_mode_is_the_subcommand_not_a_flag(tmp_path):
    done = schema_sync(tmp_path, "status", "--mode", "drift")
    assert done.returncode == 2
    assert "unrecognized arguments: --mode" in done.stderr


def status_cli(workspace: Path, github, *args: str) -> subprocess.CompletedProcess[str]:
    """`schema-sync status` from a terminal in the source's checkout, as docs/status.md
    shows it: GITHUB_REPOSITORY names the source, no token in the environment."""
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workspace),
        "GITHUB_REPOSITORY": SOURCE,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_SERVER_URL": github.server_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "sync_action", "status", *args],
        cwd=workspace,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def test_status_with_peer_repos_and_token_reports_the_consumer(workspace, github):
    done = status_cli(workspace, github, "--peer-repos", CONSUMER, "--token", TOKEN)
    assert done.returncode == 0, done.stderr
    report = json.loads((workspace / "schema-drift-report/schema_drift_report.json").read_text())
    assert [(p["repository"], p["status"]) for p in report["peers"]] == [(CONSUMER, "in-sync")]
    assert TOKEN not in done.stdout + done.stderr


def test_status_sends_the_token_given_by_the_flag(workspace, github):
    done = status_cli(workspace, github, "--peer-repos", CONSUMER, "--token", "ghp_notknown")
    assert done.returncode == 3
    assert "GitHub rejected the token (401" in done.stderr
    assert "ghp_notknown" not in done.stdout + done.stderr


def test_status_takes_its_own_flags_on_the_command_line(workspace, github):
    done = status_cli(
        workspace,
        github,
        *("--peer-repos", CONSUMER, "--token", TOKEN, "--max-pr-age", "3"),
        *("--token-expiry-days", "30", "--fail-on", "stale-pr", "--dry-run"),
    )
    assert done.returncode == 0, done.stderr
    assert github.writes() == []
