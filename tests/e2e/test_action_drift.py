"""Drift mode end to end: the real entrypoint against the local GitHub."""

from __future__ import annotations

import hashlib

import yaml

from tests.actionrun import CONSUMER, SOURCE, TOKEN, pull_request_event, run_action
from tests.conftest import SPEC_PATH

MARKER = f"<!-- schema-sync:drift:{SPEC_PATH} -->"


def changed_spec(current: bytes) -> bytes:
    """This repository's copy: v1.1.0 with a new field and a changed field type."""
    data = yaml.safe_load(current)
    data["spec_version"] = "v1.1.0"
    data["updated_at"] = "2025-09-01T00:00:00Z"
    fields = data["tables"]["users"]["fields"]
    fields["timezone"] = {"name": "Timezone", "type": "string", "required": False}
    data["tables"]["meals"]["fields"]["calories"]["type"] = "string"
    return yaml.safe_dump(data, sort_keys=False).encode()


def drift(workspace, github, **inputs):
    event = inputs.pop("event", None)
    values = {"peer-repos": CONSUMER, **inputs}
    if event is not None:
        return run_action(workspace, github, values, event_name="pull_request", event=event)
    return run_action(workspace, github, values)


def test_no_drift_exits_0_with_matching_hashes(workspace, github, current_spec):
    run = drift(workspace, github)
    assert run.returncode == 0, run.stdout + run.stderr
    sha = hashlib.sha256(current_spec).hexdigest()
    assert run.outputs["drift"] == "false"
    assert run.outputs["breaking"] == "false"
    assert run.outputs["changes"] == "0"
    assert run.outputs["local-sha256"] == sha
    assert run.outputs["peer-sha256"] == sha
    assert run.outputs["report-path"] == "schema-drift-report/schema_drift_report.json"
    assert run.results == [
        {
            "repository": CONSUMER,
            "drift": False,
            "status": "in-sync",
            "pr_url": "",
            "changes": 0,
            "breaking": False,
            "findings": [],
        }
    ]
    assert "sync-status" not in run.outputs


def test_no_drift_costs_two_reads_and_no_writes(workspace, github):
    drift(workspace, github)
    assert len(github.reads()) == 2
    assert github.writes() == []


def test_drift_with_a_peer_ref_costs_one_read(workspace, github):
    drift(workspace, github, **{"peer-ref": "main"})
    assert len(github.reads()) == 1


