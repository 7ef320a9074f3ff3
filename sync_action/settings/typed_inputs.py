"""Input values beyond text and booleans: one word of a fixed list (`role`,
`version-policy`), the `fail-on` conditions, numbers of days, a workflow file name,
the write budget of `SCHEMA_SYNC_WRITE_LIMIT` and the wait scale of `SCHEMA_SYNC_WAIT_SCALE`.

Each raises `UsageError` naming the input, so `config` reports every bad value the same way.
"""

from __future__ import annotations

import re
from typing import TypeVar

from sync_action.core.errors import UsageError
from sync_action.core.vocabulary import FailOn, Role, VersionPolicy
from sync_action.settings.list_inputs import split_list

_E = TypeVar("_E", Role, VersionPolicy)
WRITE_LIMIT_ENV = "SCHEMA_SYNC_WRITE_LIMIT"
WAIT_SCALE_ENV = "SCHEMA_SYNC_WAIT_SCALE"
_WRITE_LIMIT = re.compile(r"^(\d+)\s*/\s*(\d+(?:\.\d+)?)?\s*(s|min|h)$")
_PERIODS = {"s": 1.0, "min": 60.0, "h": 3600.0}


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


def wait_scale(value: str) -> float:
    """`SCHEMA_SYNC_WAIT_SCALE`: the part of each rate-limit wait really slept (default 1).

    For tests, which then count the waits the log names instead of sleeping them."""
    if not value.strip():
        return 1.0
    try:
        scale = float(value)
    except ValueError:
        scale = -1.0
    if not 0 <= scale <= 1:
        raise UsageError(f"{WAIT_SCALE_ENV} must be a number from 0 to 1, got '{value.strip()}'")
    return scale


def write_limits(value: str) -> tuple[tuple[int, float], ...] | None:
    """`SCHEMA_SYNC_WRITE_LIMIT`: how fast writes may go, as (writes, seconds) windows.

    Empty means GitHub's documented limits (80 a minute, 500 an hour); `off` means no
    pacing (a GitHub Enterprise Server without secondary limits); otherwise a list of
    `N/min`, `N/h`, `N/s` or `N/<seconds>s`, such as `200/min,2000/h` or `20/2s`.
    """
    text = value.strip().lower()
    if not text:
        return None
    if text == "off":
        return ()
    limits: list[tuple[int, float]] = []
    for item in split_list(text):
        found = _WRITE_LIMIT.match(item)
        if not found or int(found[1]) < 1 or float(found[2] or 1) <= 0:
            raise UsageError(
                f"{WRITE_LIMIT_ENV} must be 'off' or writes per period such as "
                f"'80/min,500/h' or '20/2s', got '{value.strip()}'"
            )
        limits.append((int(found[1]), float(found[2] or 1) * _PERIODS[found[3]]))
    return tuple(limits)


def impact_paths(value: str) -> tuple[str, ...]:
    """The `impact-paths` globs, each a line of a `.gitignore` (`src/`, `*.ts`, `!tests/**`)."""
    from pathspec import GitIgnoreSpec  # imported here: only drift's scan reads files by glob

    globs = tuple(split_list(value))
    for glob in globs:
        try:
            GitIgnoreSpec.from_lines([glob])
        except ValueError:
            raise UsageError(
                f"Input 'impact-paths': '{glob}' is not a glob (a line of a .gitignore, "
                "e.g. src/ or *.ts)"
            ) from None
    return globs
