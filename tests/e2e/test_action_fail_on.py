"""`fail-on`, `version-policy` and `role` end to end: each condition failing the step and
only warning, each policy refusing or passing, and changes read toward the source."""

from __future__ import annotations

import pytest

from tests.actionrun import CONSUMER, SOURCE, run_action
from tests.conftest import LEGACY, SPEC_PATH
from tests.specs import add_field, break_type, describe, edited

SEMVER = {"version-policy": "semver"}


def drift(workspace, github, spec: bytes | None = None, **inputs):
    """A push run in strukt-system at the head of its main branch."""
    if spec is not None:
        (workspace / SPEC_PATH).write_bytes(spec)
    head = {"GITHUB_SHA": github.branch_sha(SOURCE, "main")}
    return run_action(workspace, github, {"peer-repos": CONSUMER, **inputs}, env=head)


def failing(run, condition: str) -> list[str]:
    return [e for e in run.commands("error") if f"(fail-on: {condition})" in e]


def warned(run, condition: str) -> list[str]:
    return [w for w in run.commands("warning") if f"add '{condition}' to fail-on" in w]


# --- the input itself ------------------------------------------------------------------------


def test_an_unknown_condition_is_bad_input_before_any_request(workspace, github):
    run = drift(workspace, github, **{"fail-on": "drift,brekaing"})
    assert run.returncode == 2
    [error] = run.commands("error")
    assert "unknown condition 'brekaing'" in error
    assert github.requests() == []


def test_never_cannot_be_combined(workspace, github):
    run = drift(workspace, github, **{"fail-on": "never,drift"})
    assert run.returncode == 2
    assert "'never' cannot be combined" in run.commands("error")[0]


@pytest.mark.parametrize(("name", "value"), [("role", "owner"), ("version-policy", "strict")])
def test_an_unknown_role_or_policy_is_bad_input(workspace, github, name, value):
    run = drift(workspace, github, **{name: value})
    assert run.returncode == 2
    assert f"Input '{name}' must be one of" in run.commands("error")[0]


def test_never_reports_drift_as_warnings_and_exits_0(workspace, github, current_spec):
    run = drift(
        workspace, github, edited(current_spec, "v1.1.0", break_type), **{"fail-on": "never"}
    )
    assert run.returncode == 0
    assert run.outputs["drift"] == "true"
    assert not run.commands("error")
    assert warned(run, "drift") and warned(run, "breaking")


def test_fail_on_wins_over_fail_on_drift(workspace, github, current_spec):
    spec = edited(current_spec, "v1.1.0", add_field)
    run = drift(workspace, github, spec, **{"fail-on-drift": "false", "fail-on": "drift"})
    assert run.returncode == 1
    assert failing(run, "drift")


# --- each condition --------------------------------------------------------------------------


def test_drift_fails_naming_the_peer_and_the_condition(workspace, github, current_spec):
    run = drift(workspace, github, edited(current_spec, "v1.1.0", add_field))
    [error] = failing(run, "drift")
    assert f"differs from {CONSUMER}:{SPEC_PATH}" in error
    assert "title=Schema drift" in error


def test_breaking_against_a_peer(workspace, github, current_spec):
    spec = edited(current_spec, "v2.0.0", break_type)
    run = drift(workspace, github, spec, **{"fail-on": "breaking"}, **SEMVER)
    assert run.returncode == 1
    [error] = failing(run, "breaking")
    assert CONSUMER in error and "breaking: type changed" in error
    assert "first: tables." not in error and " › " in error  # named as the comment names it
    calm = drift(workspace, github, **{"fail-on": "version-too-small"}, **SEMVER)
    assert calm.returncode == 0
    assert warned(calm, "breaking") and warned(calm, "drift")


def test_version_not_bumped(workspace, github, current_spec):
    spec = edited(current_spec, None, describe)
    run = drift(workspace, github, spec, **{"fail-on": "version-not-bumped"})
    assert run.returncode == 1
    [error] = failing(run, "version-not-bumped")
    assert "the content differs under the same spec version (v1.0.0)" in error
    assert drift(workspace, github, **{"fail-on": "breaking"}).returncode == 0


def test_version_too_small_names_the_lowest_version(workspace, github, current_spec):
    spec = edited(current_spec, "v1.0.1", add_field)
    run = drift(workspace, github, spec, **{"fail-on": "version-too-small"}, **SEMVER)
    assert run.returncode == 1
    [error] = failing(run, "version-too-small")
    assert "added tables or fields need v1.1.0 or later; this file has v1.0.1" in error
    peer = run.report["peers"][0]
    assert peer["findings"] == ["version-too-small", "behind-source"]
    assert peer["required_version"] == "v1.1.0"


def test_version_policy_none_and_require_version_bump_false_check_nothing(
    workspace, github, current_spec
):
    spec = edited(current_spec, None, describe)
    for inputs in ({"version-policy": "none"}, {"require-version-bump": "false"}):
        run = drift(workspace, github, spec, **{"fail-on": "version-not-bumped"}, **inputs)
        assert run.returncode == 0, inputs
        assert run.results[0]["findings"] == ["behind-source"]


