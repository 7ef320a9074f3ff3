"""The spec tests' helpers: the real spec's text, edited, and what loading or validating
it raises, with the line a message names."""

from __future__ import annotations

import pytest

from sync_action.core.errors import SpecError
from sync_action.spec.model import Spec, load_bytes
from sync_action.spec.validation import validate
from tests.conftest import CURRENT

CURRENT_TEXT = CURRENT.read_text(encoding="utf-8")


def load_text(text: str, name: str = "spec.yaml") -> Spec:
    return load_bytes(text.encode("utf-8"), name)


def refusal(raw: str | bytes) -> SpecError:
    """The SpecError that loading these bytes raises."""
    data = raw.encode("utf-8") if isinstance(raw, str) else raw
    with pytest.raises(SpecError) as info:
        load_bytes(data, "spec.yaml")
    return info.value


def invalid(text: str, schema: dict | None = None) -> SpecError:
    """The SpecError that validating this (well-formed) text raises."""
    spec = load_text(text)
    with pytest.raises(SpecError) as info:
        validate(spec, schema)
    return info.value


def line_with(text: str, needle: str, start_after: str = "") -> int:
    """The 1-based line of the first `needle`, optionally after the first `start_after`."""
    offset = text.index(start_after) if start_after else 0
    return text[: text.index(needle, offset)].count("\n") + 1


def edited(old: str, new: str, text: str = CURRENT_TEXT, count: int = 1) -> str:
    assert old in text, old
    return text.replace(old, new, count)
