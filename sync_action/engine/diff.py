"""Semantic diff of two spec documents, read from the consumer's copy to the source's.

Tables and fields are matched by Airtable id, so a renamed key is one `renamed`
change rather than a removal plus an addition, and each change is classified
breaking or not by the contract's rules. Files that are not Airtable specs get
a generic path diff from deepdiff in the same change shape.
"""

from __future__ import annotations

import dataclasses
import fnmatch
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from typing import Any

from sync_action.core.vocabulary import Kind, Reason
from sync_action.spec.model import VERSION_KEYS, deprecation_pairs

METADATA_KEYS = ("updated_at", "owner_repo")


def _annotation() -> Any:
    """A field derived from the path: left out of equality."""
    return dataclasses.field(default=None, compare=False)


@dataclass(frozen=True)
class Change:
    """One semantic change; `before` is the consumer's value, `after` the source's.

    `table`/`field` (YAML keys), their Airtable ids and display `name` say what
    the change is about without parsing `path`; `reason` says why it is breaking
    (or, for a declared rename, why it is not). They follow from `path` and the two
    documents, so two changes are equal when their first five fields are.
    """

    kind: str  # a vocabulary.Kind
    path: str
    breaking: bool
    before: Any
    after: Any
    table: str | None = _annotation()
    field: str | None = _annotation()
    table_id: str | None = _annotation()
    field_id: str | None = _annotation()
    name: str | None = _annotation()
    reason: str | None = _annotation()  # a vocabulary.Reason
    # Where this repository's code uses what the change touches (drift's impact scan);
    # None when no scan ran. Each use is the report's {path, line, text}.
    usages: tuple[dict[str, Any], ...] | None = _annotation()
    usages_truncated: bool = dataclasses.field(default=False, compare=False)

    def to_json(self) -> dict[str, Any]:
        found: dict[str, Any] = {}
        if self.usages is not None:
            found = {"usages": [dict(u) for u in self.usages]}
            found["usages_truncated"] = self.usages_truncated
        return {
            "kind": self.kind,
            "path": self.path,
            "breaking": self.breaking,
            "before": self.before,
            "after": self.after,
            "table": self.table,
            "field": self.field,
            "table_id": self.table_id,
            "field_id": self.field_id,
            "name": self.name,
            "reason": self.reason,
            **found,
        }


def diff_documents(before: dict[str, Any], after: dict[str, Any]) -> list[Change]:
    """All changes from `before` to `after`, breaking first, then by path."""
    if isinstance(before.get("tables"), dict) and isinstance(after.get("tables"), dict):
        changes = [_annotate(c, before, after) for c in _diff_airtable(before, after)]
    else:
        changes = generic_diff(before, after, ())
    return sort_changes(changes)


def _annotate(change: Change, before: dict[str, Any], after: dict[str, Any]) -> Change:
    """Name the table and field a change is about, their ids and display name, and why."""
    steps = change.path.split(".")
    if steps[0] != "tables" or len(steps) < 2:
        return change
    table_key = steps[1]
    field_key = steps[3] if len(steps) >= 4 and steps[2] == "fields" else None
    # What was removed is found where it was; everything else where it is now.
    side, other = (before, after) if change.kind == Kind.REMOVED else (after, before)
    table = _entry(side, table_key) or _entry(other, table_key)
    entry = table
    if field_key is not None:
        entry = _mapping(_mapping(table).get("fields")).get(field_key)
        if entry is None:
            entry = _mapping(_mapping(_entry(other, table_key)).get("fields")).get(field_key)
    attr = ".".join(steps[4:] if field_key is not None else steps[2:])
    return replace(
        change,
        table=table_key,
        field=field_key,
        table_id=_text(_mapping(table).get("id")),
        field_id=_text(_mapping(entry).get("id")) if field_key is not None else None,
        name=_text(_mapping(entry).get("name")),
        reason=_reason(change, attr),
    )


def _entry(doc: dict[str, Any], table_key: str) -> Any:
    return _mapping(doc.get("tables")).get(table_key)


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _reason(change: Change, attr: str) -> str | None:
    """The contract's reason for a breaking change; a declared rename has its own."""
    if change.kind == Kind.RENAMED:
        return Reason.RENAMED_UNDECLARED if change.breaking else Reason.DECLARED_IN_DEPRECATIONS
    if not change.breaking:
        return None
    if change.kind == Kind.REMOVED and not attr:
        return Reason.REMOVED
    return {
        "id": Reason.ID_CHANGED,
        "required": Reason.BECAME_REQUIRED,
        "link_table": Reason.LINK_CHANGED,
    }.get(attr, Reason.TYPE_CHANGED)


def sort_changes(changes: Iterable[Change]) -> list[Change]:
    return sorted(changes, key=lambda c: (not c.breaking, c.path, c.kind))


# --- Airtable specs ----------------------------------------------------------


