"""Per-peer failures stay per-peer: the peer that fails gets status `failed`, the others
are processed, the report is written, and the exit code is the most severe one met
(2, then 3, then 1, then 0), in drift and sync, with local checkouts and the API."""

from __future__ import annotations

import pytest

from sync_action.core.errors import most_severe
from tests.actionrun import CONSUMER, run_action
from tests.conftest import SPEC_PATH, git
from tests.e2e.test_action_drift import changed_spec
from tests.e2e.test_cli import BRANCH, report, schema_sync, with_new_field


@pytest.mark.parametrize(
    ("codes", "expected"),
    [([0, 1, 3, 2], 2), ([3, 1, 0], 3), ([1, 0], 1), ([0], 0), ([], 0)],
)
def test_the_most_severe_code_is_2_then_3_then_1_then_0(codes, expected):
    assert most_severe(codes) == expected


def test_a_consumer_with_its_sync_branch_checked_out_fails_alone(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    busy = checkout("busy", {SPEC_PATH: current_spec})
    git(busy, "checkout", "-q", "-b", BRANCH)
    free = checkout("free", {SPEC_PATH: current_spec})
    done = schema_sync(
        source,
        "sync",
        "--peer-dir",
        str(busy),
        "--peer-dir",
        str(free),
        "--peer-repos",
        "local/busy,local/free",
    )
    assert done.returncode == 3, done.stderr
    assert "checked out" in done.stderr
    statuses = {p["repository"]: p["status"] for p in report(source)["peers"]}
    assert statuses == {"local/busy": "failed", "local/free": "created"}
    assert git(free, "show", f"{BRANCH}:{SPEC_PATH}").encode() + b"\n" == with_new_field(
        current_spec
    )


def test_a_drift_peer_without_the_ref_fails_alone_and_outranks_drift(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    tagged = checkout("tagged", {SPEC_PATH: current_spec})
    git(tagged, "tag", "v1")
    untagged = checkout("untagged", {SPEC_PATH: current_spec})
    done = schema_sync(
        source,
        "drift",
        "--peer-dir",
        str(tagged),
        "--peer-dir",
        str(untagged),
        "--peer-repos",
        "local/tagged,local/untagged",
        "--peer-ref",
        "v1",
    )
    assert done.returncode == 3, done.stderr
    statuses = {p["repository"]: p["status"] for p in report(source)["peers"]}
    assert statuses == {"local/tagged": "drift", "local/untagged": "failed"}


def test_a_missing_repository_fails_alone_in_drift_over_the_api(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    run = run_action(workspace, github, {"peer-repos": f"STRUKT1/missing,{CONSUMER}"})
    assert run.returncode == 3
    statuses = {p["repository"]: p["status"] for p in run.report["peers"]}
    assert statuses == {"STRUKT1/missing": "failed", CONSUMER: "drift"}
