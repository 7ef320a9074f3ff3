"""Each change as a sentence a reviewer can read, and what to check before merging it.

A change names its table and field by display name and Airtable id
(`Meals › Calories (fldUOPuN6n39Aj1v7): type number → integer`), never by a
dotted path or a JSON value. The report's change fields (`table`, `field`,
`table_id`, `field_id`, `name`, `reason`) are read when a change carries them;
`facts` derives them from the path, the values and the two specs otherwise, so
the wording does not depend on which of the two it gets.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sync_action.core.vocabulary import Reason

ChangeData = Mapping[str, Any]
SHORT_VALUE = 40
REASONS: dict[str, str] = {
    Reason.REMOVED: "removed",
    Reason.TYPE_CHANGED: "type changed",
    Reason.ID_CHANGED: "id changed",
    Reason.BECAME_REQUIRED: "became required",
    Reason.RENAMED_UNDECLARED: "renamed without a `deprecations` entry",
    Reason.LINK_CHANGED: "links to another table",
}
DECLARED = Reason.DECLARED_IN_DEPRECATIONS


@dataclass(frozen=True)
class Words:
    """How a kind of change and a reason are said: between two copies (drift, sync), or
    from the spec (what the app expects) to a live base (what exists)."""

    added: str = "added"
    removed: str = "removed"
    reasons: Mapping[str, str] = field(default_factory=lambda: dict(REASONS))


COPIES = Words()
BASE = Words(
    added="only in the base",
    removed="not in the base",
    reasons={
        Reason.REMOVED: "the app expects it",
        Reason.TYPE_CHANGED: "the app reads another kind of value",
        Reason.LINK_CHANGED: "the app follows the link to another table",
        Reason.RENAMED_UNDECLARED: "the app looks it up by the spec's name",
        Reason.ID_CHANGED: "the app looks it up by the spec's id",
    },
)
_SPECIAL = re.compile(r"([\\`*\[\]<>#|~])")
_SPECIAL_ESCAPED = re.compile(r"\\([\\`*\[\]<>#|~])")


@dataclass(frozen=True)
class Facts:
    """What a change is about, in the words a reader needs."""

    table: str | None  # YAML key of the table; None for a change outside `tables`
    field: str | None  # YAML key of the field; None for a table-level change
    table_id: str | None
    field_id: str | None
    table_name: str | None
    field_name: str | None
    attribute: str | None  # the changed attribute (`type`, `required`, ...); None: the entry
    reason: str | None


def quiet(text: str) -> str:
    """Text from data (the spec, GitHub) that never notifies anyone: every `@` is followed
    by a zero-width space, so `@octocat` or `@org/team` reads the same but mentions nobody."""
    return str(text).replace("@", "@\u200b")


def escape(text: str) -> str:
    """Plain text from data, safe in GitHub markdown: no emphasis, links or HTML by
    accident, and no @mention (the one place the spec's names enter the texts)."""
    text = " ".join(str(text).split())
    text = _SPECIAL.sub(r"\\\1", text)
    return quiet(re.sub(r"(?<![A-Za-z0-9])_|_(?![A-Za-z0-9])", r"\\_", text))


def code(text: str) -> str:
    """Inline code that survives backticks in the text."""
    text = " ".join(str(text).split())
    fence = "``" if "`" in text else "`"
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _lookup(docs: Sequence[Mapping[str, Any]], table: str, field: str | None) -> dict[str, Any]:
    """The first spec (after, then before) that has the table (and field) as a mapping."""
    for doc in docs:
        tables = doc.get("tables")
        entry = tables.get(table) if isinstance(tables, dict) else None
        if not isinstance(entry, dict):
            continue
        if field is None:
            return entry
        fields = entry.get("fields")
        found = fields.get(field) if isinstance(fields, dict) else None
        if isinstance(found, dict):
            return found
    return {}


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def facts(change: ChangeData, docs: Sequence[Mapping[str, Any]] = ()) -> Facts:
    """The change's table, field, ids, names and reason: its own fields when it has them,
    else derived from its path, values and `docs` (the specs, the source's first)."""
    parts = str(change.get("path", "")).split(".")
    table = field = attribute = None
    if len(parts) >= 2 and parts[0] == "tables":
        table = parts[1]
        rest = parts[2:]
        if len(rest) >= 2 and rest[0] == "fields":
            field, rest = rest[1], rest[2:]
        attribute = ".".join(rest) or None
    table = change.get("table", table)
    field = change.get("field", field)
    if table is None:
        return Facts(None, None, None, None, None, None, None, _reason(change, None))
    own = _entry_value(change)
    table_entry = _lookup(docs, table, None)
    field_entry = _lookup(docs, table, field) if field else {}
    if field is None and own and attribute is None:
        table_entry = table_entry or own
    elif own and attribute is None:
        field_entry = field_entry or own
    table_id = change.get("table_id") or _text(table_entry.get("id"))
    field_id = change.get("field_id") or (_text(field_entry.get("id")) if field else None)
    table_name = _text(table_entry.get("name"))
    field_name = _text(field_entry.get("name")) if field else None
    if change.get("name"):
        if field:
            field_name = str(change["name"])
        else:
            table_name = str(change["name"])
    return Facts(
        table,
        field,
        table_id,
        field_id,
        table_name,
        field_name,
        attribute,
        _reason(change, attribute),
    )


def _entry_value(change: ChangeData) -> dict[str, Any]:
    """The whole table or field a change adds or removes (its name and id are there)."""
    value = change.get("after") if change.get("after") is not None else change.get("before")
    if isinstance(value, dict) and change.get("kind") in ("added", "removed"):
        return value
    return {}


def _reason(change: ChangeData, attribute: str | None) -> str | None:
    """The contract's reason words; a declared rename says it is declared."""
    if change.get("reason"):
        return str(change["reason"])
    kind, breaking = change.get("kind"), bool(change.get("breaking"))
    if kind == "renamed":
        return "renamed-undeclared" if breaking else DECLARED
    if not breaking:
        return None
    if attribute == "id":
        return "id-changed"
    if kind == "removed":
        return "removed"
    return {
        "type": "type-changed",
        "required": "became-required",
        "link_table": "link-changed",
    }.get(attribute or "")


def subject(f: Facts, path: str) -> str:
    """`Meals › Calories (fldUOPuN6n39Aj1v7)`; a change outside `tables` by its path."""
    if f.table is None:
        return code(path)
    table = escape(f.table_name) if f.table_name else code(f.table)
    if f.field is None:
        return f"{table} ({f.table_id})" if f.table_id else table
    name = escape(f.field_name) if f.field_name else code(f.field)
    return f"{table} › {name}" + (f" ({f.field_id})" if f.field_id else "")


def value(item: Any) -> str:
    """A short, readable value; long or nested ones are described, never dumped."""
    if isinstance(item, bool):
        return "true" if item else "false"
    if item is None:
        return "none"
    if isinstance(item, dict):
        if "type" in item:
            return escape(str(item["type"]))
        return f"{len(item)} entr{'y' if len(item) == 1 else 'ies'}"
    if isinstance(item, list):
        joined = ", ".join(str(v) for v in item)
        many = f"{len(item)} item{'' if len(item) == 1 else 's'}"
        return escape(joined) if len(joined) <= SHORT_VALUE else many
    text = " ".join(str(item).split())
    if len(text) > SHORT_VALUE:
        text = text[: SHORT_VALUE - 1] + "…"
    return escape(text)


def predicate(change: ChangeData, f: Facts, words: Words = COPIES) -> str:
    """What happened to the subject, in words."""
    kind, before, after = change.get("kind"), change.get("before"), change.get("after")
    if f.reason == Reason.TYPE_UNKNOWN:
        return f"type not compared: {value(before)} in the spec, {value(after)} in the base"
    if kind == "renamed":
        return _renamed(before, after, f.reason == DECLARED)
    entry = "field" if f.field else "table"
    if f.attribute is None and f.table is not None:
        if kind == "added":
            return f"{entry} {words.added}" + _entry_detail(after, f.field is None)
        if kind == "removed":
            return f"{entry} {words.removed}" + _entry_detail(before, f.field is None)
    attr = f.attribute or ""
    if attr == "required" and kind != "removed" and isinstance(after, bool):
        return "now required" if after else "no longer required"
    if attr.endswith("description") or (
        isinstance(before, str) and isinstance(after, str) and len(before + after) > 2 * SHORT_VALUE
    ):
        label = f"{attr} " if attr else ""
        done = "added" if kind == "added" else "removed" if kind == "removed" else "changed"
        return f"{label}{done}"
    label = f"{escape(attr)} " if attr else ""
    if kind == "added":
        return f"{label}set to {value(after)}"
    if kind == "removed":
        return f"{label}{value(before)} removed"
    return f"{label}{value(before)} → {value(after)}"


def _entry_detail(entry: Any, table: bool) -> str:
    if not isinstance(entry, dict):
        return ""
    if table:
        fields = entry.get("fields")
        count = len(fields) if isinstance(fields, dict) else 0
        return f" ({count} field{'s' if count != 1 else ''})"
    parts = [escape(str(entry["type"]))] if entry.get("type") else []
    if "required" in entry:
        parts.append("required" if entry["required"] is True else "optional")
    return f" ({', '.join(parts)})" if parts else ""


def _renamed(before: Any, after: Any, declared: bool) -> str:
    old = before if isinstance(before, dict) else {}
    new = after if isinstance(after, dict) else {}
    parts = []
    if old.get("key") != new.get("key"):
        parts.append(f"key {code(str(old.get('key')))} → {code(str(new.get('key')))}")
    if old.get("name") != new.get("name"):
        parts.append(f"name “{escape(str(old.get('name')))}” → “{escape(str(new.get('name')))}”")
    text = "renamed: " + ", ".join(parts) if parts else "renamed"
    return text + (" (declared in `deprecations`)" if declared else "")


def sentence(
    change: ChangeData, docs: Sequence[Mapping[str, Any]] = (), words: Words = COPIES
) -> str:
    """`Meals › Calories (fldUOPuN6n39Aj1v7): type number → integer`, and why it breaks."""
    f = facts(change, docs)
    text = f"{subject(f, str(change.get('path', '')))}: {predicate(change, f, words)}"
    if change.get("breaking"):
        reason = words.reasons.get(f.reason or "", "")
        text += f" — **breaking**{': ' + reason if reason else ''}"
    return text


def plain(change: ChangeData, docs: Sequence[Mapping[str, Any]] = ()) -> str:
    """The same sentence for a terminal: no markdown emphasis or escapes."""
    text = sentence(change, docs).replace("**", "")
    return _SPECIAL_ESCAPED.sub(r"\1", text).replace("\\_", "_")


def check_line(change: ChangeData, docs: Sequence[Mapping[str, Any]] = ()) -> str:
    """What the person merging should check for one breaking change."""
    f = facts(change, docs)
    what = subject(f, str(change.get("path", "")))
    before, after = change.get("before"), change.get("after")
    if f.reason == Reason.REMOVED:
        return f"Code that reads {what} must no longer expect it: it is removed."
    if f.reason == Reason.TYPE_CHANGED:
        return (
            f"Code that reads or writes {what} must handle {value(after)} "
            f"instead of {value(before)}."
        )
    if f.reason == Reason.ID_CHANGED:
        return (
            f"Code, formulas and automations that use the id {value(before)} of {what} "
            f"must use {value(after)}."
        )
    if f.reason == Reason.BECAME_REQUIRED:
        table = escape(f.table_name) if f.table_name else code(f.table or "")
        return f"Code that creates {table} records must set {what}."
    if f.reason == Reason.RENAMED_UNDECLARED:
        new = _renamed(before, after, False).removeprefix("renamed: ")
        return f"Code that refers to {what} by its old key or name must use the new one ({new})."
    if f.reason == Reason.LINK_CHANGED:
        return (
            f"Code that follows {what} must expect records of {value(after)} "
            f"instead of {value(before)}."
        )
    return f"Code that uses {what} must handle: {predicate(change, f)}."
