"""What people read of status mode: the dashboard issue, the step summary, log lines.

In the order a maintainer needs it: a one-line verdict with counts, then one row
per consumer with its state in words, its sync pull request and the next step,
then the history (last sync, latency, interventions, failed syncs) and the
token's expiry. Nothing in it changes between runs unless the state did (ages
are in whole days), so the issue is edited only when there is news.
"""

from __future__ import annotations

from collections import Counter

from sync_action.core import markers
from sync_action.core.vocabulary import Finding, Status
from sync_action.engine.compare import PeerResult
from sync_action.engine.overview import Overview
from sync_action.engine.status_model import LATENCY, Metrics
from sync_action.texts.sentences import quiet

TITLE = "Schema sync dashboard"
# The marks of the comment's scale: 🔴 a failure, 🟡 needs a person, 🟢 nothing to do.
WORDS: dict[Status, str] = {
    Status.IN_SYNC: "🟢 in sync",
    Status.BEHIND: "🟡 behind",
    Status.EDITED: "🟡 edited locally",
    Status.MISSING: "🟡 missing",
    Status.FAILED: "🔴 not read",
}
REVIEW = {
    "approved": "approved",
    "changes-requested": "changes requested",
    "review-requested": "review requested",
    "none": "no review yet",
}


def _metrics(result: PeerResult) -> Metrics:
    return result.metrics if isinstance(result.metrics, Metrics) else Metrics()


def _days(value: float | None) -> str:
    if value is None:
        return ""
    whole = int(value)
    return "today" if whole == 0 else "1 day" if whole == 1 else f"{whole} days"


def _link(result: PeerResult) -> str:
    metrics = _metrics(result)
    return f"[#{metrics.pr_number}]({metrics.pr_url})" if metrics.pr_url else ""


def verdict(view: Overview) -> str:
    counts = Counter(r.status for r in view.results)
    stale = sum(1 for r in view.results if _metrics(r).stale)
    parts = [f"{counts[s]} {WORDS[s].split(' ', 1)[1]}" for s in WORDS if counts[s]]
    total = len(view.results)
    head = f"{total} consumer{'s' if total != 1 else ''} of `{view.schema_path}`"
    text = f"{head}: {', '.join(parts) or 'none'}"
    if stale:
        text += f"; {stale} sync pull request{'s' if stale != 1 else ''} older than "
        text += f"{view.max_pr_age:g} days"
    mark = "🟢" if counts[Status.IN_SYNC] == total else "🔴" if counts[Status.FAILED] else "🟡"
    return f"{mark} {text}."


def next_step(result: PeerResult, source: str) -> str:
    """What a person should do about this consumer, in one sentence."""
    metrics, repo = _metrics(result), result.repository
    if result.status == Status.FAILED:
        return f"Check the token's access to {repo}: {quiet(result.message)}"
    if result.status == Status.IN_SYNC:
        return "Nothing to do."
    if result.status == Status.EDITED:
        then = f"merge {_link(result)}" if metrics.pr_url else "run the sync"
        return (
            f"Someone edited {repo}'s copy: move the edit into {source} (or drop it), "
            f"then {then}, which replaces the copy."
        )
    if not metrics.pr_url:
        where = "add the file" if result.status == Status.MISSING else "bring the copy up to date"
        return f"No sync pull request is open: run the sync workflow in {source} to {where}."
    pull = _link(result)
    if metrics.mergeable is False:
        then = (
            "address the requested changes and merge it"
            if metrics.review_decision == "changes-requested"
            else "merge it"
        )
        return (
            f"{pull} has conflicts: re-run the sync in {source} with `force-sync: true` "
            f"to rebuild it, then {then}."
        )
    if metrics.review_decision == "changes-requested":
        return f"Address the requested changes on {pull}, then merge it."
    if metrics.review_decision == "approved":
        return f"Merge {pull}: it is approved."
    return f"Review and merge {pull}."


def _row(result: PeerResult, view: Overview) -> str:
    metrics = _metrics(result)
    pull = ""
    if metrics.pr_url:
        review = REVIEW.get(metrics.review_decision or "", "")
        merge = {True: "mergeable", False: "conflicts", None: ""}[metrics.mergeable]
        bits = [b for b in (f"open {_days(metrics.pr_age_days)}", review, merge) if b]
        pull = f"{_link(result)} ({', '.join(bits)})"
    cells = [
        f"[{result.repository}]({view.server_url}/{result.repository})",
        _word(result.status),
        f"`{metrics.version}`" if metrics.version else "—",
        pull or "—",
        next_step(result, view.source).replace("|", "\\|"),
    ]
    return "| " + " | ".join(cells) + " |"


def _word(status: Status | None) -> str:
    """A status in words; one without words of its own as it is."""
    return WORDS.get(status, str(status)) if status else ""


