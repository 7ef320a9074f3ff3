"""Spec files for the scenarios: the real fixture with one kind of change each."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import yaml

Edit = Callable[[dict[str, Any]], None]


def edited(current: bytes, version: str | None, *edits: Edit, updated: str | None = None) -> bytes:
    """The fixture at `version` (None keeps it), with `edits` applied and `updated_at`
    moved on (unless `updated` says otherwise)."""
    data = yaml.safe_load(current)
    if version is not None:
        data["spec_version"] = version
    data["updated_at"] = updated or "2025-09-01T00:00:00Z"
    for edit in edits:
        edit(data)
    return yaml.safe_dump(data, sort_keys=False).encode()


def add_field(data: dict[str, Any]) -> None:
    """Not breaking: a new field in users."""
    data["tables"]["users"]["fields"]["timezone"] = {
        "id": "fldTz7Qm2LkP9xWv3",
        "name": "Timezone",
        "type": "string",
        "required": False,
    }


def break_type(data: dict[str, Any]) -> None:
    """Breaking: the type of meals.calories changes."""
    data["tables"]["meals"]["fields"]["calories"]["type"] = "string"


def describe(data: dict[str, Any]) -> None:
    """A patch: a description changes."""
    data["tables"]["meals"]["description"] = "Meals, in other words"
