"""Stale or edited: a differing consumer copy is placed in the source's history."""

from __future__ import annotations

import json

from tests.actionrun import CONSUMER, SOURCE, TOKEN, pull_request_event, run_action
from tests.conftest import SPEC_PATH, git
from tests.e2e.test_action_drift import changed_spec
from tests.e2e.test_cli import schema_sync

BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"


def peer_report(workspace):
    data = json.loads((workspace / "schema-drift-report/schema_drift_report.json").read_text())
    return data["peers"][0]


def source_with_history(checkout, current_spec):
    """strukt-system: v1.0.0 committed first, then v1.1.0."""
    source = checkout("source", {SPEC_PATH: current_spec})
    first = git(source, "rev-parse", "HEAD")
    (source / SPEC_PATH).write_bytes(changed_spec(current_spec))
    git(source, "commit", "-qam", "v1.1.0")
    return source, first


def test_a_consumer_at_an_earlier_source_version_is_behind(checkout, current_spec):
    source, first = source_with_history(checkout, current_spec)
    peer = checkout("peer", {SPEC_PATH: current_spec})
    schema_sync(source, "drift", "--peer-dir", str(peer), "--peer-repos", CONSUMER)
    entry = peer_report(source)
    assert "behind-source" in entry["findings"]
    assert entry["provenance"]["version"] == "v1.0.0"
    assert entry["provenance"]["commit"] == first


def test_a_consumer_copy_in_no_source_version_was_edited_locally(checkout, current_spec):
    source, _ = source_with_history(checkout, current_spec)
    peer = checkout("peer", {SPEC_PATH: current_spec.replace(b"Users", b"Members", 1)})
    schema_sync(source, "drift", "--peer-dir", str(peer), "--peer-repos", CONSUMER)
    entry = peer_report(source)
    assert "edited-locally" in entry["findings"]
    assert entry["provenance"]["state"] == "edited-locally"
    assert entry["provenance"]["commit"] is None


def test_a_consumer_checking_itself_learns_it_is_behind(checkout, current_spec):
    source, first = source_with_history(checkout, current_spec)
    consumer = checkout("consumer", {SPEC_PATH: current_spec})
    schema_sync(
        consumer,
        "drift",
        "--peer-dir",
        str(source),
        "--peer-repos",
        SOURCE,
        "--fail-on-drift",
        "false",
    )
    entry = peer_report(consumer)
    assert entry["provenance"] == {
        "state": "behind-source",
        "source": SOURCE,
        "version": "v1.0.0",
        "commit": first,
    }


def test_provenance_reads_nothing_when_there_is_no_drift(local_github, workspace, current_spec):
    local_github.create_repo(SOURCE, {SPEC_PATH: current_spec})
    local_github.create_repo(CONSUMER, {SPEC_PATH: current_spec})
    local_github.add_token(TOKEN)
    run_action(workspace, local_github, {"peer-repos": CONSUMER})
    assert len(local_github.reads()) == 2


def test_the_comment_says_the_consumer_is_behind(local_github, workspace, current_spec):
    local_github.create_repo(SOURCE, {SPEC_PATH: current_spec})
    head = local_github.commit(SOURCE, "main", {SPEC_PATH: changed_spec(current_spec)}, "v1.1")
    local_github.create_repo(CONSUMER, {SPEC_PATH: current_spec})
    local_github.add_token(TOKEN)
    local_github.open_pull(SOURCE, "feature")
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    run = run_action(
        workspace,
        local_github,
        {"peer-repos": CONSUMER},
        event_name="pull_request",
        event=pull_request_event(1),
        env={"GITHUB_SHA": head},
    )
    assert run.returncode == 1
    entry = run.report["peers"][0]
    assert entry["provenance"]["state"] == "behind-source"
    assert entry["provenance"]["version"] == "v1.0.0"
    [comment] = local_github.comments(SOURCE, 1)
    assert "| behind the source |" in comment.body
    assert "behind" in run.summary


def test_a_consumer_names_the_sync_pull_request_that_will_fix_it(
    local_github, workspace, current_spec
):
    local_github.create_repo(SOURCE, {SPEC_PATH: current_spec})
    local_github.commit(SOURCE, "main", {SPEC_PATH: changed_spec(current_spec)}, "v1.1.0")
    local_github.create_repo(CONSUMER, {SPEC_PATH: current_spec})
    local_github.add_token(TOKEN)
    local_github.commit(CONSUMER, BRANCH, {SPEC_PATH: changed_spec(current_spec)}, "sync")
    pull = local_github.open_pull(CONSUMER, BRANCH)
    run = run_action(
        workspace,
        local_github,
        {"peer-repos": SOURCE, "fail-on-drift": "false"},
        repository=CONSUMER,
    )
    assert run.returncode == 0
    [result] = run.results
    assert result["pr_url"] == f"{local_github.server_url}/{CONSUMER}/pull/{pull.number}"
    assert run.report["peers"][0]["pending_pr"] == {
        "repository": CONSUMER,
        "number": pull.number,
        "url": result["pr_url"],
    }
    assert run.report["peers"][0]["provenance"]["state"] == "behind-source"
