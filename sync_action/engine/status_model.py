"""What status mode knows of one consumer, and the metrics, defined once.

Pure functions of what the hosting answered (no requests here), so each metric
has one definition that docs/status.md spells out and tests check:

- `pr_age_days`: days since the open sync pull request was opened.
- `review_decision`: from each reviewer's latest deciding review (approved,
  changes requested, dismissed): any `changes-requested` wins, then `approved`,
  then `review-requested` while reviewers are asked and none decided, else `none`.
- `last_sync_at`: when the newest merged sync pull request was merged.
- `sync_latency_hours`: from the committer time of the source commit that gave
  the file the consumer's content (found by the content's blob in the source's
  history, not from the pull request's body) to the merge; null with a note in
  `notes` when it cannot be measured.
- `interventions` (90 days): sync pull requests closed unmerged in the window,
  plus commits on the open sync pull request that the action did not make.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sync_action.core.hosting import CommitInfo, PullState, SyncPull
from sync_action.core.times import iso

LATENCY = "sync_latency_hours"
WINDOW = timedelta(days=90)
DECIDING = ("APPROVED", "CHANGES_REQUESTED", "DISMISSED")


@dataclass
class Metrics:
    """One consumer's sync history and open pull request."""

    version: str | None = None
    pr_url: str = ""
    pr_number: int | None = None
    pr_opened_at: datetime | None = None
    pr_age_days: float | None = None
    stale: bool = False
    review_decision: str | None = None  # None: no open sync pull request
    mergeable: bool | None = None
    mergeable_state: str | None = None
    last_sync_at: datetime | None = None
    last_sync_url: str = ""
    source_commit: str | None = None
    sync_latency_hours: float | None = None
    closed_unmerged: int = 0
    others_commits: int = 0
    others: list[str] = field(default_factory=list)  # short SHAs of those commits
    notes: dict[str, str] = field(default_factory=dict)  # metric -> why it is null

    @property
    def interventions(self) -> int:
        return self.closed_unmerged + self.others_commits

    def result_fields(self) -> dict[str, Any]:
        """What status mode adds to each entry of the `results` output."""
        return {
            "version": self.version,
            "pr_age_days": self.pr_age_days,
            "last_sync_at": iso(self.last_sync_at),
            "sync_latency_hours": self.sync_latency_hours,
            "review_decision": self.review_decision,
            "mergeable": self.mergeable,
            "interventions": self.interventions,
        }

    def to_json(self) -> dict[str, Any]:
        """The report's `peers[].sync` object."""
        return {
            **self.result_fields(),
            "pr_number": self.pr_number,
            "pr_opened_at": iso(self.pr_opened_at),
            "stale": self.stale,
            "mergeable_state": self.mergeable_state,
            "last_sync_url": self.last_sync_url,
            "source_commit": self.source_commit,
            "closed_unmerged": self.closed_unmerged,
            "others_commits": self.others_commits,
            "notes": dict(self.notes),
        }


def age_days(since: datetime, now: datetime) -> float:
    return round((now - since).total_seconds() / 86400, 1)


def review_decision(state: PullState, requested: Sequence[str]) -> str:
    latest: dict[str, str] = {}
    for reviewer, verdict in state.reviews:
        if verdict in DECIDING:
            latest[reviewer.lower()] = verdict
    verdicts = set(latest.values())
    if "CHANGES_REQUESTED" in verdicts:
        return "changes-requested"
    if "APPROVED" in verdicts:
        return "approved"
    return "review-requested" if requested else "none"


def open_pull(pulls: Sequence[SyncPull]) -> SyncPull | None:
    return next((p for p in pulls if p.state == "open"), None)


def last_merged(pulls: Sequence[SyncPull]) -> SyncPull | None:
    merged = [p for p in pulls if p.merged_at is not None]
    return max(merged, key=lambda p: p.merged_at or p.created_at) if merged else None


def closed_unmerged(pulls: Sequence[SyncPull], now: datetime) -> int:
    return sum(
        1
        for p in pulls
        if p.state == "closed"
        and p.merged_at is None
        and p.closed_at
        and now - p.closed_at <= WINDOW
    )


def others_commits(commits: Sequence[CommitInfo], ours: str, now: datetime) -> list[str]:
    """Commits in the window whose message is not the one the action writes (`ours...`)."""
    return [c.sha[:7] for c in commits if not c.message.startswith(ours) and now - c.date <= WINDOW]


def latency_hours(made: CommitInfo | None, merged_at: datetime | None) -> float | None:
    if made is None or merged_at is None:
        return None
    return round((merged_at - made.date).total_seconds() / 3600, 1)
