"""Which table or field each change touches, and its uses put back on the change.

The impact scan (`engine.impact`) looks for targets; a change names a table and maybe
a field by key, and the specs on both sides give their ids and display names (a
rename has two names, and the code may still use either). Changes about the same
table or field share one target, so the checkout is read once for all of them.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import replace
from typing import Any

from sync_action.engine.diff import Change
from sync_action.engine.impact import Target, Uses

Docs = Sequence[Mapping[str, Any]]


def target_of(change: Change, docs: Docs) -> Target | None:
    """The table or field a change is about; None for a change outside `tables`."""
    if change.table is None:
        return None
    entries = [_entry(doc, change) for doc in docs]
    names = [change.name, *(_renamed_names(change) if change.kind == "renamed" else ())]
    names += [entry.get("name") for entry in entries]
    if change.field is None:
        ident = change.table_id or next((_id(e) for e in entries if _id(e)), None)
        key = f"table:{ident or change.table}"
    else:
        ident = change.field_id or next((_id(e) for e in entries if _id(e)), None)
        key = f"field:{change.table_id or change.table}:{ident or change.field}"
    kept = tuple(dict.fromkeys(str(n) for n in names if isinstance(n, str) and n))
    return Target(key, ident, kept)


def targets(changes: Iterable[tuple[Change, Docs]]) -> dict[str, Target]:
    """One target per table or field, its names gathered from every change about it."""
    found: dict[str, Target] = {}
    for change, docs in changes:
        target = target_of(change, docs)
        if target is None:
            continue
        known = found.get(target.key)
        if known is not None:
            names = tuple(dict.fromkeys((*known.names, *target.names)))
            target = Target(target.key, known.airtable_id or target.airtable_id, names)
        found[target.key] = target
    return found


def with_uses(change: Change, docs: Docs, found: Mapping[str, Uses], skip: str = "") -> Change:
    """The change with `usages` set: its target's uses (none outside `tables`), those in
    the file `skip` (the report a previous run left) left out."""
    target = target_of(change, docs)
    uses = found.get(target.key) if target is not None else None
    if uses is None:
        return replace(change, usages=(), usages_truncated=False)
    kept = tuple(u.as_json() for u in uses.uses if u.path != skip)
    return replace(change, usages=kept, usages_truncated=uses.truncated)


def _entry(doc: Mapping[str, Any], change: Change) -> dict[str, Any]:
    """The change's table (or field) in one spec: by key, else by id."""
    tables = doc.get("tables")
    if not isinstance(tables, dict):
        return {}
    table = _find(tables, change.table, change.table_id)
    if change.field is None:
        return table
    fields = table.get("fields")
    return _find(fields, change.field, change.field_id) if isinstance(fields, dict) else {}


def _find(entries: Mapping[str, Any], key: str | None, ident: str | None) -> dict[str, Any]:
    found = entries.get(key) if key is not None else None
    if not isinstance(found, dict) and ident:
        found = next((e for e in entries.values() if isinstance(e, dict) and _id(e) == ident), None)
    return found if isinstance(found, dict) else {}


def _id(entry: Mapping[str, Any]) -> str | None:
    value = entry.get("id")
    return None if value is None else str(value)


def _renamed_names(change: Change) -> list[Any]:
    return [side.get("name") for side in (change.before, change.after) if isinstance(side, dict)]
