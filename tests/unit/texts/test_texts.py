"""What people read, asserted on the markdown itself: the drift comment, the sync pull
request's body and the step summary (the screenshots in docs/ are for people)."""

from __future__ import annotations

import copy
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sync_action.core.hosting import RemoteFile
from sync_action.engine import report
from sync_action.engine.compare import PeerResult, compare
from sync_action.modes.drift import text_docs
from sync_action.spec.model import Spec, git_blob_sha, load_bytes
from sync_action.texts import document, prbody
from sync_action.texts.sentences import BASE, sentence

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
PATH = "schema/AIRTABLE_SPEC.yaml"
MARKER = f"<!-- schema-sync:drift:{PATH} -->"
SOURCE, APP = "STRUKT1/strukt-system", "STRUKT1/strukt-app"
SHA = "0123456789abcdef0123456789abcdef01234567"
RUN_URL = f"https://github.com/{SOURCE}/actions/runs/42"
RUN = document.Run(SOURCE, SHA, PATH, run_url=RUN_URL, report_path="report.json")
CTX = report.Context(repository=SOURCE, sha=SHA, mode="drift")


def spec(edit=None, version: str = "v1.1.0") -> Spec:
    data = yaml.safe_load(CURRENT.read_bytes())
    data["spec_version"] = version
    if edit:
        edit(data)
    return load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), PATH)


def integer_calories(data: dict[str, Any]) -> None:
    data["tables"]["meals"]["fields"]["calories"]["type"] = "integer"
    data["tables"]["users"]["fields"]["timezone"] = {"name": "Timezone", "type": "string"}


def result(local: Spec, content: bytes | None, repository: str = APP) -> PeerResult:
    sha = git_blob_sha(content) if content is not None else None
    found = compare(
        local,
        RemoteFile(repository, PATH, "main", content, sha),
        PeerResult(repository, "main", PATH),
    )
    found.status = "missing" if found.missing else "drift" if found.drift else "in-sync"
    return found


def comment(local: Spec, results: list[PeerResult], run: document.Run = RUN) -> str:
    data = report.build(local, results, CTX)
    return document.comment(MARKER, data, run, text_docs(local, results))


def table_rows(markdown: str) -> list[str]:
    rows = [line for line in markdown.splitlines() if line.startswith("| ")]
    return [r for r in rows if not r.startswith("| | ")]


@pytest.fixture(scope="module")
def local() -> Spec:
    return spec(integer_calories)


@pytest.fixture(scope="module")
def app() -> bytes:
    return CURRENT.read_bytes()


# --- sentences -------------------------------------------------------------------------


def test_a_type_change_reads_as_a_sentence_with_display_names_and_id(local, app):
    text = comment(local, [result(local, app)])

    assert "Meals › Calories (fldUOPuN6n39Aj1v7): type number → integer" in text
    assert "tables.meals.fields.calories" not in text


def test_breaking_changes_come_first_and_say_why(local, app):
    text = comment(local, [result(local, app)])

    lines = [line for line in text.splitlines() if line.startswith("- ")]
    assert "**breaking**: type changed" in lines[0]
    assert all("breaking" not in line for line in lines[1:])


def test_a_declared_rename_says_it_is_declared():
    change = {
        "kind": "renamed",
        "path": "tables.users.fields.name",
        "breaking": False,
        "before": {"key": "full_name", "name": "Full Name"},
        "after": {"key": "name", "name": "Name"},
    }
    text = sentence(change)

    assert "renamed: key `full_name` → `name`" in text
    assert "declared in `deprecations`" in text
    assert "breaking" not in text


def test_the_reports_own_change_fields_are_read_when_present():
    change = {
        "kind": "removed",
        "path": "tables.x.fields.y",
        "breaking": True,
        "before": None,
        "after": None,
        "table": "x",
        "field": "y",
        "field_id": "fldAAAAAAAAAAAAAA",
        "name": "Why",
        "reason": "removed",
    }

    assert sentence(change).startswith("`x` › Why (fldAAAAAAAAAAAAAA): field removed")