def test_updated_at_unchanged(workspace, github, current_spec):
    spec = edited(current_spec, "v1.0.1", describe, updated="2025-08-17T19:50:00Z")
    run = drift(workspace, github, spec, **{"fail-on": "updated-at-unchanged"})
    assert run.returncode == 1
    [error] = failing(run, "updated-at-unchanged")
    assert "updated_at is the same (2025-08-17T19:50:00Z)" in error
    assert warned(drift(workspace, github, **{"fail-on": "never"}), "updated-at-unchanged")


def test_edited_a_consumer_copy_that_the_source_never_had(workspace, github, current_spec):
    github.commit(CONSUMER, "main", {SPEC_PATH: edited(current_spec, "v0.9.0", describe)}, "own")
    run = drift(workspace, github, **{"fail-on": "edited"})
    assert run.returncode == 1
    [error] = failing(run, "edited")
    assert CONSUMER in error and "edited locally" in error
    assert run.results[0]["findings"] == ["edited-locally"]
    assert warned(drift(workspace, github, **{"fail-on": "behind"}), "edited")


def test_behind_a_consumer_copy_from_the_sources_history(workspace, github, current_spec):
    newer = edited(current_spec, "v1.1.0", add_field)
    github.commit(SOURCE, "main", {SPEC_PATH: newer}, "v1.1.0")
    run = drift(workspace, github, newer, **{"fail-on": "behind"})
    assert run.returncode == 1
    [error] = failing(run, "behind")
    assert CONSUMER in error and "behind" in error
    assert run.results[0]["findings"] == ["behind-source"]
    assert drift(workspace, github, **{"fail-on": "edited"}).returncode == 0


def test_a_legacy_version_key_is_compared_as_the_version(workspace, github, current_spec):
    github.commit(CONSUMER, "main", {SPEC_PATH: LEGACY.read_bytes()}, "legacy copy")
    run = drift(workspace, github, **{"fail-on": "version-not-bumped"})
    assert run.returncode == 1  # legacy `version: 1.0.0` and `spec_version: v1.0.0` are one
    semver = drift(workspace, github, **{"fail-on": "version-too-small"}, **SEMVER)
    [error] = failing(semver, "version-too-small")
    assert "changes need v1.0.1 or later; this file has v1.0.0" in error


# --- direction and role ----------------------------------------------------------------------


def test_a_consumers_check_reads_every_change_toward_the_source(workspace, github, current_spec):
    github.commit(SOURCE, "main", {SPEC_PATH: edited(current_spec, "v1.1.0", add_field)}, "v1.1")
    run = run_action(
        workspace, github, {"peer-repos": SOURCE, "fail-on-drift": "false"}, repository=CONSUMER
    )
    report = run.report
    assert report["role"] == "consumer"
    peer = report["peers"][0]
    assert peer["from"] == {"repository": CONSUMER, "ref": "main"}
    assert peer["to"] == {"repository": SOURCE, "ref": "main"}
    [field] = [c for c in peer["changes"] if c["path"] == "tables.users.fields.timezone"]
    assert (field["kind"], field["breaking"]) == ("added", False)
    [version] = [c for c in peer["changes"] if c["path"] == "spec_version"]
    assert (version["before"], version["after"]) == ("v1.0.0", "v1.1.0")
    assert run.outputs["breaking"] == "false"
    assert "behind-source" in peer["findings"]


def test_role_source_in_a_consumer_reads_the_other_way(workspace, github, current_spec):
    github.commit(SOURCE, "main", {SPEC_PATH: edited(current_spec, "v1.1.0", add_field)}, "v1.1")
    run = run_action(
        workspace,
        github,
        {"peer-repos": SOURCE, "fail-on-drift": "false", "role": "source"},
        repository=CONSUMER,
    )
    assert run.report["role"] == "source"
    [field] = [c for c in run.report["changes"] if c["path"] == "tables.users.fields.timezone"]
    assert (field["kind"], field["breaking"], field["reason"]) == ("removed", True, "removed")


# --- sync mode -------------------------------------------------------------------------------


def test_sync_refuses_a_version_too_small_under_semver(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(edited(current_spec, "v1.0.1", break_type))
    run = run_action(workspace, github, {"mode": "sync", "peer-repos": CONSUMER, **SEMVER})
    assert run.returncode == 1
    assert run.outputs["sync-status"] == "refused"
    [error] = run.commands("error")
    assert "breaking changes need v2.0.0 or later; this file has v1.0.1" in error
    assert "title=Spec version too small" in error
    assert github.pulls(CONSUMER) == []
    assert github.writes() == []


def test_sync_under_bump_accepts_any_other_version(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(edited(current_spec, "v1.0.1", break_type))
    run = run_action(workspace, github, {"mode": "sync", "peer-repos": CONSUMER})
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "created"
