"""Edits of a spec's data for the engine's tests, and the diff they make."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from sync_action.engine.diff import Change, diff_documents


def changed(before: dict[str, Any], edit: Callable[[dict[str, Any]], object]) -> list[Change]:
    """The diff from `before` to a copy of it changed by `edit`."""
    after = copy.deepcopy(before)
    edit(after)
    return diff_documents(before, after)


def fields(doc: dict[str, Any], table: str) -> dict[str, Any]:
    return doc["tables"][table]["fields"]


def rename(mapping: dict[str, Any], old: str, new: str) -> None:
    """Rename a key in place, keeping its position."""
    items = [(new if k == old else k, v) for k, v in mapping.items()]
    mapping.clear()
    mapping.update(items)


def one(changes: list[Change]) -> Change:
    assert len(changes) == 1, changes
    return changes[0]
