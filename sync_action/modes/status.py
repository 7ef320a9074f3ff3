"""Status mode: every consumer's state at a glance, for a scheduled run in the source.

It only reads, but for the dashboard issue. Per consumer: its file (one request),
the sync pull requests in every state (one listing), and for an open one its
mergeability, reviews and commits (three). What the source's history answers
(is a differing copy an earlier version? which commit made a synced content?)
comes from the checkout when it has the full history, else from the API, asked
once per distinct question however many consumers share it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import TypeVar

from sync_action.core import markers
from sync_action.core.errors import EXIT_DRIFT, EXIT_OK, RemoteError
from sync_action.core.hosting import Hosting, SourceHistory
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import STATUS_CONDITION, Finding, Status
from sync_action.engine.compare import PeerResult, compare
from sync_action.engine.overview import Overview
from sync_action.engine.status_model import (
    LATENCY,
    WINDOW,
    Metrics,
    age_days,
    closed_unmerged,
    last_merged,
    latency_hours,
    open_pull,
    others_commits,
    review_decision,
)
from sync_action.modes import expiry
from sync_action.modes.context import fan_out, one_peer
from sync_action.settings.config import Config
from sync_action.spec.model import Spec
from sync_action.texts import dashboard

V = TypeVar("V")


def read_consumer(
    cfg: Config, host: Hosting, local: Spec, history: SourceHistory, peer: str, now: datetime
) -> PeerResult:
    """One consumer's status; a remote failure is recorded, not raised, so others go on."""
    result = PeerResult(repository=peer, ref="", path=cfg.peer_path)
    result.metrics = metrics = Metrics()
    with one_peer(result):
        remote = host.read_file(peer, cfg.peer_path, None)
        result.ref = remote.ref
        compare(local, remote, result, ignore=cfg.ignore, require_version_bump=False)
        metrics.version = (
            result.peer_spec.version
            if result.peer_spec
            else (local.version if remote.content is not None and not result.drift else None)
        )
        result.status = _state(result, history)
        _history(cfg, host, result, history, now)
    return result


def _state(result: PeerResult, history: SourceHistory) -> Status:
    remote = result.remote
    if result.missing:
        return Status.MISSING
    if not result.drift or remote is None or remote.blob_sha is None:
        return Status.IN_SYNC
    if history.repository and history.holds(remote.blob_sha)[1] is not None:
        result.findings.append(Finding.BEHIND_SOURCE)
        return Status.BEHIND
    if not history.repository:
        return Status.BEHIND  # no source to ask: call it behind, a sync would fix it
    result.findings.append(Finding.EDITED_LOCALLY)
    return Status.EDITED


def _history(
    cfg: Config, host: Hosting, result: PeerResult, history: SourceHistory, now: datetime
) -> None:
    metrics = result.metrics
    assert metrics is not None  # set by the status comparison before the history is read
    pulls = host.sync_pulls(result.repository, cfg.sync_branch)
    metrics.closed_unmerged = closed_unmerged(pulls, now)
    merged = last_merged(pulls)
    if merged is not None:
        metrics.last_sync_at, metrics.last_sync_url = merged.merged_at, merged.url
        _latency(result, history, merged.merged_at)
    pull = open_pull(pulls)
    if pull is None:
        return
    result.pr_url, result.pr_number = pull.url, pull.number
    metrics.pr_url, metrics.pr_number, metrics.pr_opened_at = pull.url, pull.number, pull.created_at
    metrics.pr_age_days = age_days(pull.created_at, now)
    metrics.stale = metrics.pr_age_days > cfg.max_pr_age
    if metrics.stale:
        result.findings.append(Finding.STALE_PR)
    state = host.pull_state(result.repository, pull.number)
    metrics.mergeable, metrics.mergeable_state = state.mergeable, state.mergeable_state
    metrics.review_decision = review_decision(state, pull.requested_reviewers)
    ours = f"chore(schema): sync {cfg.peer_path} from "
    metrics.others = others_commits(host.pull_commits(result.repository, pull.number), ours, now)
    metrics.others_commits = len(metrics.others)


