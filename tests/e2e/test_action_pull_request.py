"""A pull request's own change, `pending` consumers, and a consumer's own pull request,
end to end through the entrypoint against the local GitHub."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from tests import e2emode
from tests.actionrun import CONSUMER, ROOT, SOURCE, pull_request_event, run_action
from tests.conftest import SPEC_PATH, git
from tests.specs import add_field, break_type, describe, edited

MARKER = f"<!-- schema-sync:drift:{SPEC_PATH} -->"
EXAMPLE = ROOT / "docs/examples/strukt-system-drift.yml"


def recommended_gate() -> dict[str, str]:
    """The documented gate's inputs, but for the token and the peer."""
    steps = yaml.safe_load(EXAMPLE.read_text())["jobs"]["drift"]["steps"]
    [step] = [s for s in steps if "schema-sync-action" in s.get("uses", "")]
    return {k: str(v) for k, v in step["with"].items() if k in ("fail-on", "version-policy")}


GATE = recommended_gate()


def source_pull(github, workspace: Path, head: bytes) -> dict:
    """A strukt-system pull request from `feature` whose file is `head`."""
    base = github.branch_sha(SOURCE, "main")
    head_sha = github.commit(SOURCE, "feature", {SPEC_PATH: head}, "change the schema")
    pull = github.open_pull(SOURCE, "feature")
    (workspace / SPEC_PATH).write_bytes(head)
    return pull_request_event(pull.number, base_sha=base, head_sha=head_sha)


def check(workspace, github, event, repository=SOURCE, peers=CONSUMER, **inputs):
    return run_action(
        workspace,
        github,
        {"peer-repos": peers, **inputs},
        event_name="pull_request",
        event=event,
        repository=repository,
    )


def test_a_consumer_equal_to_the_base_is_pending_and_the_gate_passes(
    workspace, github, current_spec
):
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    run = check(workspace, github, event, **GATE)
    assert run.returncode == 0, run.stdout
    assert run.outputs["drift"] == "false"
    assert run.outputs["pending"] == "true"
    [result] = run.results
    assert (result["status"], result["drift"], result["findings"]) == ("pending", False, [])
    report = run.report
    assert report["drift_detected"] is False and report["pending"] is True
    assert report["peers"][0]["from"] == {"repository": CONSUMER, "ref": "main"}
    assert report["peers"][0]["to"] == {"repository": SOURCE, "ref": "feature"}
    own = report["pull_request"]
    assert (own["number"], own["base_sha"]) == (1, event["pull_request"]["base"]["sha"])
    assert own["head_sha"] == event["pull_request"]["head"]["sha"]
    assert [c["path"] for c in own["changes"]] == [
        "spec_version",
        "tables.users.fields.timezone",
        "updated_at",
    ]
    assert own["breaking"] is False and own["findings"] == []


def test_pending_passes_under_plain_fail_on_drift(workspace, github, current_spec):
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    run = check(workspace, github, event)
    assert run.returncode == 0, run.stdout
    assert not run.commands("error")
    assert any("after merge, a sync pull request opens in" in n for n in run.commands("notice"))


def test_the_comment_says_what_happens_after_the_merge(workspace, github, current_spec):
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    check(workspace, github, event, **GATE)
    [comment] = github.comments(SOURCE, 1)
    assert comment.body.startswith(MARKER)
    assert f"after merge, a sync pull request opens in {CONSUMER}".lower() in comment.body.lower()
    assert "This pull request's change" in comment.body
    assert "Timezone" in comment.body and "fldTz7Qm2LkP9xWv3" in comment.body


def test_a_breaking_change_without_a_major_bump_fails_naming_the_version(
    workspace, github, current_spec
):
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", break_type))
    run = check(workspace, github, event, **GATE)
    assert run.returncode == 1
    errors = run.commands("error")
    assert any(
        "breaking changes need v2.0.0 or later; this file has v1.1.0" in e
        and "(fail-on: version-too-small)" in e
        and "pull request #1" in e
        for e in errors
    )
    warnings = run.commands("warning")
    assert any("title=Breaking change" in w and "pull request #1" in w for w in warnings)
    assert run.report["pull_request"]["findings"] == ["version-too-small"]
    assert run.report["pull_request"]["required_version"] == "v2.0.0"
    assert run.outputs["breaking"] == "true"
    assert run.outputs["drift"] == "false"


