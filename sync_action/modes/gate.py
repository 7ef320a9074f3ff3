"""The gate: which findings fail the step (`fail-on`), and one line for each.

Every finding becomes one alarm naming its `fail-on` condition and its subject
(a peer, or this pull request). An alarm whose condition is in `fail-on` is an
`::error` and makes the step exit 1; the others are `::warning`s that say which
word of `fail-on` would make them fail.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sync_action.core.errors import EXIT_DRIFT, EXIT_OK
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import FINDING_CONDITION, FailOn, Finding, Status
from sync_action.engine.compare import PeerResult
from sync_action.engine.diff import Change
from sync_action.engine.pull_change import PullChange
from sync_action.settings.config import Config
from sync_action.spec.model import Spec
from sync_action.texts.sentences import plain

TITLES = {
    FailOn.DRIFT: "Schema drift",
    FailOn.EDITED: "Copy edited outside the source",
    FailOn.BEHIND: "Copy behind the source",
    FailOn.BREAKING: "Breaking change",
    FailOn.VERSION_NOT_BUMPED: "Spec version not bumped",
    FailOn.VERSION_TOO_SMALL: "Spec version too small",
    FailOn.UPDATED_AT_UNCHANGED: "updated_at unchanged",
    FailOn.STALE_PR: "Stale sync pull request",
    FailOn.TOKEN_EXPIRING: "Token expiring",
}


@dataclass(frozen=True)
class Alarm:
    """One finding about one subject, under its `fail-on` condition."""

    condition: FailOn
    subject: str
    text: str


def alarms(
    cfg: Config,
    results: Sequence[PeerResult],
    change: PullChange | None,
    local: Spec | None = None,
) -> list[Alarm]:
    """Every alarm of a drift run: the pull request's own change first, then each peer.
    With `local` (this repository's spec) changes are named as the comment names them."""
    found: list[Alarm] = []
    if change is not None:
        found += list(_change_alarms(cfg, change, _docs(local, change.base_spec)))
    for result in results:
        found += list(_peer_alarms(cfg, result, _docs(local, result.peer_spec)))
    return found


def _docs(*specs: Spec | None) -> list[Mapping[str, Any]]:
    """The specs whose display names the sentences use."""
    return [s.data for s in specs if s is not None]


def _change_alarms(
    cfg: Config, change: PullChange, docs: Sequence[Mapping[str, Any]]
) -> Iterable[Alarm]:
    subject = f"pull request #{change.number}" if change.number else "this pull request"
    if change.breaking:
        yield Alarm(
            FailOn.BREAKING,
            subject,
            f"{subject} makes {_breaking(change.changes, f' to {cfg.schema_path}', docs)}",
        )
    for finding in change.findings:
        condition = _condition(finding)
        if condition is not None:
            yield Alarm(condition, subject, f"{subject}: {change.notes.get(finding, finding)}")


def _peer_alarms(
    cfg: Config, result: PeerResult, docs: Sequence[Mapping[str, Any]]
) -> Iterable[Alarm]:
    peer = result.repository
    if result.status in (Status.FAILED, Status.PENDING):
        return
    if result.status == Status.MISSING:
        yield Alarm(FailOn.DRIFT, peer, f"{peer} has no file at {result.path}")
    elif result.drift:
        text = f"{cfg.schema_path} differs from {peer}:{result.path}"
        if result.findings:
            text += f" ({', '.join(result.findings)})"
        yield Alarm(FailOn.DRIFT, peer, text)
    if result.breaking:
        (old, new) = result.sides
        yield Alarm(
            FailOn.BREAKING,
            peer,
            _breaking(result.changes, f" from {old['repository']} to {new['repository']}", docs),
        )
    for finding in result.findings:
        condition = _condition(finding)
        if condition is None or finding == Finding.MISSING:
            continue  # a missing file is drift, said above
        text = result.notes.get(finding) or _sentence(result, finding)
        yield Alarm(condition, peer, f"{peer}: {text}")


def _sentence(result: PeerResult, finding: str) -> str:
    """Behind or edited: the provenance says where the copy comes from."""
    return str(result.provenance.sentence()) if result.provenance is not None else finding


def _condition(finding: str) -> FailOn | None:
    """The `fail-on` word a finding counts under; None for a finding that never fails."""
    try:
        return FINDING_CONDITION.get(Finding(finding))
    except ValueError:
        return None


def _breaking(changes: Sequence[Change], where: str, docs: Sequence[Mapping[str, Any]]) -> str:
    """`2 breaking change(s) <where>, first: Meals › Calories (fld…): type number → string —
    breaking: type changed`, in the comment's words."""
    breaking = [c for c in changes if c.breaking]
    return f"{len(breaking)} breaking change(s){where}, first: {plain(breaking[0].to_json(), docs)}"


def to_json(cfg: Config, found: Sequence[Alarm]) -> list[dict[str, object]]:
    """The report's `checks`: every alarm, and whether it fails the step."""
    return [
        {
            "condition": a.condition.value,
            "subject": a.subject,
            "fails": cfg.fails(a.condition),
            "message": a.text,
        }
        for a in found
    ]


def line(cfg: Config, found: Sequence[Alarm]) -> str:
    """What the check does to the pull request, in one line for the comment."""
    failing = [a for a in found if cfg.fails(a.condition)]
    if failing:
        what = ", ".join(f"`{a.condition}` ({a.subject})" for a in failing)
        return f"❌ **This check fails** (`fail-on`): {what}."
    if found:
        what = ", ".join(f"`{a.condition}` ({a.subject})" for a in found)
        return f"This check passes, with warnings that `fail-on` does not name: {what}."
    return "This check passes."


def report(cfg: Config, found: Sequence[Alarm], runner: Runner) -> int:
    """Print each alarm as an error or a warning; exit 1 when any condition fails."""
    failing = False
    for alarm in found:
        title = TITLES.get(alarm.condition, alarm.condition.value)
        if cfg.fails(alarm.condition):
            failing = True
            runner.error(
                f"{alarm.text} (fail-on: {alarm.condition})", title=title, file=cfg.schema_path
            )
        else:
            runner.warning(
                f"{alarm.text} (add '{alarm.condition}' to fail-on to fail on it)",
                title=title,
                file=cfg.schema_path,
            )
    return EXIT_DRIFT if failing else EXIT_OK
