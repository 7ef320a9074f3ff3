"""The validation fast path agrees with jsonschema on the built-in schema."""

from __future__ import annotations

import copy
import hashlib
import json
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator

from sync_action.spec.fastpath import BUILTIN_SCHEMA_SHA256, fits_builtin_schema
from sync_action.spec.model import builtin_schema


def test_the_fast_path_transcribes_the_shipped_schema():
    """Editing schemas/airtable-spec.schema.json fails this test: bring `fits_builtin_schema`
    in line with the edit, then update BUILTIN_SCHEMA_SHA256 (until then it is not used)."""
    canonical = json.dumps(builtin_schema(), sort_keys=True).encode()
    assert hashlib.sha256(canonical).hexdigest() == BUILTIN_SCHEMA_SHA256


VALID: dict[str, Any] = {
    "spec_version": "v1.0.0",
    "updated_at": "2025-08-17T19:50:00Z",
    "owner_repo": "STRUKT1/strukt-system",
    "environment": {"KEY": {"description": "d", "format": None, "required": True}},
    "tables": {
        "users": {
            "id": "tbl87AICCbvbgrLCY",
            "name": "Users",
            "description": None,
            "sync_direction": "read_write",
            "fields": {
                "email": {
                    "id": "fldgyVjQJc389lqNA",
                    "name": "Email",
                    "type": "email",
                    "required": True,
                    "unique": True,
                    "role": "user_identifier",
                    "description": "d",
                },
                "team": {"type": "link", "link_table": "users"},
            },
        }
    },
    "deprecations": {
        "tables": {"old": "users", "gone": None},
        "fields": {"users.old": {"replaced_by": "users.email", "reason": "r"}},
    },
}
FIELD_KEYS = ("id", "name", "type", "required", "unique", "link_table", "role", "description", "x")
PLACES = [
    (),
    ("spec_version",),
    ("version",),
    ("updated_at",),
    ("owner_repo",),
    ("environment",),
    ("environment", "KEY"),
    ("environment", "KEY", "description"),
    ("environment", "KEY", "format"),
    ("environment", "KEY", "required"),
    ("tables",),
    ("tables", "users"),
    ("tables", ""),
    ("tables", "users", "id"),
    ("tables", "users", "name"),
    ("tables", "users", "description"),
    ("tables", "users", "sync_direction"),
    ("tables", "users", "fields"),
    ("tables", "users", "fields", "email"),
    ("tables", "users", "fields", ""),
    *[("tables", "users", "fields", "email", key) for key in FIELD_KEYS],
    ("tables", "users", "fields", "team", "type"),
    ("tables", "users", "fields", "team", "link_table"),
    ("deprecations",),
    ("deprecations", "tables"),
    ("deprecations", "tables", "old"),
    ("deprecations", "fields"),
    ("deprecations", "fields", "users.old"),
    ("deprecations", "fields", "users.old", "replaced_by"),
    ("deprecations", "fields", "users.old", "reason"),
    ("other",),
]
DELETE = object()
VALUES = st.one_of(
    st.just(DELETE),
    st.none(),
    st.booleans(),
    st.integers(-2, 2),
    st.floats(allow_nan=False),
    st.sampled_from(["", "x", "link", "string", "Bad Type", "1abc", "a_b9", "users"]),
    st.just([]),
    st.just({}),
    st.just({"replaced_by": 1}),
    st.just({"type": "string"}),
    st.just({"fields": {}}),
)


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(PLACES), VALUES), max_size=3))
def test_the_fast_path_and_jsonschema_agree(edits: list[tuple[tuple[str, ...], Any]]) -> None:
    data = copy.deepcopy(VALID)
    for path, value in edits:
        if not path:
            continue
        parent: Any = data
        for step in path[:-1]:
            parent = parent.get(step) if isinstance(parent, dict) else None
        if not isinstance(parent, dict):
            continue
        if value is DELETE:
            parent.pop(path[-1], None)
        else:
            parent[path[-1]] = copy.deepcopy(value)
    expected = Draft202012Validator(builtin_schema()).is_valid(data)
    assert fits_builtin_schema(data) == expected
