"""Compare a spec with a live Airtable base's schema, read from the spec to the base.

`before` is what the app expects (the spec), `after` what exists (the base). Tables
and fields are matched by id when the spec has one, else by display name (a spec id
the base lacks beside a base entry of the same name is one `id-changed`); the type
table says which Airtable types satisfy each spec type. This module knows the
Airtable schema only as plain data (`BaseSchema`): the client that fetches it lives
in `airtable_api`, so the engine never imports a backend.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from sync_action.core.vocabulary import Kind, Reason
from sync_action.engine.diff import Change, sort_changes
from sync_action.spec.model import deprecation_pairs

TEXT_RESULTS = frozenset(
    {"singleLineText", "multilineText", "richText", "email", "url", "phoneNumber", "barcode"}
)
NUMBER_RESULTS = frozenset(
    {"number", "currency", "percent", "rating", "duration", "autoNumber", "count"}
)
COMPUTED = frozenset({"formula", "rollup", "multipleLookupValues"})
WHOLE_NUMBERS = frozenset({"rating", "duration", "autoNumber", "count"})
# Spec type -> Airtable types that satisfy it directly, and computed types whose result
# type must then be one of the given set.
TYPE_TABLE: dict[str, tuple[frozenset[str], Mapping[str, frozenset[str]]]] = {
    "string": (
        frozenset({"singleLineText", "email", "url", "phoneNumber", "barcode"}),
        {"formula": TEXT_RESULTS, "rollup": TEXT_RESULTS, "multipleLookupValues": TEXT_RESULTS},
    ),
    "long_text": (frozenset({"multilineText", "richText", "aiText"}), {}),
    "email": (frozenset({"email"}), {}),
    "number": (NUMBER_RESULTS, {"formula": NUMBER_RESULTS, "rollup": NUMBER_RESULTS}),
    # and `number` with `options.precision` 0: see `type_verdict`.
    "integer": (WHOLE_NUMBERS, {}),
    "checkbox": (frozenset({"checkbox"}), {}),
    "date": (frozenset({"date"}), {}),
    "datetime": (frozenset({"dateTime", "createdTime", "lastModifiedTime"}), {}),
    "single_select": (frozenset({"singleSelect"}), {}),
    "multi_select": (frozenset({"multipleSelects"}), {}),
    "link": (frozenset({"multipleRecordLinks"}), {}),
    "attachment": (frozenset({"multipleAttachments"}), {}),
    "url": (frozenset({"url"}), {}),
    "phone": (frozenset({"phoneNumber"}), {}),
}
LINK = "multipleRecordLinks"


@dataclass(frozen=True)
class BaseField:
    """One field as the Metadata API describes it; `known`: the client knows its type."""

    id: str
    name: str
    type: str
    known: bool = True
    linked_table_id: str | None = None
    inverse_link_field_id: str | None = None
    result_type: str | None = None  # formula, rollup and lookup: the type of the result
    precision: int | None = None  # number, currency, percent: decimal places


@dataclass(frozen=True)
class BaseTable:
    id: str
    name: str
    fields: tuple[BaseField, ...] = ()


@dataclass(frozen=True)
class BaseSchema:
    tables: tuple[BaseTable, ...] = ()

    @property
    def field_count(self) -> int:
        return sum(len(t.fields) for t in self.tables)


@dataclass
class Comparison:
    """The changes from spec to base, and the ids the base has for spec entries without one."""

    changes: list[Change] = field(default_factory=list)
    suggested_ids: dict[str, str] = field(default_factory=dict)


def snake_case(name: str) -> str:
    """A display name as a spec key: `Preferred Units` -> `preferred_units`."""
    spaced = re.sub(r"(?<=[a-z0-9])(?=[A-Z])", "_", name.strip())
    return re.sub(r"[^0-9A-Za-z]+", "_", spaced).strip("_").lower() or "field"


def display_name(key: str, entry: Mapping[str, Any]) -> str:
    name = entry.get("name")
    return (str(name) if name is not None else key).strip()


def _entries(value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        return {}
    return {str(k): v for k, v in value.items() if isinstance(v, dict)}


def match(
    spec: Mapping[str, dict[str, Any]], base: Iterable[BaseTable | BaseField]
) -> tuple[dict[str, Any], list[Any]]:
    """Pair spec entries with base entries: by id first, then by trimmed display name for
    entries without an id or whose id the base lacks (an `id-changed`).

    Returns {spec key: base entry} and the base entries no spec entry claimed.
    """
    items = list(base)
    by_id = {item.id: item for item in items}
    pairs: dict[str, Any] = {}
    claimed: set[str] = set()
    for key, entry in spec.items():
        found = by_id.get(str(entry["id"])) if entry.get("id") else None
        if found is not None and found.id not in claimed:
            pairs[key] = found
            claimed.add(found.id)
    by_name: dict[str, Any] = {}
    for item in items:
        if item.id not in claimed:
            by_name.setdefault(item.name.strip(), item)
    for key, entry in spec.items():
        if key in pairs or str(entry.get("id") or "") in by_id:
            continue
        found = by_name.get(display_name(key, entry))
        if found is not None and found.id not in claimed:
            pairs[key] = found
            claimed.add(found.id)
    return pairs, [item for item in items if item.id not in claimed]


def compare_base(spec: Mapping[str, Any], base: BaseSchema) -> Comparison:
    """Every difference between the spec's tables and the base's, breaking first."""
    result = Comparison()
    tables = _entries(spec.get("tables"))
    renames = _planned_renames(spec)
    pairs, extra = match(tables, base.tables)
    table_keys = {t.id: key for key, t in pairs.items()}
    linked_ids = _linked_ids(tables, pairs)
    for key, entry in tables.items():
        table = pairs.get(key)
        if table is None:
            result.changes.append(_removed(key, entry, None, None))
            continue
        if not entry.get("id"):
            result.suggested_ids[f"tables.{key}"] = table.id
        result.changes += _id_changed(key, None, entry, table, table.id)
        result.changes += _renamed(key, None, entry, table, renames)
        _compare_fields(key, entry, table, result, linked_ids, table_keys, renames)
    for table in extra:
        result.changes.append(_added_table(table))
    _drop_inverse_links(result, base, pairs, tables)
    result.changes = sort_changes(result.changes)
    return result


def _linked_ids(tables: dict[str, dict[str, Any]], pairs: dict[str, BaseTable]) -> dict[str, str]:
    """Spec table key -> the id its links must point at: the matched base table's, else
    the spec's own id."""
    ids = {key: str(entry["id"]) for key, entry in tables.items() if entry.get("id")}
    ids.update({key: table.id for key, table in pairs.items()})
    return ids