def test_an_id_change_in_a_base_says_why_it_breaks():
    change = {
        "kind": "changed",
        "path": "tables.meals.fields.calories.id",
        "breaking": True,
        "before": "fldOldOldOldOld01",
        "after": "fldNewNewNewNew01",
        "table": "meals",
        "field": "calories",
        "field_id": "fldNewNewNewNew01",
        "name": "Calories",
        "reason": "id-changed",
    }

    assert sentence(change, words=BASE) == (
        "`meals` › Calories (fldNewNewNewNew01): id fldOldOldOldOld01 → fldNewNewNewNew01"
        " — **breaking**: the app looks it up by the spec's id"
    )


def test_table_cells_hold_no_json(local):
    def edit(data):
        data["tables"]["chat"]["description"] = 'a | b {"x": 1}'

    text = comment(local, [result(local, spec(edit, "v1.0.0").raw)])

    for row in table_rows(text):
        assert '{"' not in row and '": ' not in row
        assert len(re.findall(r"(?<!\\)\|", row)) == 7


# --- rows: status in words and the next step --------------------------------------------


def test_a_behind_consumer_says_how_to_sync_it(local, app):
    [row] = table_rows(comment(local, [result(local, app)]))

    assert "🔴" in row and "behind" in row
    assert (
        f"Run the sync workflow in {SOURCE} (`mode: sync`); it opens a pull request in {APP}."
        in (row)
    )
    assert "`v1.0.0` → `v1.1.0`" in row


def test_the_verdict_counts_changes_by_kind_and_breaking(local, app):
    first = comment(local, [result(local, app)]).splitlines()[1]

    assert first.startswith("### 🔴 Schema drift:")
    assert "3 changes, 1 breaking (1 added, 2 changed)" in first


def test_the_comment_says_what_the_check_does(local, app):
    fails = comment(local, [result(local, app)])
    warns = comment(
        local, [result(local, app)], document.Run(SOURCE, SHA, PATH, fail_on_drift=False)
    )

    assert "This check **fails**" in fails and "`fail-on-drift` is true" in fails
    assert "This check **only warns**" in warns
    assert "🟡" in warns and "🔴" not in warns.split("<sub>")[0]


def test_a_pending_consumer_gets_a_sync_after_merge(local):
    data = report.build(local, [result(local, local.raw)], CTX)
    data["peers"][0]["status"] = "pending"
    [row] = table_rows(document.comment(MARKER, data, RUN, {}))

    assert "🔵" in row
    assert f"After merge, a sync pull request opens in {APP}." in row


def test_a_refused_version_names_the_version_to_set(local):
    same = spec(integer_calories, "v1.0.0")
    text = comment(same, [result(same, CURRENT.read_bytes())])

    assert f"Set `spec_version` in `{PATH}` to `v1.0.1` or later" in text


def test_an_edited_consumer_says_who_reconciles_what(local, app):
    found = result(local, app)
    found.findings.append("edited-locally")
    [row] = table_rows(comment(local, [found]))

    assert "edited locally" in row
    assert f"{APP} edited its copy: move the edits to keep into {SOURCE}'s `{PATH}`" in row


def test_the_comment_flips_to_in_sync(local):
    text = comment(local, [result(local, local.raw)])

    assert text.splitlines()[0] == MARKER
    assert f"Schema in sync: `{PATH}` matches {APP}" in text
    assert "This check **passes**." in text


def test_a_missing_file_says_a_sync_adds_it(local):
    [row] = table_rows(comment(local, [result(local, None)]))

    assert "no file" in row and f"A sync adds the file to {APP}." in row


# --- long lists and the budget -------------------------------------------------------------


def big(tables: int = 150, fields: int = 20) -> tuple[Spec, bytes]:
    """A 3,000-change drift: one type change per table (breaking), descriptions elsewhere."""
    base = yaml.safe_load(CURRENT.read_bytes())
    for t in range(tables):
        base["tables"][f"table_{t:03d}"] = {
            "id": f"tbl{t:014d}",
            "name": f"Table {t}",
            "fields": {
                f"f_{f:02d}": {
                    "id": f"fld{t:07d}{f:07d}",
                    "name": f"Field {f}",
                    "type": "string",
                    "description": "old",
                }
                for f in range(fields)
            },
        }
    after = copy.deepcopy(base)
    after["spec_version"] = "v2.0.0"
    for t in range(tables):
        for f, entry in enumerate(after["tables"][f"table_{t:03d}"]["fields"].values()):
            if f == 0:
                entry["type"] = "number"
            else:
                entry["description"] = "new"
    dump = lambda d: yaml.safe_dump(d, sort_keys=False).encode()  # noqa: E731
    return load_bytes(dump(after), PATH), dump(base)


