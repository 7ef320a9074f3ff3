"""Input values beyond text and booleans: one word of a fixed list (`role`,
`version-policy`), the `fail-on` conditions, numbers of days, a workflow file name.

Each raises `UsageError` naming the input, so `config` reports every bad value the same way.
"""

from __future__ import annotations

import re
from typing import TypeVar

from sync_action.errors import UsageError
from sync_action.vocabulary import FailOn, Role, VersionPolicy

_E = TypeVar("_E", Role, VersionPolicy)


def split_list(value: str) -> list[str]:
    """Newline- or comma-separated, blanks dropped."""
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def choice(value: str, name: str, kind: type[_E]) -> _E:
    """One of an input's words, in any case."""
    try:
        return kind(value.strip().lower())
    except ValueError:
        words = ", ".join(f"'{item.value}'" for item in kind)
        raise UsageError(f"Input '{name}' must be one of {words}, got '{value.strip()}'") from None


def fail_on(value: str) -> frozenset[FailOn] | None:
    """The `fail-on` conditions; None when unset, so that `fail-on-drift` decides."""
    words = [word.lower() for word in split_list(value)]
    if not words:
        return None
    known = {c.value for c in FailOn}
    unknown = [word for word in words if word not in known]
    if unknown:
        raise UsageError(
            f"Input 'fail-on': unknown condition '{unknown[0]}'; use a comma-separated list of "
            + ", ".join(c.value for c in FailOn)
        )
    if FailOn.NEVER in words and len(set(words)) > 1:
        raise UsageError("Input 'fail-on': 'never' cannot be combined with other conditions")
    return frozenset(FailOn(word) for word in words if word != FailOn.NEVER)


def days(value: str, name: str) -> float:
    """A number of days, zero or more (fractions allowed)."""
    try:
        number = float(value)
    except ValueError:
        number = -1.0
    if not number >= 0 or number == float("inf"):
        raise UsageError(f"Input '{name}' must be a number of days (0 or more), got '{value}'")
    return number


def workflow_file(value: str) -> str | None:
    """The sync workflow's file name in .github/workflows (a path there is cut to its name)."""
    if not value:
        return None
    name = value.rsplit("/", 1)[-1]
    if not name.endswith((".yml", ".yaml")):
        raise UsageError(
            f"Input 'sync-workflow' must be a workflow file name such as schema-sync.yml, "
            f"got '{value}'"
        )
    return name
