"""Sync mode end to end: the real entrypoint opening pull requests in the local GitHub."""

from __future__ import annotations

import hashlib

import pytest

from tests.actionrun import CONSUMER, SHA, SOURCE, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec

BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
LABELS = ["schema-sync", "bot", "breaking-change"]  # the v1.1.0 spec changes a type


@pytest.fixture
def source_spec(workspace, current_spec) -> bytes:
    """The source of truth moved on to v1.1.0."""
    content = changed_spec(current_spec)
    (workspace / SPEC_PATH).write_bytes(content)
    return content


def sync(workspace, github, **inputs):
    return run_action(workspace, github, {"mode": "sync", "peer-repos": CONSUMER, **inputs})


def open_pulls(github, repo=CONSUMER):
    return github.pulls(repo, "open")


def test_sync_creates_one_pull_request_with_the_exact_bytes(workspace, github, source_spec):
    run = sync(workspace, github)
    assert run.returncode == 0, run.stdout + run.stderr
    [pull] = open_pulls(github)
    assert pull.head == BRANCH
    assert pull.base == "main"
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == source_spec
    assert github.read(CONSUMER, "main", SPEC_PATH) != source_spec
    assert pull.title == f"chore(schema): sync {SPEC_PATH} from {SOURCE} (v1.1.0)"
    assert run.outputs["sync-status"] == "created"
    assert run.outputs["pr-urls"] == f"{github.server_url}/{CONSUMER}/pull/{pull.number}"
    assert run.results[0]["status"] == "created"
    assert run.results[0]["pr_url"] == run.outputs["pr-urls"]


def test_the_pull_request_body_names_source_version_and_changes(workspace, github, source_spec):
    sync(workspace, github)
    [pull] = open_pulls(github)
    assert SOURCE in pull.body
    assert SHA in pull.body
    assert "v1.1.0" in pull.body
    assert "2025-09-01T00:00:00Z" in pull.body
    assert hashlib.sha256(source_spec).hexdigest() in pull.body
    breaking = pull.body.index("Meals › Calories (fldUOPuN6n39Aj1v7): type number → string")
    added = pull.body.index("Users › Timezone: field added")
    assert breaking < added


def test_created_pull_request_gets_every_label(workspace, github, source_spec):
    sync(workspace, github)
    [pull] = open_pulls(github)
    assert sorted(pull.labels) == sorted(LABELS)
    assert set(LABELS) <= set(github.labels(CONSUMER))


def test_created_costs_at_most_four_writes_and_five_reads(workspace, github, source_spec):
    sync(workspace, github)
    assert len(github.writes()) <= 4
    # the fifth: the source's commits of the file, for the pull requests behind the change
    assert len(github.reads()) <= 5


def test_a_second_run_is_unchanged_with_zero_writes(workspace, github, source_spec):
    sync(workspace, github)
    github.reset_log()
    run = sync(workspace, github)
    assert run.returncode == 0
    assert run.outputs["sync-status"] == "unchanged"
    assert github.writes() == []
    assert len(github.reads()) <= 3
    assert len(open_pulls(github)) == 1


def test_unchanged_adds_only_the_missing_label(workspace, github, source_spec):
    sync(workspace, github)
    [pull] = open_pulls(github)
    pull.labels.remove("bot")
    github.reset_log()
    run = sync(workspace, github)
    assert run.outputs["sync-status"] == "unchanged"
    assert [w.path for w in github.writes()] == [f"/repos/{CONSUMER}/issues/{pull.number}/labels"]
    assert "bot" in open_pulls(github)[0].labels


def test_base_already_identical_is_unchanged_and_closes_a_stale_pull_request(
    workspace, github, source_spec
):
    sync(workspace, github)
    github.commit(CONSUMER, "main", {SPEC_PATH: source_spec}, "merged by hand")
    github.reset_log()
    run = sync(workspace, github)
    assert run.returncode == 0
    assert run.outputs["sync-status"] == "unchanged"
    assert open_pulls(github) == []
    [closed] = github.pulls(CONSUMER, "closed")
    assert "already has this content" in github.comments(CONSUMER, closed.number)[-1].body


def test_base_identical_without_a_pull_request_costs_two_reads(workspace, github, current_spec):
    run = sync(workspace, github)
    assert run.outputs["sync-status"] == "unchanged"
    assert len(github.reads()) <= 2
    assert github.writes() == []


def test_a_newer_source_updates_the_same_pull_request(workspace, github, source_spec):
    sync(workspace, github)
    [pull] = open_pulls(github)
    first_head = github.branch_sha(CONSUMER, BRANCH)
    newer = source_spec.replace(b"Timezone", b"Time zone")
    (workspace / SPEC_PATH).write_bytes(newer)
    github.reset_log()
    run = sync(workspace, github)
    assert run.outputs["sync-status"] == "updated"
    [again] = open_pulls(github)
    assert again.number == pull.number
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == newer
    assert github.branch_sha(CONSUMER, BRANCH) != first_head
    assert len(github.writes()) <= 2


def test_force_sync_rebuilds_the_branch_from_the_base(workspace, github, source_spec):
    sync(workspace, github)
    github.commit(CONSUMER, BRANCH, {"NOTES.md": b"stray\n"}, "stray commit")
    github.commit(CONSUMER, "main", {"README.md": b"app v2\n"}, "base moved")
    run = sync(workspace, github, **{"force-sync": "true"})
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "updated"
    assert github.read(CONSUMER, BRANCH, "NOTES.md") is None
    assert github.read(CONSUMER, BRANCH, "README.md") == b"app v2\n"
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == source_spec
    assert len(open_pulls(github)) == 1


