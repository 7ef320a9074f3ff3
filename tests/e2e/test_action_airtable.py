"""Airtable mode end to end: the real entrypoint, as the runner runs it, against a local
Airtable built from the spec, each scenario one way the base and the spec can disagree."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from tests.actionrun import SOURCE, leaks, pull_request_event, run_action
from tests.conftest import CURRENT, SPEC_PATH
from tests.localairtable import builder
from tests.localairtable.plugin import AIRTABLE_ENV
from tests.localairtable.server import SCHEMA_SCOPE

BASE = "appStruktBase0001"
AIRTABLE_TOKEN = "patE2e0123456789.abcdef0123456789abcdef0123456789abcdef"
MARKER = f"<!-- schema-sync:airtable:{SPEC_PATH} -->"


@pytest.fixture
def base(local_airtable):
    """The base exactly as the current spec describes it, and a token that may read it."""
    tables = local_airtable.add_base(
        BASE, builder.base_from_spec(yaml.safe_load(CURRENT.read_text()))
    )
    local_airtable.add_token(AIRTABLE_TOKEN)
    return tables


def airtable_run(workspace: Path, github, local_airtable, inputs=None, env=None, **kw):
    values = {
        "mode": "airtable",
        "airtable-base-id": BASE,
        "airtable-token": AIRTABLE_TOKEN,
        "airtable-api-url": local_airtable.url,
        **(inputs or {}),
    }
    run = run_action(workspace, github, values, env={**AIRTABLE_ENV, **(env or {})}, **kw)
    assert not leaks(run, github, [AIRTABLE_TOKEN]), "the Airtable token leaked"
    return run


def changes(run) -> list[dict]:
    return run.report["peers"][0]["changes"]


def test_a_base_built_from_the_spec_is_in_sync(workspace, github, local_airtable, base):
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 0, run.stdout
    assert run.outputs["drift"] == "false" and run.outputs["changes"] == "0"
    assert run.results == [
        {
            "repository": f"airtable:{BASE}",
            "drift": False,
            "status": "in-sync",
            "pr_url": "",
            "changes": 0,
            "breaking": False,
            "findings": [],
        }
    ]
    assert (
        run.report["mode"] == "airtable" and run.report["peer"]["repository"] == f"airtable:{BASE}"
    )
    assert f"Airtable base `{BASE}` matches `{SPEC_PATH}`" in run.summary


def test_the_action_makes_one_request_with_the_token(workspace, github, local_airtable, base):
    airtable_run(workspace, github, local_airtable)
    sent = local_airtable.requests_to(BASE)
    assert len(sent) == 1 and sent[0].authorization == f"Bearer {AIRTABLE_TOKEN}"
    assert sent[0].path.startswith(f"/v0/meta/bases/{BASE}/tables")


def test_the_token_is_masked(workspace, github, local_airtable, base):
    run = airtable_run(workspace, github, local_airtable)
    assert f"::add-mask::{AIRTABLE_TOKEN}" in run.stdout.splitlines()


def test_a_field_missing_in_the_base_is_a_breaking_removal(workspace, github, local_airtable, base):
    builder.drop_field(base, "Meals", "Calories")
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 1
    (change,) = changes(run)
    assert change["kind"] == "removed" and change["breaking"] and change["reason"] == "removed"
    assert change["path"] == "tables.meals.fields.calories"
    assert (change["table"], change["field"], change["name"]) == ("meals", "calories", "Calories")
    assert run.outputs["drift"] == "true" and run.outputs["breaking"] == "true"
    assert any("differs from Airtable base" in line for line in run.commands("error"))
    assert "Meals › Calories" in run.summary


def test_an_extra_field_in_the_base_is_an_addition(workspace, github, local_airtable, base):
    added = builder.add_field(base, "Users", "Preferred Units", "singleSelect")
    run = airtable_run(workspace, github, local_airtable)
    (change,) = changes(run)
    assert change["kind"] == "added" and not change["breaking"]
    assert change["path"] == "tables.users.fields.preferred_units"
    assert change["field_id"] == added["id"] and change["name"] == "Preferred Units"
    assert run.returncode == 1 and run.outputs["breaking"] == "false"


def test_a_type_mismatch_is_a_breaking_change(workspace, github, local_airtable, base):
    builder.set_type(base, "Meals", "Calories", "singleLineText")
    run = airtable_run(workspace, github, local_airtable)
    (change,) = changes(run)
    assert (change["kind"], change["path"]) == ("changed", "tables.meals.fields.calories.type")
    assert (change["before"], change["after"], change["reason"]) == (
        "number",
        "singleLineText",
        "type-changed",
    )
    assert change["breaking"]


def test_a_rename_with_the_same_id_is_one_breaking_rename(workspace, github, local_airtable, base):
    builder.field(base, "Users", "Email Address")["name"] = "E-mail"
    run = airtable_run(workspace, github, local_airtable)
    (change,) = changes(run)
    assert change["kind"] == "renamed" and change["reason"] == "renamed-undeclared"
    assert change["before"]["name"] == "Email Address" and change["after"]["name"] == "E-mail"
    assert change["field_id"] == "fldgyVjQJc389lqNA" and change["breaking"]


def test_a_field_recreated_under_its_name_is_one_breaking_id_change(
    workspace, github, local_airtable, base
):
    old = builder.field(base, "Meals", "Calories")["id"]
    new = builder.recreate_field(base, "Meals", "Calories")["id"]
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 1
    (change,) = changes(run)
    assert (change["kind"], change["path"], change["reason"]) == (
        "changed",
        "tables.meals.fields.calories.id",
        "id-changed",
    )
    assert (change["before"], change["after"], change["breaking"]) == (old, new, True)
    assert "the app looks it up by the spec's id" in run.summary


def test_a_link_to_another_table_is_a_breaking_link_change(workspace, github, local_airtable, base):
    link = next(
        f
        for f in builder.table(base, "Meals")["fields"]
        if f["type"] == "multipleRecordLinks"
        and "inverseLinkFieldId" in f["options"]
        and f["options"]["linkedTableId"] == builder.table(base, "Users")["id"]
    )
    link["options"]["linkedTableId"] = builder.table(base, "Chat Interactions")["id"]
    run = airtable_run(workspace, github, local_airtable)
    (change,) = [c for c in changes(run) if c["reason"] == "link-changed"]
    assert change["kind"] == "changed" and change["breaking"]
    assert change["path"].endswith(".link_table")
    assert (change["before"], change["after"]) == ("users", "chat")


def test_the_inverse_link_airtable_adds_is_not_reported(workspace, github, local_airtable, base):
    users = builder.table(base, "Users")
    assert any(f["type"] == "multipleRecordLinks" for f in users["fields"])
    assert changes(airtable_run(workspace, github, local_airtable)) == []


@pytest.mark.parametrize(
    "spec_type, airtable_type",
    [
        ("number", "currency"),
        ("long_text", "richText"),
        ("number", "percent"),
        ("long_text", "aiText"),
        ("string", "email"),
    ],
)
def test_allowed_equivalents_are_in_sync(
    workspace, github, local_airtable, base, spec_type, airtable_type
):
    spec = yaml.safe_load(CURRENT.read_text())
    table, key = next(
        (t["name"], f["name"])
        for t in spec["tables"].values()
        for f in t["fields"].values()
        if f["type"] == spec_type and "name" in f
    )
    builder.set_type(base, table, key, airtable_type)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 0 and changes(run) == []


def test_a_formula_with_a_number_result_satisfies_number(workspace, github, local_airtable, base):
    builder.set_type(
        base, "Meals", "Calories", "formula", result={"type": "number", "options": {"precision": 0}}
    )
    assert changes(airtable_run(workspace, github, local_airtable)) == []


def test_a_formula_with_a_text_result_does_not_satisfy_number(
    workspace, github, local_airtable, base
):
    builder.set_type(base, "Meals", "Calories", "formula", result={"type": "singleLineText"})
    (change,) = changes(airtable_run(workspace, github, local_airtable))
    assert change["after"] == "formula (singleLineText)" and change["breaking"]


def test_an_airtable_type_not_yet_known_is_a_warning_not_drift(
    workspace, github, local_airtable, base
):
    builder.field(base, "Meals", "Calories").update(type="hologram", options={"depth": 3})
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 0 and run.outputs["drift"] == "false"
    (change,) = changes(run)
    assert change["reason"] == "type-unknown" and not change["breaking"]
    assert any("Type not compared" in line for line in run.commands("warning"))


def test_a_type_not_compared_is_a_note_in_the_summary(workspace, github, local_airtable, base):
    builder.field(base, "Meals", "Calories").update(type="hologram", options={})
    summary = airtable_run(workspace, github, local_airtable).summary
    assert f"Airtable base `{BASE}` matches" in summary
    assert "> [!NOTE]\n> Not compared, and not drift" in summary and "`hologram`" in summary


def test_the_summary_lists_the_ids_to_add(workspace, github, local_airtable, base):
    summary = airtable_run(workspace, github, local_airtable).summary
    full_name = builder.field(base, "Users", "Full Name")["id"]
    assert "tables.users.fields.full_name" in summary and f"id: {full_name}" in summary


def test_fields_without_ids_are_matched_by_name_and_get_suggested_ids(
    workspace, github, local_airtable, base
):
    run = airtable_run(workspace, github, local_airtable)
    suggested = run.report["peers"][0]["suggested_ids"]
    assert (
        suggested["tables.users.fields.full_name"]
        == builder.field(base, "Users", "Full Name")["id"]
    )
    assert all(value.startswith(("fld", "tbl")) for value in suggested.values())
    assert changes(run) == []


def test_a_field_without_id_renamed_in_the_base_is_removed_and_added(
    workspace, github, local_airtable, base
):
    builder.field(base, "Users", "Full Name")["name"] = "Name"
    kinds = sorted(c["kind"] for c in changes(airtable_run(workspace, github, local_airtable)))
    assert kinds == ["added", "removed"]


def test_fail_on_drift_false_only_warns(workspace, github, local_airtable, base):
    builder.drop_field(base, "Meals", "Calories")
    run = airtable_run(workspace, github, local_airtable, {"fail-on-drift": "false"})
    assert run.returncode == 0 and run.outputs["drift"] == "true"
    assert any("differs from Airtable base" in line for line in run.commands("warning"))


# --- pull requests --------------------------------------------------------------------


def pr_comments(github) -> list:
    return github.comments(SOURCE, 1)


def test_a_pull_request_gets_one_sticky_comment_with_its_own_marker(
    workspace, github, local_airtable, base
):
    builder.drop_field(base, "Meals", "Calories")
    github.open_pull(SOURCE, "feature")
    event = pull_request_event(1)
    airtable_run(workspace, github, local_airtable, event_name="pull_request", event=event)
    airtable_run(workspace, github, local_airtable, event_name="pull_request", event=event)
    (comment,) = pr_comments(github)
    assert comment.body.startswith(MARKER + "\n")
    assert "Meals › Calories" in comment.body and "**fails**" in comment.body
    assert "field not in the base" in comment.body and "the app expects it" in comment.body


def test_the_comment_is_written_with_comment_token(workspace, github, local_airtable, base):
    github.add_token("ghp_readOnlyHere0123456789abcdefABCDEF0", {SOURCE: "read"}, login="reader")
    github.add_token("ghs_commentToken0123456789abcdefABCDEF")
    builder.drop_field(base, "Meals", "Calories")
    github.open_pull(SOURCE, "feature")
    run = airtable_run(
        workspace,
        github,
        local_airtable,
        {"comment-token": "ghs_commentToken0123456789abcdefABCDEF"},
        event_name="pull_request",
        event=pull_request_event(1),
        token="ghp_readOnlyHere0123456789abcdefABCDEF0",
    )
    (comment,) = pr_comments(github)
    assert comment.body.startswith(MARKER + "\n") and comment.user == "github-actions[bot]"
    assert not [w for w in run.commands("warning") if "comment" in w.lower()]


def test_the_comment_says_in_sync_once_the_base_is_fixed(workspace, github, local_airtable, base):
    gone = builder.drop_field(base, "Meals", "Calories")
    github.open_pull(SOURCE, "feature")
    event = pull_request_event(1)
    airtable_run(workspace, github, local_airtable, event_name="pull_request", event=event)
    builder.table(base, "Meals")["fields"].append(gone)
    run = airtable_run(workspace, github, local_airtable, event_name="pull_request", event=event)
    assert run.returncode == 0
    (comment,) = pr_comments(github)
    assert "matches" in comment.body and "Calories" not in comment.body


def test_no_comment_when_in_sync_and_none_yet(workspace, github, local_airtable, base):
    github.open_pull(SOURCE, "feature")
    airtable_run(
        workspace, github, local_airtable, event_name="pull_request", event=pull_request_event(1)
    )
    assert pr_comments(github) == []


# --- faults and bad input -------------------------------------------------------------


@pytest.mark.parametrize(
    "status, words",
    [
        (401, "check that 'airtable-token' holds a valid personal access token"),
        (404, "check 'airtable-base-id'"),
    ],
)
def test_refusals_are_exit_3_naming_what_to_check(
    workspace, github, local_airtable, base, status, words
):
    local_airtable.fail(status)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 3
    assert any(words in line for line in run.commands("error")), run.stdout
    assert run.results[0]["status"] == "failed"


@pytest.mark.parametrize("grant", [{"scopes": set()}, {"bases": set()}], ids=["scope", "access"])
def test_403_names_scope_and_base_access(workspace, github, local_airtable, base, grant):
    local_airtable.add_token(AIRTABLE_TOKEN, **grant)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 3
    (error,) = [line for line in run.commands("error") if "INVALID_PERMISSIONS" in line]
    assert SCHEMA_SCOPE in error and "access" in error


def test_a_wrong_token_is_exit_3_and_never_shown(workspace, github, local_airtable, base):
    run = airtable_run(workspace, github, local_airtable, {"airtable-token": "patNotKnown.1234"})
    assert run.returncode == 3 and "patNotKnown.1234" not in run.stdout.replace(
        "::add-mask::patNotKnown.1234", ""
    )


def test_server_errors_are_retried(workspace, github, local_airtable, base):
    local_airtable.fail(503, times=2)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 0
    assert [r.status for r in local_airtable.requests_to(BASE)] == [503, 503, 200]


def test_server_errors_that_persist_are_exit_3_after_retries(
    workspace, github, local_airtable, base
):
    local_airtable.fail(500, times=None)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 3
    assert any("after retries" in line for line in run.commands("error"))


def test_a_429_lockout_is_waited_out(workspace, github, local_airtable, base):
    local_airtable.fail(429, times=2)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 0, run.stdout
    assert [r.status for r in local_airtable.requests_to(BASE)] == [429, 429, 200]


def test_a_429_that_never_ends_is_exit_3(workspace, github, local_airtable, base):
    local_airtable.fail(429, times=None)
    run = airtable_run(workspace, github, local_airtable)
    assert run.returncode == 3 and any("rate limited" in ln for ln in run.commands("error"))


@pytest.mark.parametrize(
    "inputs, words",
    [
        ({"airtable-base-id": "appShort"}, "is not an Airtable base id"),
        ({"airtable-base-id": "tbl87AICCbvbgrLCY"}, "is not an Airtable base id"),
        ({"airtable-token": ""}, "No Airtable token"),
        ({"airtable-base-id": ""}, "Input 'airtable-base-id' is required in airtable mode"),
    ],
)
def test_bad_airtable_input_is_exit_2_before_any_request(
    workspace, github, local_airtable, base, inputs, words
):
    run = airtable_run(workspace, github, local_airtable, inputs)
    assert run.returncode == 2
    assert any(words in line for line in run.commands("error")), run.stdout
    assert local_airtable.log == []


def test_base_and_token_may_come_from_the_environment(workspace, github, local_airtable, base):
    run = airtable_run(
        workspace,
        github,
        local_airtable,
        {"airtable-base-id": "", "airtable-token": ""},
        env={"AIRTABLE_BASE_ID": BASE, "AIRTABLE_API_KEY": AIRTABLE_TOKEN},
    )
    assert run.returncode == 0 and f"::add-mask::{AIRTABLE_TOKEN}" in run.stdout


def test_an_api_url_with_a_trailing_slash_works(workspace, github, local_airtable, base):
    run = airtable_run(
        workspace, github, local_airtable, {"airtable-api-url": local_airtable.url + "/"}
    )
    assert run.returncode == 0


def test_the_report_names_the_base_and_its_counts(workspace, github, local_airtable, base):
    peer = airtable_run(workspace, github, local_airtable).report["peer"]
    assert peer["tables"] == len(base)
    assert peer["fields"] == sum(len(t["fields"]) for t in base)
    assert json.dumps(peer).count(AIRTABLE_TOKEN) == 0


def test_fail_on_breaking_fails_on_a_removal_only(workspace, github, local_airtable, base):
    builder.add_field(base, "Users", "Preferred Units", "singleSelect")
    extra = airtable_run(workspace, github, local_airtable, {"fail-on": "breaking"})
    assert extra.returncode == 0 and extra.outputs["drift"] == "true"
    builder.drop_field(base, "Meals", "Calories")
    removed = airtable_run(workspace, github, local_airtable, {"fail-on": "breaking"})
    assert removed.returncode == 1