def test_a_breaking_change_with_a_major_bump_passes_the_gate_with_a_warning(
    workspace, github, current_spec
):
    event = source_pull(github, workspace, edited(current_spec, "v2.0.0", break_type))
    run = check(workspace, github, event, **GATE)
    assert run.returncode == 0, run.stdout
    assert any("add 'breaking' to fail-on" in w for w in run.commands("warning"))
    strict = check(workspace, github, event, **{**GATE, "fail-on": "drift,breaking"})
    assert strict.returncode == 1
    [error] = strict.commands("error")
    assert "(fail-on: breaking)" in error and "pull request #1" in error


def test_a_consumer_that_differs_from_the_base_too_is_drift(workspace, github, current_spec):
    github.commit(CONSUMER, "main", {SPEC_PATH: edited(current_spec, "v0.9.0")}, "own edit")
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    run = check(workspace, github, event, **GATE)
    assert run.returncode == 1
    assert run.results[0]["status"] == "drift"
    assert run.outputs["pending"] == "false"
    assert any("(fail-on: drift)" in e and CONSUMER in e for e in run.commands("error"))


def test_a_pull_request_that_leaves_the_file_alone_writes_nothing(workspace, github, current_spec):
    event = source_pull(github, workspace, current_spec)
    run = check(workspace, github, event, **GATE)
    assert run.returncode == 0
    assert run.outputs["pending"] == "false"
    assert run.report["pull_request"]["changes"] == []
    assert github.comments(SOURCE, 1) == []
    assert github.writes() == []


def test_a_pull_request_run_costs_at_most_one_request_more_than_a_push(
    workspace, github, current_spec
):
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    run_action(workspace, github, {"peer-repos": CONSUMER, "comment": "false", **GATE})
    push = len(github.reads())
    github.reset_log()
    check(workspace, github, event, comment="false", **GATE)
    assert len(github.reads()) <= push + 1


@pytest.mark.skipif(
    e2emode.mode() == "container", reason="the image has no git: the API answers there"
)
def test_the_base_is_read_from_the_checkout_when_it_has_the_commit(workspace, github, current_spec):
    git(workspace, "init", "-q", "-b", "main")
    git(workspace, "add", "-A")
    git(workspace, "commit", "-qm", "base")
    base = git(workspace, "rev-parse", "HEAD")
    (workspace / SPEC_PATH).write_bytes(edited(current_spec, "v1.1.0", add_field))
    pull = github.open_pull(SOURCE, "feature")
    event = pull_request_event(pull.number, base_sha=base, head_sha="f" * 40)
    run = check(workspace, github, event, comment="false", **GATE)
    assert run.returncode == 0, run.stdout
    assert run.results[0]["status"] == "pending"
    assert not github.requests(path_contains=f"ref={base}")


def test_without_git_the_base_comes_from_the_api(workspace, github, current_spec, tmp_path):
    event = source_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    empty = tmp_path / "no-git"
    empty.mkdir()
    # The image has no git; on the host, a PATH without it does the same.
    no_git = {} if e2emode.mode() == "container" else {"PATH": str(empty)}
    run = run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER, **GATE},
        event_name="pull_request",
        event=event,
        env=no_git,
    )
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.results[0]["status"] == "pending"


def test_a_pull_request_that_adds_the_file_reports_it_added(workspace, github, current_spec):
    github.commit(SOURCE, "main", {SPEC_PATH: None}, "no schema yet")
    event = source_pull(github, workspace, current_spec)
    run = check(workspace, github, event, **GATE)
    assert run.report["pull_request"]["base_missing"] is True
    assert run.results[0]["status"] == "in-sync"


# --- a consumer's pull request ---------------------------------------------------------------