def test_a_commit_pushed_by_someone_else_is_kept(workspace, github, source_spec):
    sync(workspace, github)
    theirs = github.commit(
        CONSUMER, BRANCH, {SPEC_PATH: b"tables: {}\n", "NOTES.md": b"x\n"}, "someone's edit"
    )
    run = sync(workspace, github)
    assert run.outputs["sync-status"] == "updated"
    assert github.read(CONSUMER, BRANCH, "NOTES.md") == b"x\n"
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == source_spec
    assert theirs != github.branch_sha(CONSUMER, BRANCH)
    assert "kept" in open_pulls(github)[0].body


@pytest.mark.parametrize("how", ["input", "environment"])
def test_disabled_writes_only_the_status_and_calls_nothing(workspace, github, source_spec, how):
    if how == "input":
        run = sync(workspace, github, disabled="true")
    else:
        run = run_action(
            workspace,
            github,
            {"mode": "sync", "peer-repos": CONSUMER},
            env={"SCHEMA_SYNC_DISABLED": "true"},
        )
    assert run.returncode == 0
    assert run.outputs == {"sync-status": "disabled"}
    assert github.requests() == []
    assert not run.report_file.exists()


def test_dry_run_reports_and_writes_nothing(workspace, github, source_spec):
    run = sync(workspace, github, **{"dry-run": "true"})
    assert run.returncode == 0
    assert run.outputs["sync-status"] == "dry-run"
    assert run.outputs["drift"] == "true"
    assert github.writes() == []
    assert open_pulls(github) == []
    assert run.report["peers"][0]["status"] == "dry-run"


def test_same_version_with_different_content_is_refused(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(current_spec.replace(b"name: Users", b"name: People"))
    run = sync(workspace, github)
    assert run.returncode == 1
    assert run.outputs["sync-status"] == "refused"
    assert github.writes() == []
    assert "version-not-bumped" in run.report["peers"][0]["findings"]
    assert run.commands("error")


def test_an_invalid_spec_is_never_synced(workspace, github):
    (workspace / SPEC_PATH).write_bytes(b"spec_version: v2\ntables:\n  t:\n    fields: 3\n")
    run = sync(workspace, github)
    assert run.returncode == 2
    assert github.requests() == []
    assert any("file=schema/AIRTABLE_SPEC.yaml" in line for line in run.commands("error"))


def test_three_consumers_each_get_one_pull_request(workspace, github, source_spec, current_spec):
    others = ["STRUKT1/strukt-web", "STRUKT1/strukt-admin"]
    for name in others:
        github.create_repo(name, {SPEC_PATH: current_spec})
    github.commit("STRUKT1/strukt-admin", "main", {SPEC_PATH: source_spec}, "already synced")
    run = sync(workspace, github, **{"peer-repos": "\n".join([CONSUMER, *others])})
    assert run.returncode == 0
    assert run.outputs["sync-status"].splitlines() == [
        f"{CONSUMER}=created",
        "STRUKT1/strukt-web=created",
        "STRUKT1/strukt-admin=unchanged",
    ]
    assert len(run.outputs["pr-urls"].splitlines()) == 2
    assert [len(open_pulls(github, r)) for r in [CONSUMER, *others]] == [1, 1, 0]
    assert len(run.report["peers"]) == 3


def test_one_failing_consumer_does_not_stop_the_others(workspace, github, source_spec):
    run = sync(workspace, github, **{"peer-repos": f"STRUKT1/missing,{CONSUMER}"})
    assert run.returncode == 3
    assert run.outputs["sync-status"].splitlines() == [
        "STRUKT1/missing=failed",
        f"{CONSUMER}=created",
    ]
    assert len(open_pulls(github)) == 1


def test_a_consumer_without_the_file_gets_it_added(workspace, github, source_spec):
    github.commit(CONSUMER, "main", {SPEC_PATH: None}, "no spec yet")
    run = sync(workspace, github)
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "created"
    assert run.outputs["peer-sha256"] == ""
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == source_spec
    [pull] = open_pulls(github)
    assert "does not exist here yet" in pull.body


# --- behind or edited, from the source's history through the API (the image has no git) --


def test_sync_names_a_consumer_that_is_behind(workspace, github, source_spec):
    head = github.commit(SOURCE, "main", {SPEC_PATH: source_spec}, "v1.1.0")
    run = run_action(
        workspace, github, {"mode": "sync", "peer-repos": CONSUMER}, env={"GITHUB_SHA": head}
    )
    assert run.returncode == 0, run.stdout
    assert run.report["peers"][0]["findings"] == ["behind-source"]
    [pull] = open_pulls(github)
    assert "edited its copy" not in pull.body


def test_a_sync_over_a_consumers_own_edit_lists_the_edits_first(
    workspace, github, source_spec, current_spec
):
    head = github.commit(SOURCE, "main", {SPEC_PATH: source_spec}, "v1.1.0")
    edited = current_spec.replace(b'name: "Body Type"', b'name: "Body shape"', 1)
    assert edited != current_spec
    github.commit(CONSUMER, "main", {SPEC_PATH: edited}, "a local edit")
    run = run_action(
        workspace, github, {"mode": "sync", "peer-repos": CONSUMER}, env={"GITHUB_SHA": head}
    )
    assert run.returncode == 0, run.stdout
    assert run.report["peers"][0]["findings"] == ["edited-locally"]
    [pull] = open_pulls(github)
    first, _ = pull.body.split("Spec version", 1)
    assert f"**{CONSUMER} edited its copy" in first
    assert f"Edits in {CONSUMER} that this pull request undoes:" in first
    assert "Body shape" in first