def _history_row(result: PeerResult) -> str:
    metrics = _metrics(result)
    last = metrics.last_sync_at.strftime("%Y-%m-%d") if metrics.last_sync_at else "never"
    if metrics.last_sync_url:
        last = f"[{last}]({metrics.last_sync_url})"
    latency = "—" if metrics.sync_latency_hours is None else f"{metrics.sync_latency_hours:g} h"
    interventions = str(metrics.interventions)
    if metrics.interventions:
        parts = []
        if metrics.closed_unmerged:
            parts.append(f"{metrics.closed_unmerged} closed unmerged")
        if metrics.others_commits:
            parts.append(f"{metrics.others_commits} commits by others")
        interventions += f" ({', '.join(parts)})"
    return f"| {result.repository} | {last} | {latency} | {interventions} |"


def _latency_notes(results: list[PeerResult]) -> list[str]:
    """Why a sync's latency shows a dash, one line per consumer it concerns."""
    lines = []
    for result in results:
        metrics = _metrics(result)
        note = metrics.notes.get(LATENCY)
        if note and metrics.last_sync_at and metrics.sync_latency_hours is None:
            lines.append(f"- Latency of {result.repository}: {quiet(note)}.")
    return [*lines, ""] if lines else []


def report_markdown(view: Overview) -> str:
    """The dashboard and step summary body, without the marker."""
    lines = [
        f"## {TITLE}",
        "",
        verdict(view),
        "",
        "| Consumer | Status | Version | Sync pull request | Next step |",
        "|---|---|---|---|---|",
    ]
    lines += [_row(r, view) for r in view.results]
    lines += [
        "",
        "### Sync history (last 90 days)",
        "",
        "| Consumer | Last sync | Latency | Interventions |",
        "|---|---|---:|---|",
    ]
    lines += [_history_row(r) for r in view.results]
    lines.append("")
    lines += _latency_notes(view.results)
    if view.sync_workflow:
        runs = f"{view.server_url}/{view.source}/actions/workflows/{view.sync_workflow}"
        failed = "not counted" if view.failed_syncs is None else str(view.failed_syncs)
        lines.append(f"Failed runs of [{view.sync_workflow}]({runs}) in 90 days: {failed}.")
    if view.token_expires_at:
        lines.append(
            f"The token expires on {view.token_expires_at:%Y-%m-%d}: renew it, and the "
            "secret that holds it, before then."
        )
    lines += [
        "",
        "<sub>Latency: from the source commit that gave the file the merged content to the "
        "merge of the sync pull request that brought it. Interventions: sync pull requests closed "
        "without merging, and commits by others on the open one. "
        "🟢 nothing to do · 🟡 needs a person · 🔴 could not be read. "
        "Kept by schema-sync status mode; edits here are overwritten.</sub>",
    ]
    return "\n".join(lines) + "\n"


def issue_body(view: Overview) -> str:
    return markers.dashboard(view.schema_path) + "\n" + report_markdown(view)


def facts(result: PeerResult) -> list[str]:
    """The log's lines for one consumer."""
    metrics = _metrics(result)
    lines = [f"status: {result.status}; version: {metrics.version or '-'}"]
    if metrics.pr_url:
        lines.append(
            f"sync pull request: {metrics.pr_url}, open {metrics.pr_age_days} days, "
            f"review: {metrics.review_decision}, mergeable: {metrics.mergeable}"
        )
    last = metrics.last_sync_at.isoformat() if metrics.last_sync_at else "never"
    lines.append(
        f"last sync: {last}; latency: {_latency(metrics, result.status)}; "
        f"interventions (90 days): {metrics.interventions}"
    )
    return lines


def _latency(metrics: Metrics, status: Status | None) -> str:
    """The log's words for a latency that is `null` in the report, with why."""
    if metrics.sync_latency_hours is not None:
        return f"{metrics.sync_latency_hours:g} h"
    if metrics.last_sync_at is None:
        return "none (no sync pull request was merged)"
    if note := metrics.notes.get(LATENCY):
        return quiet(note)
    if status in (Status.EDITED, Status.MISSING):
        return f"none (the consumer's file is {status}, not the merged sync's)"
    return "not known (the merged sync names no source commit found in the history)"


def finding(
    result: PeerResult, word: str, *, source: str, peer_path: str, max_pr_age: float
) -> str:
    """The warning (or error) text for a status or finding that needs a person."""
    metrics, repo = _metrics(result), result.repository
    if word == Finding.STALE_PR:
        return (
            f"{repo}: the sync pull request {metrics.pr_url} has been open "
            f"{metrics.pr_age_days:g} days (max-pr-age: {max_pr_age:g}). "
            + next_step(result, source)
        )
    if word == Status.MISSING:
        return f"{repo} has no {peer_path}. " + next_step(result, source)
    if word == Status.EDITED:
        return f"{repo}'s {peer_path} matches no version of the source. " + next_step(
            result, source
        )
    return f"{repo}'s {peer_path} is an earlier version of the source. " + next_step(result, source)