def _compare_fields(
    table_key: str,
    entry: dict[str, Any],
    table: BaseTable,
    result: Comparison,
    linked_ids: dict[str, str],
    table_keys: dict[str, str],
    renames: set[tuple[str, str]],
) -> None:
    fields = _entries(entry.get("fields"))
    pairs, extra = match(fields, table.fields)
    for key, spec_field in fields.items():
        found = pairs.get(key)
        if found is None:
            result.changes.append(_removed(table_key, entry, key, spec_field, table.id))
            continue
        if not spec_field.get("id"):
            result.suggested_ids[f"tables.{table_key}.fields.{key}"] = found.id
        result.changes += _id_changed(table_key, key, spec_field, found, table.id)
        result.changes += _renamed(table_key, key, spec_field, found, renames, table.id)
        result.changes += _type_changes(
            table_key, key, spec_field, found, table, linked_ids, table_keys
        )
    used: set[str] = set()
    for base_field in extra:
        result.changes.append(_added_field(table_key, table, base_field, used))


def _where(table: str, key: str | None) -> str:
    return f"tables.{table}" + (f".fields.{key}" if key else "")


def _removed(
    table: str,
    entry: dict[str, Any],
    key: str | None,
    spec_field: dict[str, Any] | None,
    table_id: str | None = None,
) -> Change:
    """A spec table or field the base lacks: the app reads something that is not there."""
    what = spec_field if spec_field is not None else entry
    return Change(
        Kind.REMOVED,
        _where(table, key),
        True,
        what,
        None,
        table=table,
        field=key,
        table_id=table_id or _text(entry.get("id")),
        field_id=_text(spec_field.get("id")) if spec_field is not None else None,
        name=display_name(key or table, what),
        reason=Reason.REMOVED,
    )


def _added_table(table: BaseTable) -> Change:
    key = snake_case(table.name)
    return Change(
        Kind.ADDED,
        f"tables.{key}",
        False,
        None,
        {"name": table.name, "id": table.id, "fields": len(table.fields)},
        table=key,
        table_id=table.id,
        name=table.name,
    )


def _added_field(table_key: str, table: BaseTable, base_field: BaseField, used: set[str]) -> Change:
    key = snake_case(base_field.name)
    while key in used:
        key += "_"
    used.add(key)
    return Change(
        Kind.ADDED,
        _where(table_key, key),
        False,
        None,
        {"name": base_field.name, "type": base_field.type, "id": base_field.id},
        table=table_key,
        field=key,
        table_id=table.id,
        field_id=base_field.id,
        name=base_field.name,
    )


def _id_changed(
    table: str,
    key: str | None,
    entry: dict[str, Any],
    found: BaseTable | BaseField,
    table_id: str,
) -> list[Change]:
    """Same display name, another id (recreated in the base): breaking, as the app looks
    tables and fields up by id."""
    if not entry.get("id") or str(entry["id"]) == found.id:
        return []
    return [
        Change(
            Kind.CHANGED,
            f"{_where(table, key)}.id",
            True,
            str(entry["id"]),
            found.id,
            table=table,
            field=key,
            table_id=table_id,
            field_id=found.id if key is not None else None,
            name=found.name,
            reason=Reason.ID_CHANGED,
        )
    ]


