"""The target each change looks for: its id and every display name it goes by."""

from __future__ import annotations

from typing import Any

from sync_action.engine.diff import diff_documents
from sync_action.engine.impact import Use, Uses
from sync_action.engine.usages import target_of, targets, with_uses


def spec(field: dict[str, Any], table_name: str = "Sleep") -> dict[str, Any]:
    return {
        "spec_version": "v1.0.0",
        "tables": {
            "sleep": {"id": "tblSLEEP000000001", "name": table_name, "fields": {"bed": field}}
        },
    }


BED = {"id": "fldBED0000000001", "name": "Bedtime", "type": "string"}


def test_a_field_change_looks_for_the_field_by_id_and_name() -> None:
    old, new = spec(BED), spec({**BED, "type": "number"})
    [change] = [c for c in diff_documents(old, new) if c.field]
    target = target_of(change, [new, old])
    assert target is not None
    assert (target.airtable_id, target.names) == ("fldBED0000000001", ("Bedtime",))


def test_a_renamed_field_is_looked_for_under_both_names() -> None:
    old, new = spec(BED), spec({**BED, "name": "Bed time"})
    [change] = [c for c in diff_documents(old, new) if c.field]
    target = target_of(change, [new, old])
    assert target is not None and set(target.names) == {"Bedtime", "Bed time"}


def test_a_table_change_looks_for_the_table() -> None:
    old, new = spec(BED), spec(BED, table_name="Sleeps")
    [change] = [c for c in diff_documents(old, new) if c.table and not c.field]
    target = target_of(change, [new, old])
    assert target is not None
    assert target.airtable_id == "tblSLEEP000000001"
    assert set(target.names) == {"Sleep", "Sleeps"}


def test_a_change_outside_tables_has_no_target_and_no_uses() -> None:
    [change] = [
        c for c in diff_documents(spec(BED), {**spec(BED), "spec_version": "v2.0.0"}) if not c.table
    ]
    assert target_of(change, []) is None
    assert with_uses(change, [], {}).usages == ()


def test_changes_about_one_field_share_one_target() -> None:
    old, new = spec(BED), spec({**BED, "type": "number", "required": True})
    docs = [new, old]
    changes = [c for c in diff_documents(old, new) if c.field]
    assert len(changes) == 2
    assert len(targets((c, docs) for c in changes)) == 1


def test_uses_in_the_skipped_file_are_left_out() -> None:
    old, new = spec(BED), spec({**BED, "type": "number"})
    [change] = [c for c in diff_documents(old, new) if c.field]
    target = target_of(change, [new, old])
    assert target is not None
    found = {target.key: Uses([Use("report.json", 3, "x"), Use("src/a.ts", 1, "y")], True)}
    kept = with_uses(change, [new, old], found, skip="report.json")
    assert kept.usages == ({"path": "src/a.ts", "line": 1, "text": "y"},)
    assert kept.usages_truncated is True