def _diff_airtable(before: dict[str, Any], after: dict[str, Any]) -> Iterable[Change]:
    yield from _diff_version(before, after)
    renames = _planned_renames(before, after)
    for key in sorted(set(before) | set(after)):
        if key in VERSION_KEYS or key == "tables":
            continue
        yield from _diff_value(before.get(key, _ABSENT), after.get(key, _ABSENT), (key,))
    yield from _diff_tables(before["tables"], after["tables"], renames)


def _diff_version(before: dict[str, Any], after: dict[str, Any]) -> Iterable[Change]:
    """The version is one concept whether written `spec_version` or legacy `version`."""
    old_key = next((k for k in VERSION_KEYS if before.get(k) is not None), None)
    new_key = next((k for k in VERSION_KEYS if after.get(k) is not None), None)
    old = before.get(old_key) if old_key else None
    new = after.get(new_key) if new_key else None
    path = new_key or old_key
    if path is None or (old == new and old_key == new_key):
        return
    kind = Kind.ADDED if old_key is None else Kind.REMOVED if new_key is None else Kind.CHANGED
    yield Change(kind, path, False, old, new)


def _planned_renames(before: dict[str, Any], after: dict[str, Any]) -> set[tuple[str, str]]:
    """(old, new) names that a `deprecations` section declares as planned renames."""
    pairs: set[tuple[str, str]] = set()
    for doc in (after, before):
        for _, old, new in deprecation_pairs(doc.get("deprecations")):
            pairs.add((old, new))
            pairs.add((old.rpartition(".")[2], new.rpartition(".")[2]))
    return pairs


def _match(
    before: dict[str, Any], after: dict[str, Any]
) -> tuple[list[tuple[str, str]], list[str], list[str]]:
    """Pair entries by Airtable id first, then by key; return pairs, removed, added."""
    old_ids = {_id(v): k for k, v in before.items() if _id(v)}
    pairs: list[tuple[str, str]] = []
    used: set[str] = set()
    unmatched: list[str] = []
    for key, value in after.items():
        old_key = old_ids.get(_id(value)) if _id(value) else None
        if old_key is not None and old_key not in used:
            pairs.append((old_key, key))
            used.add(old_key)
        else:
            unmatched.append(key)
    added = []
    for key in unmatched:
        if key in before and key not in used and _id_free(before[key], after):
            pairs.append((key, key))
            used.add(key)
        else:
            added.append(key)
    removed = [k for k in before if k not in used]
    return pairs, removed, added


def _id_free(old: Any, after: dict[str, Any]) -> bool:
    """An old entry may pair by key only if its id did not move to another key."""
    old_id = _id(old)
    return not old_id or all(_id(v) != old_id for v in after.values())


def _id(value: Any) -> str | None:
    if isinstance(value, dict) and value.get("id") is not None:
        return str(value["id"])
    return None


def _diff_tables(
    before: dict[str, Any], after: dict[str, Any], renames: set[tuple[str, str]]
) -> Iterable[Change]:
    pairs, removed, added = _match(before, after)
    yield from _gone_and_new(before, after, removed, added, ("tables", "tables"))
    for old_key, new_key in pairs:
        old, new = before[old_key], after[new_key]
        base, old_base = f"tables.{new_key}", f"tables.{old_key}"
        yield from _diff_entry(old_key, new_key, old, new, (old_base, base), renames)
        old_fields = _mapping(old.get("fields")) if isinstance(old, dict) else {}
        new_fields = _mapping(new.get("fields")) if isinstance(new, dict) else {}
        yield from _diff_fields(
            old_fields, new_fields, (f"{old_base}.fields", f"{base}.fields"), new_key, renames
        )


def _gone_and_new(
    before: dict[str, Any],
    after: dict[str, Any],
    removed: list[str],
    added: list[str],
    bases: tuple[str, str],
) -> Iterable[Change]:
    """Unmatched entries: removals (breaking) at the peer's path, additions at ours."""
    old_base, base = bases
    for key in removed:
        yield Change(Kind.REMOVED, f"{old_base}.{key}", True, before[key], None)
    for key in added:
        yield Change(Kind.ADDED, f"{base}.{key}", False, None, after[key])


def _diff_fields(
    before: dict[str, Any],
    after: dict[str, Any],
    bases: tuple[str, str],
    table: str,
    renames: set[tuple[str, str]],
) -> Iterable[Change]:
    """Fields of a matched table; `bases` are its fields' paths in the peer's copy and here."""
    old_base, base = bases
    pairs, removed, added = _match(before, after)
    yield from _gone_and_new(before, after, removed, added, bases)
    for old_key, new_key in pairs:
        yield from _diff_entry(
            old_key,
            new_key,
            before[old_key],
            after[new_key],
            (f"{old_base}.{old_key}", f"{base}.{new_key}"),
            renames,
            table=table,
        )