def _renamed(
    table: str,
    key: str | None,
    entry: dict[str, Any],
    found: BaseTable | BaseField,
    renames: set[tuple[str, str]],
    table_id: str | None = None,
) -> list[Change]:
    """Same id, another display name: breaking unless `deprecations` plans it."""
    spec_name = display_name(key or table, entry)
    if not entry.get("id") or spec_name == found.name.strip():
        return []
    own = key or table
    olds = {own, spec_name, f"{table}.{own}"}
    news = {found.name.strip(), snake_case(found.name), f"{table}.{snake_case(found.name)}"}
    planned = any((a, b) in renames or (b, a) in renames for a in olds for b in news)
    ids = (found.id, None) if key is None else (table_id, found.id)
    return [
        Change(
            Kind.RENAMED,
            _where(table, key),
            not planned,
            {"key": own, "name": spec_name},
            {"key": own, "name": found.name},
            table=table,
            field=key,
            table_id=ids[0],
            field_id=ids[1],
            name=found.name,
            reason=Reason.DECLARED_IN_DEPRECATIONS if planned else Reason.RENAMED_UNDECLARED,
        )
    ]


def _type_changes(
    table: str,
    key: str,
    spec_field: dict[str, Any],
    found: BaseField,
    base_table: BaseTable,
    linked_ids: dict[str, str],
    table_keys: dict[str, str],
) -> list[Change]:
    """The base's type against the type table, then a link's target table."""
    spec_type = str(spec_field.get("type"))

    def change(path: str, breaking: bool, before: Any, after: Any, reason: str) -> Change:
        return Change(
            Kind.CHANGED,
            f"{_where(table, key)}.{path}",
            breaking,
            before,
            after,
            table=table,
            field=key,
            table_id=base_table.id,
            field_id=found.id,
            name=found.name,
            reason=reason,
        )

    verdict = type_verdict(spec_type, found)
    if verdict == "unknown":
        return [change("type", False, spec_type, found.type, Reason.TYPE_UNKNOWN)]
    if verdict == "mismatch":
        return [change("type", True, spec_type, _shown_type(spec_type, found), Reason.TYPE_CHANGED)]
    target = spec_field.get("link_table")
    if spec_type != "link" or target is None:
        return []
    expected = linked_ids.get(str(target))
    if expected is None or found.linked_table_id == expected:
        return []
    now = table_keys.get(found.linked_table_id or "", found.linked_table_id)
    return [change("link_table", True, str(target), now, Reason.LINK_CHANGED)]


def type_verdict(spec_type: str, found: BaseField) -> str:
    """`ok`, `mismatch`, or `unknown` when the spec type or the base's type is new to us."""
    if spec_type not in TYPE_TABLE or not found.known:
        return "unknown"
    direct, computed = TYPE_TABLE[spec_type]
    if spec_type == "integer" and found.type == "number":
        return "ok" if found.precision == 0 else "mismatch"
    if found.type in direct:
        return "ok"
    if found.type in computed and found.result_type in computed[found.type]:
        return "ok"
    return "mismatch"


def _shown_type(spec_type: str, found: BaseField) -> str:
    """The base's type as a change shows it: with a computed field's result type, and
    with the decimals that make a `number` no `integer`."""
    if found.type in COMPUTED and found.result_type:
        return f"{found.type} ({found.result_type})"
    if spec_type == "integer" and found.type == "number" and found.precision is not None:
        return f"number (precision {found.precision})"
    return found.type


def _planned_renames(spec: Mapping[str, Any]) -> set[tuple[str, str]]:
    pairs: set[tuple[str, str]] = set()
    for _, old, new in deprecation_pairs(spec.get("deprecations")):
        pairs.add((old, new))
        pairs.add((old.rpartition(".")[2], new.rpartition(".")[2]))
    return pairs


def _drop_inverse_links(
    result: Comparison,
    base: BaseSchema,
    pairs: dict[str, BaseTable],
    tables: dict[str, dict[str, Any]],
) -> None:
    """The link field Airtable adds in the linked table is implied by the spec's link."""
    described = set(_described_links(pairs, tables))
    inverse = {
        f.id
        for t in base.tables
        for f in t.fields
        if f.type == LINK and f.inverse_link_field_id in described
    }
    result.changes = [
        c for c in result.changes if not (c.kind == Kind.ADDED and c.field_id in inverse)
    ]


def _described_links(
    pairs: dict[str, BaseTable], tables: dict[str, dict[str, Any]]
) -> Iterator[str]:
    """Ids of base link fields that a spec link field matched."""
    for key, table in pairs.items():
        fields = _entries(tables[key].get("fields"))
        matched, _ = match(fields, table.fields)
        for spec_key, found in matched.items():
            if fields[spec_key].get("type") == "link" and found.type == LINK:
                yield found.id


def _text(value: Any) -> str | None:
    return None if value is None else str(value)
