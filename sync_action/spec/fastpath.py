"""The validation fast path: the built-in schema transcribed into plain checks.

Some 20 times faster than jsonschema on a large spec, and jsonschema is then not
imported at all. `tests/test_fastpath.py` checks that it agrees with jsonschema.
"""

from __future__ import annotations

import hashlib
import json
import re
from functools import cache
from typing import Any

from sync_action.spec.model import VERSION_KEYS, builtin_schema

# The built-in schema as `fits_builtin_schema` transcribes it (sha256 of its canonical JSON).
# Editing the schema turns the fast path off until the transcription is checked again.
BUILTIN_SCHEMA_SHA256 = "59478c15d0a88c4a4831f61b1ad815990c0e0f48a87cf47dc0e759c51eb92969"
_FIELD_TYPE = re.compile(r"[a-z][a-z0-9_]*")


@cache
def _transcribed() -> bool:
    canonical = json.dumps(builtin_schema(), sort_keys=True).encode()
    return hashlib.sha256(canonical).hexdigest() == BUILTIN_SCHEMA_SHA256


def fits_builtin_schema(data: dict[str, Any]) -> bool:
    """True only when the built-in schema accepts `data`, decided without jsonschema.

    A transcription of schemas/airtable-spec.schema.json, some 20 times faster than
    jsonschema on a large spec. It may answer False where the schema would accept
    (jsonschema then decides, and words any problem); it never answers True where the
    schema would refuse.
    """
    if not _transcribed():
        return False
    if not all(_version_ok(data[k]) for k in VERSION_KEYS if k in data):
        return False
    if not (_text(data, "updated_at") and _text(data, "owner_repo")):
        return False
    environment = data.get("environment")
    if environment is not None:
        if not isinstance(environment, dict):
            return False
        for entry in environment.values():
            if not (
                isinstance(entry, dict)
                and _of(entry, "description", str, None)
                and _of(entry, "format", str, None)
                and _of(entry, "required", bool)
            ):
                return False
    tables = data.get("tables")
    if not isinstance(tables, dict) or not tables:
        return False
    for key, table in tables.items():
        if not (key and isinstance(table, dict) and isinstance(table.get("fields"), dict)):
            return False
        if not (
            _of(table, "id", str)
            and _text(table, "name")
            and _of(table, "description", str, None)
            and _of(table, "sync_direction", str)
        ):
            return False
        for name, entry in table["fields"].items():
            if not (name and isinstance(entry, dict) and _field_ok(entry)):
                return False
    return _deprecations_ok(data.get("deprecations"))


def _of(entry: dict[str, Any], key: str, kind: type, *nullable: None) -> bool:
    """`key` is absent, or of `kind` (`bool` only for booleans), or null when allowed."""
    if key not in entry:
        return True
    value = entry[key]
    if value is None:
        return bool(nullable)
    if kind is not bool and isinstance(value, bool):
        return False
    return isinstance(value, kind)


def _text(entry: dict[str, Any], key: str) -> bool:
    """Absent, or text of at least one character."""
    return key not in entry or (isinstance(entry[key], str) and len(entry[key]) > 0)


def _version_ok(value: Any) -> bool:
    return isinstance(value, str | int | float) and not isinstance(value, bool)


def _field_ok(entry: dict[str, Any]) -> bool:
    kind = entry.get("type")
    return (
        isinstance(kind, str)
        and _FIELD_TYPE.fullmatch(kind) is not None
        and (kind != "link" or "link_table" in entry)
        and _of(entry, "id", str)
        and _text(entry, "name")
        and _of(entry, "required", bool)
        and _of(entry, "unique", bool)
        and _of(entry, "link_table", str)
        and _of(entry, "role", str)
        and _of(entry, "description", str, None)
    )


def _deprecations_ok(deprecations: Any) -> bool:
    if deprecations is None:
        return True
    if not isinstance(deprecations, dict):
        return False
    for section in ("tables", "fields"):
        entries = deprecations.get(section)
        if entries is None:
            continue
        if not isinstance(entries, dict):
            return False
        for value in entries.values():
            if value is None or (isinstance(value, str) and value):
                continue
            if not (
                isinstance(value, dict)
                and _of(value, "replaced_by", str, None)
                and _of(value, "reason", str)
            ):
                return False
    return True