def test_drift_fails_the_step_and_reports_every_field(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    run = drift(workspace, github)
    assert run.returncode == 1
    assert run.outputs["drift"] == "true"
    assert run.outputs["breaking"] == "true"
    assert int(run.outputs["changes"]) == 4
    assert any("Schema drift" in line for line in run.commands("error"))
    report = run.report
    assert report["drift_detected"] is True
    assert report["repository"] == SOURCE
    assert report["local"]["version"] == "v1.1.0"
    assert report["local"]["fields"] == 59
    assert report["peer"] == {
        "repository": CONSUMER,
        "ref": "main",
        "path": SPEC_PATH,
        "hash": hashlib.sha256(current_spec).hexdigest(),
        "version": "v1.0.0",
        "updated_at": "2025-08-17T19:50:00Z",
        "owner_repo": SOURCE,
        "tables": 8,
        "fields": 58,
        "missing": False,
    }
    first = report["changes"][0]
    assert first == {
        "kind": "changed",
        "path": "tables.meals.fields.calories.type",
        "breaking": True,
        "before": "number",
        "after": "string",
        "table": "meals",
        "field": "calories",
        "table_id": "tblWLkTKkxkSEcySD",
        "field_id": "fldUOPuN6n39Aj1v7",
        "name": "Calories",
        "reason": "type-changed",
        "usages": [],  # the impact scan found no code that uses it
        "usages_truncated": False,
    }
    assert report["peers"][0]["changes"] == report["changes"]


def test_drift_only_warns_when_fail_on_drift_is_false(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    run = drift(workspace, github, **{"fail-on-drift": "false"})
    assert run.returncode == 0
    assert run.outputs["drift"] == "true"
    assert run.commands("warning")
    assert not run.commands("error")


def test_a_missing_peer_file_is_drift(workspace, github):
    github.commit(CONSUMER, "main", {SPEC_PATH: None}, "remove the spec")
    run = drift(workspace, github)
    assert run.returncode == 1
    assert run.outputs["peer-sha256"] == ""
    assert run.results[0]["status"] == "missing"
    assert run.report["peer"]["missing"] is True
    assert run.report["peer"]["hash"] is None


def test_drift_against_a_tag_or_a_commit_sha(workspace, github, current_spec):
    old = github.branch_sha(CONSUMER, "main")
    github.commit(CONSUMER, "main", {SPEC_PATH: changed_spec(current_spec)}, "edit")
    at_sha = drift(workspace, github, **{"peer-ref": old})
    assert at_sha.returncode == 0
    assert at_sha.report["peer"]["ref"] == old
    at_head = drift(workspace, github)
    assert at_head.returncode == 1


def test_an_unknown_peer_is_a_remote_failure(workspace, github):
    run = drift(workspace, github, **{"peer-repos": "STRUKT1/nope"})
    assert run.returncode == 3
    assert run.commands("error")
    assert "Traceback" not in run.stdout + run.stderr


def test_the_token_is_masked_and_never_printed(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    run = drift(workspace, github)
    assert f"::add-mask::{TOKEN}" in run.stdout
    rest = run.stdout.replace(f"::add-mask::{TOKEN}", "")
    assert TOKEN not in rest + run.stderr + run.summary + run.report_file.read_text()


# --- the sticky comment ---------------------------------------------------------------


def test_no_comment_on_a_pull_request_without_drift(workspace, github):
    github.open_pull(SOURCE, "feature")
    run = drift(workspace, github, event=pull_request_event(1))
    assert run.returncode == 0
    assert github.comments(SOURCE, 1) == []


def test_drift_on_a_pull_request_creates_one_comment(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    github.open_pull(SOURCE, "feature")
    run = drift(workspace, github, event=pull_request_event(1))
    assert run.returncode == 1
    [comment] = github.comments(SOURCE, 1)
    assert comment.body.splitlines()[0] == MARKER
    assert "Schema drift" in comment.body
    assert "Meals › Calories (fldUOPuN6n39Aj1v7): type number → string" in comment.body


def test_a_rerun_edits_the_comment_in_place(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    github.open_pull(SOURCE, "feature")
    github.add_comment(SOURCE, 1, "an unrelated comment")
    drift(workspace, github, event=pull_request_event(1))
    first = github.comments(SOURCE, 1)[1]
    edited = changed_spec(current_spec).replace(b"Timezone", b"Time zone")
    (workspace / SPEC_PATH).write_bytes(edited)
    drift(workspace, github, event=pull_request_event(1))
    comments = github.comments(SOURCE, 1)
    assert len(comments) == 2
    assert comments[1].id == first.id
    assert "Time zone" in comments[1].body


def test_the_comment_flips_to_in_sync_when_drift_is_gone(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    github.open_pull(SOURCE, "feature")
    drift(workspace, github, event=pull_request_event(1))
    (workspace / SPEC_PATH).write_bytes(current_spec)
    run = drift(workspace, github, event=pull_request_event(1))
    assert run.returncode == 0
    [comment] = github.comments(SOURCE, 1)
    assert comment.body.startswith(MARKER)
    assert "Schema in sync" in comment.body


def test_no_comment_when_comment_is_false_or_dry_run(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    github.open_pull(SOURCE, "feature")
    drift(workspace, github, event=pull_request_event(1), comment="false")
    drift(workspace, github, event=pull_request_event(1), **{"dry-run": "true"})
    assert github.comments(SOURCE, 1) == []
    assert github.writes() == []


def test_a_read_only_token_warns_and_puts_the_report_in_the_summary(
    workspace, github, current_spec
):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    github.open_pull(SOURCE, "feature")
    github.add_token("ghs_readonly_fork_token_000", {SOURCE: "read", CONSUMER: "read"})
    run = run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER, "fail-on-drift": "false"},
        event_name="pull_request",
        event=pull_request_event(1),
        token="ghs_readonly_fork_token_000",
    )
    assert run.returncode == 0
    assert any("comment" in line.lower() for line in run.commands("warning"))
    assert "Meals › Calories (fldUOPuN6n39Aj1v7): type number → string" in run.summary
    assert github.comments(SOURCE, 1) == []


def test_drift_against_a_tag(workspace, github, current_spec):
    repo = github.repo(CONSUMER).git
    repo.git("tag", "v1.0.0", github.branch_sha(CONSUMER, "main"))
    github.commit(CONSUMER, "main", {SPEC_PATH: changed_spec(current_spec)}, "edit")
    run = drift(workspace, github, **{"peer-ref": "v1.0.0"})
    assert run.returncode == 0
    assert run.report["peer"]["ref"] == "v1.0.0"


def test_ignored_paths_are_left_out_of_drift_and_listed(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(
        current_spec.replace(b"Used in all personalization", b"Used everywhere")
    )
    run = drift(workspace, github, ignore="tables.*.fields.*.description")
    assert run.returncode == 0
    assert run.outputs["drift"] == "false"
    peer = run.report["peers"][0]
    assert peer["changes"] == []
    assert [c["path"] for c in peer["ignored"]] == ["tables.users.fields.full_name.description"]
    assert run.report["ignore"] == ["tables.*.fields.*.description"]


def test_a_comment_github_keeps_failing_is_a_remote_failure(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    github.open_pull(SOURCE, "feature")
    github.inject("POST", r"/issues/1/comments$", status=500, times=None)
    run = drift(workspace, github, event=pull_request_event(1), **{"fail-on-drift": "false"})
    assert run.returncode == 3
    assert any("comment" in line for line in run.commands("error"))
    assert github.comments(SOURCE, 1) == []
