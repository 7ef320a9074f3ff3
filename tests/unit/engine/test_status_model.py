"""Status mode's metrics as pure functions: reviews, merges, interventions, latency."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from sync_action.core.hosting import CommitInfo, PullState, SyncPull
from sync_action.engine import status_model

NOW = datetime(2026, 6, 1, 12, tzinfo=UTC)


def pull(
    number: int, state: str = "closed", *, merged: int | None = None, closed: int | None = None
) -> SyncPull:
    created = NOW - timedelta(days=30)
    merged_at = NOW - timedelta(days=merged) if merged is not None else None
    closed_at = NOW - timedelta(days=closed) if closed is not None else merged_at
    return SyncPull(
        number, f"https://example.test/pull/{number}", state, created, closed_at, merged_at, ""
    )


def test_changes_requested_outweighs_an_approval() -> None:
    state = PullState(True, "clean", (("ann", "APPROVED"), ("bob", "CHANGES_REQUESTED")))
    assert status_model.review_decision(state, ()) == "changes-requested"


def test_a_reviewers_latest_verdict_counts() -> None:
    state = PullState(True, "clean", (("Ann", "CHANGES_REQUESTED"), ("ann", "APPROVED")))
    assert status_model.review_decision(state, ()) == "approved"


def test_comments_alone_decide_nothing() -> None:
    state = PullState(True, "clean", (("ann", "COMMENTED"),))
    assert status_model.review_decision(state, ("bob",)) == "review-requested"
    assert status_model.review_decision(state, ()) == "none"


def test_the_open_pull_request_is_found_among_closed_ones() -> None:
    pulls = [pull(1, merged=9), pull(2, "open"), pull(3, closed=2)]
    found = status_model.open_pull(pulls)
    assert found is not None and found.number == 2


def test_the_last_merged_is_the_newest_merge() -> None:
    found = status_model.last_merged([pull(1, merged=9), pull(2, merged=1), pull(3, closed=0)])
    assert found is not None and found.number == 2


def test_closed_without_merge_counts_only_within_ninety_days() -> None:
    pulls = [pull(1, closed=10), pull(2, closed=100), pull(3, merged=5), pull(4, "open")]
    assert status_model.closed_unmerged(pulls, NOW) == 1


def test_others_commits_leave_out_the_actions_own_and_old_ones() -> None:
    ours = "chore(schema): sync schema/AIRTABLE_SPEC.yaml from "
    commits = [
        CommitInfo("a" * 40, NOW - timedelta(days=1), ours + "STRUKT1/strukt-system@abc1234"),
        CommitInfo("b" * 40, NOW - timedelta(days=2), "fix: keep my field"),
        CommitInfo("c" * 40, NOW - timedelta(days=200), "an old edit"),
    ]
    assert status_model.others_commits(commits, ours, NOW) == ["bbbbbbb"]


def test_latency_is_hours_from_the_source_commit_to_the_merge() -> None:
    made = CommitInfo("d" * 40, NOW - timedelta(hours=30), "feat: sleep quality")
    assert status_model.latency_hours(made, NOW) == 30.0


def test_latency_is_unknown_without_the_source_commit() -> None:
    assert status_model.latency_hours(None, NOW) is None


def test_age_is_in_days_to_one_decimal() -> None:
    assert status_model.age_days(NOW - timedelta(hours=36), NOW) == 1.5