def _diff_entry(
    old_key: str,
    new_key: str,
    old: Any,
    new: Any,
    paths: tuple[str, str],
    renames: set[tuple[str, str]],
    table: str | None = None,
) -> Iterable[Change]:
    """A matched table or field: a rename (key or display name), then its attributes.

    `paths` are the entry's path in the peer's copy and in this one: what is
    removed is named where it was, everything else where it is now.
    """
    old_path, path = paths
    if not isinstance(old, dict) or not isinstance(new, dict):
        if old != new:
            yield Change(Kind.CHANGED, path, True, old, new)
        return
    old_name, new_name = old.get("name"), new.get("name")
    if old_key != new_key or old_name != new_name:
        planned = _is_planned(old_key, new_key, old_name, new_name, renames, table)
        yield Change(
            Kind.RENAMED,
            path,
            not planned,
            {"key": old_key, "name": old_name},
            {"key": new_key, "name": new_name},
        )
    skip = {"name", "fields"} if table is None else {"name"}
    for attr in sorted((set(old) | set(new)) - skip):
        yield from _diff_attribute(
            attr, old.get(attr, _ABSENT), new.get(attr, _ABSENT), (old_path, path)
        )


def _is_planned(
    old_key: str,
    new_key: str,
    old_name: Any,
    new_name: Any,
    renames: set[tuple[str, str]],
    table: str | None,
) -> bool:
    olds = {old_key, str(old_name)} | ({f"{table}.{old_key}"} if table else set())
    news = {new_key, str(new_name)} | ({f"{table}.{new_key}"} if table else set())
    return any((o, n) in renames for o in olds for n in news)


def _diff_attribute(attr: str, old: Any, new: Any, bases: tuple[str, str]) -> Iterable[Change]:
    """One entry per attribute; `type`, `id` and becoming `required` are breaking."""
    if old == new:
        return
    path = f"{bases[1]}.{attr}"
    if old is _ABSENT:
        yield Change(Kind.ADDED, path, attr == "required" and new is True, None, new)
    elif new is _ABSENT:
        yield Change(Kind.REMOVED, f"{bases[0]}.{attr}", attr == "id", old, None)
    else:
        breaking = attr in ("type", "id", "link_table") or (attr == "required" and new is True)
        yield Change(Kind.CHANGED, path, breaking, old, new)


def _mapping(value: Any) -> dict[str, Any]:
    return value if isinstance(value, dict) else {}


# --- generic documents -------------------------------------------------------


class _Absent:
    def __repr__(self) -> str:
        return "<absent>"


_ABSENT: Any = _Absent()


def _diff_value(old: Any, new: Any, path: tuple[str, ...]) -> list[Change]:
    """Top-level sections other than tables: never breaking."""
    if old == new:
        return []
    name = ".".join(path)
    if old is _ABSENT:
        return [Change(Kind.ADDED, name, False, None, new)]
    if new is _ABSENT:
        return [Change(Kind.REMOVED, name, False, old, None)]
    if isinstance(old, dict) and isinstance(new, dict):
        return generic_diff(old, new, path)
    return [Change(Kind.CHANGED, name, False, old, new)]


def generic_diff(before: Any, after: Any, prefix: Sequence[str]) -> list[Change]:
    """deepdiff's verdict, reshaped into changes with dotted paths; never breaking."""
    if before == after:
        return []
    from deepdiff import DeepDiff

    tree = DeepDiff(before, after, view="tree", verbose_level=2, threshold_to_diff_deeper=0)
    kinds = {
        "dictionary_item_added": Kind.ADDED,
        "iterable_item_added": Kind.ADDED,
        "dictionary_item_removed": Kind.REMOVED,
        "iterable_item_removed": Kind.REMOVED,
        "values_changed": Kind.CHANGED,
        "type_changes": Kind.CHANGED,
    }
    changes = []
    for report, kind in kinds.items():
        for level in tree.get(report, []):
            steps = [*prefix, *(str(p) for p in level.path(output_format="list"))]
            old = None if kind == Kind.ADDED else level.t1
            new = None if kind == Kind.REMOVED else level.t2
            changes.append(Change(kind, ".".join(steps), False, old, new))
    return changes


# --- ignore ------------------------------------------------------------------


def is_ignored(path: str, patterns: Sequence[str]) -> bool:
    """A pattern matches a path, or any path below it; `*` stands for one key."""
    steps = path.split(".")
    for pattern in patterns:
        parts = pattern.split(".")
        if len(parts) <= len(steps) and all(
            fnmatch.fnmatchcase(step, part) for step, part in zip(steps, parts, strict=False)
        ):
            return True
    return False


def split_ignored(
    changes: Sequence[Change], patterns: Sequence[str]
) -> tuple[list[Change], list[Change]]:
    """(kept, ignored) under the `ignore` input."""
    if not patterns:
        return list(changes), []
    kept = [c for c in changes if not is_ignored(c.path, patterns)]
    ignored = [c for c in changes if is_ignored(c.path, patterns)]
    return kept, ignored
