"""The version policy: how the spec version must move when the content does.

Versions are dotted numbers after one leading `v` (`v1.10.0` > `v1.9.0`, `1.1`
== `v1.1.0`). Under `bump` any other version will do; under `semver` the new
version must be at least the lowest one the changes call for. A version that is
not dotted numbers is never "too small", only "not bumped" under `bump`.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol

from sync_action.core.vocabulary import Finding, Kind, VersionPolicy
from sync_action.engine.diff import Change
from sync_action.spec.model import Spec, normalize_version

_DOTTED = re.compile(r"\d+(?:\.\d+)*")


def numbers(version: str | None) -> list[int] | None:
    """The dotted numbers of a version, or None when it is not dotted numbers."""
    text = normalize_version(version)
    if text is None or not _DOTTED.fullmatch(text):
        return None
    return [int(part) for part in text.split(".")]


def version_order(version: str | None) -> tuple[int, ...] | None:
    """A sort key: `v1.10.0` > `1.9.2`, and `1.1` == `v1.1.0` (trailing zeros dropped)."""
    parts = numbers(version)
    if parts is None:
        return None
    while len(parts) > 1 and parts[-1] == 0:
        parts.pop()
    return tuple(parts)


def level(changes: Sequence[Change]) -> str:
    """`major` for a breaking change, `minor` for an added table or field, else `patch`."""
    if any(c.breaking for c in changes):
        return "major"
    if any(c.kind == Kind.ADDED and _is_entry(c.path) for c in changes):
        return "minor"
    return "patch"


def _is_entry(path: str) -> bool:
    steps = path.split(".")
    return steps[0] == "tables" and (len(steps) == 2 or (len(steps) == 4 and steps[2] == "fields"))


NEEDS = {
    "major": "breaking changes need",
    "minor": "added tables or fields need",
    "patch": "changes need",
}


def lowest(version: str, how: str, style: str | None = None) -> str | None:
    """The lowest version above `version` that a change of level `how` accepts, written
    with a leading `v` when `style` (the version people edit; default `version`) has one."""
    parts = numbers(version)
    if parts is None:
        return None
    major, minor, patch = [*parts, 0, 0, 0][:3]
    wanted = {
        "major": (major + 1, 0, 0),
        "minor": (major, minor + 1, 0),
        "patch": (major, minor, patch + 1),
    }[how]
    prefix = "v" if (style or version).startswith("v") else ""
    return prefix + ".".join(str(n) for n in wanted)


@dataclass(frozen=True)
class Verdict:
    """A version finding, the version that would do (semver) and a sentence for people."""

    finding: Finding
    required: str | None
    message: str


def policy_findings(
    before: Spec | None,
    after: Spec | None,
    changes: Sequence[Change],
    policy: VersionPolicy,
    *,
    where: str = "this file",
) -> Verdict | None:
    """The version finding for a content change from `before` to `after`, if any.

    `where` names the `after` copy in the message (`this file`, or the source).
    """
    if policy == VersionPolicy.NONE or before is None or after is None:
        return None
    old, new = before.version, after.version
    if old is None or new is None:
        return None
    if policy == VersionPolicy.BUMP:
        if normalize_version(old) == normalize_version(new):
            return Verdict(
                Finding.VERSION_NOT_BUMPED,
                None,
                f"the content differs under the same spec version ({new}); "
                f"set a new spec_version in {where}",
            )
        return None
    how = level(changes)
    required = lowest(old, how, style=new)
    have, need = version_order(new), version_order(required)
    if required is None or have is None or need is None or have >= need:
        return None
    return Verdict(
        Finding.VERSION_TOO_SMALL, required, f"{NEEDS[how]} {required} or later; {where} has {new}"
    )


def updated_at_unchanged(
    before: Spec | None, after: Spec | None, changes: Sequence[Change]
) -> bool:
    """The content changed but `updated_at` (when the spec keeps one) did not."""
    if before is None or after is None or not changes:
        return False
    return before.updated_at is not None and before.updated_at == after.updated_at


class Findings(Protocol):
    """Whatever collects findings: a peer's result, or a pull request's own change."""

    findings: list[Finding]
    notes: dict[str, str]
    required_version: str | None


def apply(
    target: Findings,
    before: Spec,
    after: Spec,
    changes: Sequence[Change],
    policy: VersionPolicy,
    where: str = "this file",
) -> None:
    """Add the version policy's finding and `updated-at-unchanged` for one content change."""
    verdict = policy_findings(before, after, changes, policy, where=where)
    if verdict is not None:
        target.findings.append(verdict.finding)
        target.notes[verdict.finding] = verdict.message
        target.required_version = verdict.required
    if updated_at_unchanged(before, after, changes):
        target.findings.append(Finding.UPDATED_AT_UNCHANGED)
        target.notes[Finding.UPDATED_AT_UNCHANGED] = (
            f"the content differs but updated_at is the same ({after.updated_at}); "
            f"set updated_at in {where}"
        )
