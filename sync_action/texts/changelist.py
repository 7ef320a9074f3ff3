"""A list of changes as markdown that fits a character budget.

Short lists are shown whole. Long ones show the first breaking changes open,
then every table's changes in a collapsed `<details>` block, so a 3,000-change
drift still reads in one screen. What does not fit the budget is counted, and
the caller says where the full list is.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync_action.texts.sentences import COPIES, ChangeData, Words, escape, facts, sentence
from sync_action.texts.usage_words import where

SHORT = 12  # lists up to this long are shown whole, without collapsing
FIRST_BREAKING = 10  # long lists show this many breaking changes before the groups
OTHER = "Other settings"
UNLIMITED = 1 << 40


@dataclass
class Budget:
    """Characters left; `take` adds a piece only when it fits."""

    left: int
    omitted: int = 0

    def fits(self, text: str) -> bool:
        return len(text) <= self.left

    def take(self, parts: list[str], text: str) -> bool:
        if not self.fits(text):
            return False
        parts.append(text)
        self.left -= len(text)
        return True


def ordered(changes: Sequence[ChangeData]) -> list[ChangeData]:
    """Breaking first (those the code uses before the others), otherwise in the report's
    order."""
    return sorted(changes, key=lambda c: (not c.get("breaking"), not c.get("usages")))


def _natural(text: str) -> tuple[tuple[int, int | str], ...]:
    """`Table 2` before `Table 10`."""
    return tuple(
        (0, int(part)) if part.isdigit() else (1, part.lower())
        for part in re.split(r"(\d+)", text)
        if part
    )


def _group_key(change: ChangeData, docs: Sequence[Mapping[str, Any]]) -> tuple[Any, str]:
    f = facts(change, docs)
    if f.table is None:
        return ((2,), OTHER)  # after every table
    name = escape(f.table_name) if f.table_name else f"`{f.table}`"
    title = f"{name} ({f.table_id})" if f.table_id else name
    return ((1, _natural(f.table_name or f.table)), title)


def render(
    changes: Sequence[ChangeData],
    docs: Sequence[Mapping[str, Any]],
    budget: int,
    words: Words = COPIES,
    blob: str | None = None,
) -> tuple[str, int]:
    """Markdown for `changes` within `budget` characters, and how many were left out.

    With `blob` (`{server}/{repository}/blob/{sha}`, or "" unlinked) each change says
    where the code uses it."""
    items = ordered(changes)
    room = Budget(budget)
    parts: list[str] = []

    def lines(some: Sequence[ChangeData]) -> list[str]:
        return [sentence(c, docs, words) + where(c, blob) for c in some]

    if len(items) <= SHORT:
        _bullets(parts, lines(items), room)
        return "".join(parts), room.omitted
    head = [c for c in items if c.get("breaking")][:FIRST_BREAKING]
    if head:
        _bullets(parts, lines(head), room)
        parts_text = "\n" if parts else ""
        room.take(parts, parts_text)
    rest = items[len(head) :]
    groups: dict[tuple[str, str], list[ChangeData]] = {}
    for change in rest:
        groups.setdefault(_group_key(change, docs), []).append(change)
    for key in sorted(groups, key=lambda k: k[0]):
        _group(parts, key[1], lines(groups[key]), groups[key], room)
    return "".join(parts), room.omitted


def _bullets(parts: list[str], lines: Sequence[str], room: Budget) -> None:
    for index, line in enumerate(lines):
        if not room.take(parts, f"- {line}\n"):
            room.omitted += len(lines) - index
            return


def _group(
    parts: list[str], title: str, lines: list[str], changes: list[ChangeData], room: Budget
) -> None:
    """One table's changes, collapsed; cut inside the block when the budget runs out."""
    breaking = sum(bool(c.get("breaking")) for c in changes)
    count = f"{len(changes):,} change{'s' if len(changes) != 1 else ''}"
    if breaking:
        count += f", {breaking:,} breaking"
    head = f"<details><summary>{title}: {count}</summary>\n\n"
    tail = "\n</details>\n"
    if not room.fits(head + tail):
        room.omitted += len(changes)
        return
    room.left -= len(head) + len(tail)
    inner: list[str] = []
    _bullets(inner, lines, room)
    parts.extend([head, *inner, tail])


def counts(changes: Sequence[ChangeData]) -> str:
    """`3 changes, 1 breaking (1 added, 2 changed)`."""
    total = len(changes)
    if not total:
        return "no changes"
    breaking = sum(bool(c.get("breaking")) for c in changes)
    kinds = [
        f"{n:,} {kind}"
        for kind in ("added", "removed", "changed", "renamed")
        if (n := sum(c.get("kind") == kind for c in changes))
    ]
    text = f"{total:,} change{'s' if total != 1 else ''}"
    if breaking:
        text += f", {breaking:,} breaking"
    return f"{text} ({', '.join(kinds)})" if kinds else text


def short_counts(changes: Sequence[ChangeData]) -> str:
    """`3 (1 breaking)`: the count for a table cell, the kinds left to the list below."""
    if not changes:
        return ""
    breaking = sum(bool(c.get("breaking")) for c in changes)
    return f"{len(changes):,}" + (f" ({breaking:,} breaking)" if breaking else "")