def consumer_pull(github, workspace: Path, head: bytes) -> dict:
    base = github.branch_sha(CONSUMER, "main")
    head_sha = github.commit(CONSUMER, "feature", {SPEC_PATH: head}, "edit the copy")
    pull = github.open_pull(CONSUMER, "feature")
    (workspace / SPEC_PATH).write_bytes(head)
    return pull_request_event(pull.number, CONSUMER, base_sha=base, head_sha=head_sha)


def test_a_consumer_pull_request_that_edits_its_copy_is_edits_synced_copy(
    workspace, github, current_spec
):
    event = consumer_pull(github, workspace, edited(current_spec, "v1.1.0", add_field))
    run = check(
        workspace, github, event, repository=CONSUMER, peers=SOURCE, **{"fail-on": "edited"}
    )
    assert run.returncode == 1
    assert run.report["role"] == "consumer"
    assert "edits-synced-copy" in run.report["pull_request"]["findings"]
    [error] = [e for e in run.commands("error") if "(fail-on: edited)" in e and "#1" in e]
    assert "make the change in STRUKT1/strukt-system instead" in error
    [comment] = github.comments(CONSUMER, 1)
    assert "make the change in STRUKT1/strukt-system instead" in comment.body


def test_a_consumer_pull_request_edit_only_warns_unless_fail_on_says_edited(
    workspace, github, current_spec
):
    github.commit(SOURCE, "main", {SPEC_PATH: edited(current_spec, "v1.1.0", add_field)}, "v1.1")
    event = consumer_pull(github, workspace, edited(current_spec, "v1.1.0", add_field, describe))
    run = check(
        workspace, github, event, repository=CONSUMER, peers=SOURCE, **{"fail-on": "breaking"}
    )
    assert run.returncode == 0, run.stdout
    assert any("add 'edited' to fail-on" in w for w in run.commands("warning"))


def test_a_consumer_pull_request_carrying_the_sources_file_is_a_sync_not_an_edit(
    workspace, github, current_spec
):
    new = edited(current_spec, "v1.1.0", add_field)
    github.commit(SOURCE, "main", {SPEC_PATH: new}, "v1.1.0")
    event = consumer_pull(github, workspace, new)
    github.reset_log()
    run = check(
        workspace, github, event, repository=CONSUMER, peers=SOURCE, **{"fail-on": "edited"}
    )
    assert run.returncode == 0, run.stdout
    assert run.report["pull_request"]["findings"] == []
    assert run.report["pull_request"]["syncs_from"] == SOURCE
    blobs = [r for r in github.requests() if "/git/blobs/" in r.path]
    assert [r.path.split("/")[3] for r in blobs] == ["strukt-system"]  # one question, the source
    [comment] = github.comments(CONSUMER, 1)
    assert (
        f"This pull request syncs `{SPEC_PATH}` from STRUKT1/strukt-system: v1.0.0 → v1.1.0"
        in comment.body
    )
    assert "make the change in" not in comment.body


def test_a_consumer_pull_request_carrying_an_earlier_source_version_is_a_sync(
    workspace, github, current_spec
):
    older = edited(current_spec, "v1.1.0", add_field)
    github.commit(SOURCE, "main", {SPEC_PATH: older}, "v1.1.0")
    github.commit(SOURCE, "main", {SPEC_PATH: edited(older, "v1.2.0", describe)}, "v1.2.0")
    event = consumer_pull(github, workspace, older)
    run = check(workspace, github, event, repository=CONSUMER, peers=SOURCE)
    assert "edits-synced-copy" not in run.report["pull_request"]["findings"]
    assert run.report["pull_request"]["syncs_from"] == SOURCE


def test_a_consumers_sync_pull_request_is_held_to_the_version_policy_as_every_change(
    workspace, github, current_spec
):
    same_version = edited(current_spec, None, add_field)  # the source kept v1.0.0
    github.commit(SOURCE, "main", {SPEC_PATH: same_version}, "a field, same version")
    event = consumer_pull(github, workspace, same_version)
    run = check(workspace, github, event, repository=CONSUMER, peers=SOURCE, **GATE)
    assert run.report["pull_request"]["findings"] == ["version-too-small"]  # GATE: semver
    assert "edits-synced-copy" not in run.report["pull_request"]["findings"]
    assert run.report["pull_request"]["syncs_from"] == SOURCE