def test_a_long_list_shows_breaking_first_then_collapses_by_table():
    local, peer = big(tables=3)
    text = comment(local, [result(local, peer)])

    assert text.index("**breaking**") < text.index("<details><summary>")
    assert "<details><summary>Table 1 (tbl00000000000001): 19 changes</summary>" in text


def test_a_3000_change_drift_shares_the_budget_and_links_the_run():
    local, peer = big()
    results = [result(local, peer, f"STRUKT1/app-{n}") for n in range(3)]
    text = comment(local, results)

    assert len(results[0].changes) > 3000
    assert len(text) <= 65_536
    sections = text.split("#### ")[1:]
    assert len(sections) == 3
    sizes = [len(s) for s in sections]
    assert max(sizes) < 1.5 * min(sizes)
    found = re.search(r"([\d,]+) more changes are left out", text)
    assert found and f"listed in the report of [this run]({RUN_URL})" in text
    shown = len([line for line in text.splitlines() if line.startswith("- ")])
    assert shown + int(found.group(1).replace(",", "")) == 3 * len(results[0].changes)


def test_without_a_run_the_cut_names_the_report_file():
    local, peer = big()
    text = comment(
        local, [result(local, peer)], document.Run(SOURCE, SHA, PATH, report_path="r.json")
    )

    assert "every change is listed in the JSON report (`r.json`)" in text


# --- the sync pull request ----------------------------------------------------------------


def body(local: Spec, found: PeerResult, **options: Any) -> str:
    docs = text_docs(local, [found])[found.repository]
    return prbody.pr_body(report.peer_entry(found), local.metadata(), RUN, docs, **options)


def test_the_body_says_what_to_check_per_breaking_change(local, app):
    text = body(local, result(local, app))

    checks = [line for line in text.splitlines() if line.startswith("- [ ] ")]
    assert checks == [
        "- [ ] Code that reads or writes Meals › Calories (fldUOPuN6n39Aj1v7) must handle "
        "integer instead of number."
    ]


def test_the_body_names_both_versions_the_source_commit_and_the_run(local, app):
    text = body(local, result(local, app))

    assert "| Spec version | `v1.0.0` | `v1.1.0` |" in text
    assert f"[`0123456`](https://github.com/{SOURCE}/commit/{SHA})" in text
    assert local.sha256 in text
    assert f"Made by [this run]({RUN_URL})" in text


def test_an_edited_consumers_own_edits_come_first(local, app):
    found = result(local, app)
    found.findings.append("edited-locally")
    undo = [
        {
            "kind": "added",
            "path": "tables.users.fields.nickname",
            "breaking": False,
            "before": None,
            "after": {"name": "Nickname", "type": "string"},
        }
    ]
    text = body(local, found, undo=undo)

    assert text.index("> [!WARNING]") < text.index("### ")
    assert f"**{APP} edited its copy of `{PATH}`.** Merging this pull request undoes" in text
    assert "> - Users › Nickname: field added (string)" in text


def test_a_huge_body_stays_under_the_limit_and_links_the_run():
    local, peer = big()
    text = body(local, result(local, peer))

    assert len(text) <= 65_536
    assert f"listed in the report of [this run]({RUN_URL})" in text


# --- the step summary ---------------------------------------------------------------------


def test_the_sync_summary_leads_with_the_outcome(local, app):
    found = result(local, app)
    found.status, found.pr_url = "created", f"https://github.com/{APP}/pull/4"
    data = report.build(local, [found], CTX)
    run = document.Run(SOURCE, SHA, PATH, mode="sync")
    text = document.summary(data, run, text_docs(local, [found]))

    assert text.startswith(f"### 🟢 Sync of `{PATH}`: opened {APP}#4")


def test_a_refused_sync_summary_says_the_version_to_set(local, app):
    found = result(local, app)
    found.status = "refused"
    data = report.build(local, [found], CTX)
    text = document.summary(data, document.Run(SOURCE, SHA, PATH, mode="sync"), {})

    assert text.startswith(f"### 🔴 Sync of `{PATH}`: refused {APP}: set `spec_version` to")


def test_one_entry_is_said_in_the_singular() -> None:
    from sync_action.texts.sentences import value

    assert value({"a": 1}) == "1 entry"
    assert value({"a": 1, "b": 2}) == "2 entries"