def _latency(result: PeerResult, history: SourceHistory, merged_at: datetime | None) -> None:
    """From the source commit that gave the file the consumer's content (found by its blob
    in the source's history, never by the pull request's body, which people edit) to the
    merge. A latency that cannot be measured is null with a note; it never fails the
    consumer's status."""
    metrics, remote = result.metrics, result.remote
    assert metrics is not None
    if (
        result.status not in (Status.IN_SYNC, Status.BEHIND)
        or remote is None
        or remote.blob_sha is None
    ):
        metrics.notes[LATENCY] = f"not measured: the consumer is {result.status}"
        return
    try:
        made = history.made_content(remote.blob_sha)
    except RemoteError as exc:
        metrics.notes[LATENCY] = f"not measured: the source's history was not read ({exc.message})"
        return
    if made is None:
        metrics.notes[LATENCY] = (
            "not measured: no commit in the source's recent history of the file holds "
            "the consumer's content"
        )
        return
    metrics.source_commit = made.sha
    metrics.sync_latency_hours = latency_hours(made, merged_at)


def run(
    cfg: Config,
    host: Hosting,
    local: Spec,
    runner: Runner,
    source: Hosting,
    history: SourceHistory,
) -> tuple[Overview, int]:
    """Read every consumer, keep the dashboard; return what was found and the exit code.

    `source` is this repository's hosting (comment-token's), for the dashboard and the
    sync workflow's runs."""
    now = datetime.now(UTC)
    results = fan_out(
        cfg.peer_repos, lambda peer: read_consumer(cfg, host, local, history, peer, now)
    )
    view = Overview(
        cfg.repository or "local",
        cfg.schema_path,
        results,
        cfg.max_pr_age,
        cfg.server_url,
        sync_workflow=cfg.sync_workflow,
    )
    code = max([EXIT_OK, *(r.exit_code for r in results)])
    if cfg.sync_workflow and cfg.repository:
        try:
            view.failed_syncs = source.failed_runs(cfg.repository, cfg.sync_workflow, now - WINDOW)
        except RemoteError as exc:
            runner.error(exc.message, title="Failed syncs not counted")
            code = max(code, exc.exit_code)
    view.token_expires_at = expiry.parse(host.token_expiration())
    for result in results:
        code = max(code, _log(cfg, runner, result))
    if cfg.dashboard and not cfg.dry_run:
        code = max(code, _keep_dashboard(cfg, source, view, runner))
    return view, code


def _log(cfg: Config, runner: Runner, result: PeerResult) -> int:
    """Log one consumer; warn or fail (by `fail-on`) on what needs a person."""
    metrics: Metrics | None = result.metrics
    with runner.group(f"{result.repository}: {result.status}"):
        for line in dashboard.facts(result):
            runner.log(line)
    if result.status == Status.FAILED:
        runner.error(f"{result.repository}: {result.message}", title="Status not read")
        return EXIT_OK
    code = EXIT_OK
    words: list[Status | Finding] = [result.status] if result.status else []
    if metrics and metrics.stale:
        words.append(Finding.STALE_PR)
    for word in words:
        condition = STATUS_CONDITION.get(word)
        if condition is None:
            continue
        failing = cfg.fail_on is not None and cfg.fails(condition)
        text = dashboard.finding(
            result,
            word,
            source=cfg.repository,
            peer_path=cfg.peer_path,
            max_pr_age=cfg.max_pr_age,
        )
        title = f"Consumer {word}"
        if failing:
            runner.error(text, title=title)
            code = EXIT_DRIFT
        else:
            runner.warning(text, title=title)
    return code


def _keep_dashboard(cfg: Config, source: Hosting, view: Overview, runner: Runner) -> int:
    """One issue, found by its marker among this account's, edited only when it changed."""
    if not cfg.repository:
        runner.warning("No repository to keep the dashboard in (GITHUB_REPOSITORY is not set)")
        return EXIT_OK
    marker = markers.dashboard(cfg.schema_path)
    try:
        existing = source.find_issue(cfg.repository, marker)
        if existing is not None:
            view.dashboard_url = existing.url
        body = dashboard.issue_body(view)
        if existing is None:
            view.dashboard_url = source.create_issue(cfg.repository, dashboard.TITLE, body).url
            runner.log(f"Dashboard created: {view.dashboard_url}")
        elif existing.body.strip() != body.strip():  # a closed one reopens with news only
            source.edit_issue(cfg.repository, existing.number, body, existing.state != "open")
            runner.log(f"Dashboard updated: {existing.url}")
        else:
            runner.log(f"Dashboard unchanged: {existing.url}")
    except RemoteError as exc:
        runner.error(
            f"Could not keep the dashboard issue: {exc.message}", title="Dashboard not updated"
        )
        return exc.exit_code
    return EXIT_OK
