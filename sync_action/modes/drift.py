"""Drift mode: compare this repository's file with each peer's, and say so on the PR.

On a pull request in the source, a consumer still equal to the pull request's
base is `pending` rather than drift: only this pull request's own change
separates them, and a sync delivers it after the merge.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync_action.core import markers
from sync_action.core.errors import EXIT_OK, most_severe
from sync_action.core.hosting import Hosting, SourceHistory
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import Finding, Role, Status
from sync_action.engine import report
from sync_action.engine.compare import PeerResult, compare
from sync_action.engine.pull_change import PullChange
from sync_action.modes import gate, impact, provenance, sticky_comment
from sync_action.modes.context import context, fan_out, one_peer, text_docs, text_run
from sync_action.settings.config import Config
from sync_action.spec.model import Spec
from sync_action.texts import document, sentences

POLICY_FINDINGS = (
    Finding.VERSION_NOT_BUMPED,
    Finding.VERSION_TOO_SMALL,
    Finding.UPDATED_AT_UNCHANGED,
)


def check_peer(
    cfg: Config,
    host: Hosting,
    history: SourceHistory,
    local: Spec,
    peer: str,
    change: PullChange | None = None,
) -> PeerResult:
    """One peer's verdict; a remote failure is recorded, not raised, so others go on."""
    result = PeerResult(repository=peer, ref=cfg.peer_ref or "", path=cfg.peer_path)
    result.consumer_side = cfg.role == Role.CONSUMER
    result.own_repository, result.own_ref = cfg.repository or "local", cfg.ref or cfg.sha
    with one_peer(result):
        if not result.ref:
            result.ref = host.default_branch(peer)
        remote = host.read_file(peer, cfg.peer_path, result.ref)
        compare(local, remote, result, ignore=cfg.ignore, version_policy=cfg.version_policy)
        result.status = verdict(cfg, result, change)
        if result.status == Status.PENDING:
            _only_pending(result)
        elif result.drift:
            provenance.place(cfg, host, history, local, result)
            _find_pending_sync(cfg, host, result)
    return result


def verdict(cfg: Config, result: PeerResult, change: PullChange | None) -> Status:
    """`missing`, `pending` (in the source: equal to this pull request's base), `drift`
    or `in-sync`."""
    if result.missing:
        return Status.MISSING
    if not result.drift:
        return Status.IN_SYNC
    if cfg.role == Role.SOURCE and change is not None and change.equals_base(result.remote):
        return Status.PENDING
    return Status.DRIFT


def _only_pending(result: PeerResult) -> None:
    """A pending consumer is not drift; its version findings are the pull request's own."""
    result.drift = False
    result.findings = [f for f in result.findings if f not in POLICY_FINDINGS]
    result.notes = {k: v for k, v in result.notes.items() if k not in POLICY_FINDINGS}
    result.required_version = None


def _find_pending_sync(cfg: Config, host: Hosting, result: PeerResult) -> None:
    """Name the open sync PR that will fix this drift, in whichever side is the consumer."""
    consumer = result.repository
    if result.consumer_side and cfg.repository:
        consumer = cfg.repository
    pull = host.find_pull(consumer, cfg.sync_branch)
    if pull is not None and pull.url:
        result.pr_url, result.pr_number = pull.url, pull.number
        result.pending_pr = {"repository": consumer, "number": pull.number, "url": pull.url}


def run(
    cfg: Config,
    host: Hosting,
    history: SourceHistory,
    local: Spec,
    runner: Runner,
    change: PullChange | None = None,
    comment_host: Hosting | None = None,
) -> tuple[list[PeerResult], int]:
    """Check every peer, then keep the PR comment (written through `comment_host`, the
    `comment-token`'s, when given); return results and the exit code."""
    results = fan_out(
        cfg.peer_repos, lambda peer: check_peer(cfg, host, history, local, peer, change)
    )
    if change is not None and change.message:
        runner.warning(change.message, title="Pull request's base not read")
    for result in results:
        _log(runner, result, change, local)
    impact.scan(cfg, local, results, change, runner)
    alarms = gate.alarms(cfg, results, change, local)
    gate_code = gate.report(cfg, alarms, runner)
    ctx = context(cfg)
    if sticky_comment.wanted(cfg):
        checks = gate.to_json(cfg, alarms)
        comment_code = upsert_comment(
            cfg, comment_host or host, local, results, ctx, runner, change, checks
        )
    else:
        comment_code = EXIT_OK
    return results, most_severe([comment_code, gate_code, *(r.exit_code for r in results)])


def _log(
    runner: Runner, result: PeerResult, change: PullChange | None, local: Spec | None = None
) -> None:
    """One peer in the log, its changes in the comment's sentences."""
    old, new = result.sides
    docs = text_docs(local, [result]).get(result.repository, []) if local is not None else []
    with runner.group(f"{result.repository} @ {result.ref or 'default branch'}"):
        runner.log(
            f"status: {result.status}; {len(result.changes)} change(s), "
            f"{sum(c.breaking for c in result.changes)} breaking "
            f"(from {old['repository']} to {new['repository']})"
        )
        for item in sorted(result.changes, key=lambda c: not c.breaking)[:50]:
            runner.log(f"  {sentences.plain(item.to_json(), docs)}")
    if result.status == Status.FAILED:
        runner.error(f"{result.repository}: {result.message}", title="Drift check failed")
    elif result.status == Status.PENDING and change is not None:
        number = f"#{change.number}" if change.number else "this pull request"
        runner.notice(
            f"{result.repository} is pending: its copy equals the base of pull request "
            f"{number}; after merge, a sync pull request opens in {result.repository}",
            title="Pending sync",
        )


def marker(cfg: Config) -> str:
    return markers.drift(cfg.schema_path)


def upsert_comment(
    cfg: Config,
    host: Hosting,
    local: Spec,
    results: list[PeerResult],
    ctx: report.Context,
    runner: Runner,
    change: PullChange | None = None,
    checks: Sequence[dict[str, object]] = (),
) -> int:
    """The sticky comment, worth creating on drift, a pending consumer, or when this pull
    request changes the file; edited on re-runs, flipped to 'in sync'."""
    tag = marker(cfg)
    data = report.build(local, results, ctx, change, checks)
    body = document.comment(tag, data, text_run(cfg), text_docs(local, results))
    worth_saying = any(r.drift or r.status == Status.PENDING for r in results) or (
        change is not None and change.touches(local)
    )
    return sticky_comment.upsert(cfg, host, runner, tag, body, worth_saying=worth_saying)
