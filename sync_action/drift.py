"""Drift mode: compare this repository's file with each peer's, and say so on the PR."""

from __future__ import annotations

from sync_action import provenance, report, texts
from sync_action.compare import PeerResult, compare
from sync_action.config import Config
from sync_action.errors import EXIT_DRIFT, EXIT_OK, Forbidden, RemoteError, most_severe
from sync_action.hosting import Hosting
from sync_action.modes_common import context, fan_out, text_docs, text_run
from sync_action.runner import Runner
from sync_action.spec import Spec
from sync_action.vocabulary import Status


def check_peer(cfg: Config, host: Hosting, local: Spec, peer: str) -> PeerResult:
    """One peer's verdict; a remote failure is recorded, not raised, so others go on."""
    result = PeerResult(repository=peer, ref=cfg.peer_ref or "", path=cfg.peer_path)
    try:
        if not result.ref:
            result.ref = host.default_branch(peer)
        remote = host.read_file(peer, cfg.peer_path, result.ref)
        compare(
            local, remote, result, ignore=cfg.ignore, require_version_bump=cfg.require_version_bump
        )
        result.status = (
            Status.MISSING if result.missing else Status.DRIFT if result.drift else Status.IN_SYNC
        )
        if result.drift:
            provenance.place(cfg, host, local, result)
            _find_pending_sync(cfg, host, local, result)
    except RemoteError as exc:
        result.status, result.message, result.exit_code = Status.FAILED, exc.message, exc.exit_code
    return result


def _find_pending_sync(cfg: Config, host: Hosting, local: Spec, result: PeerResult) -> None:
    """Name the open sync PR that will fix this drift, in whichever side is the consumer."""
    consumer = result.repository
    if not provenance.is_source(cfg, local, result.repository) and cfg.repository:
        consumer = cfg.repository
    pull = host.find_pull(consumer, cfg.sync_branch)
    if pull is not None and pull.url:
        result.pr_url, result.pr_number = pull.url, pull.number
        result.findings.append(f"fix pending in {consumer}#{pull.number}")


def run(
    cfg: Config, host: Hosting, local: Spec, runner: Runner, comment_host: Hosting | None = None
) -> tuple[list[PeerResult], int]:
    """Check every peer, then keep the PR comment (written through `comment_host`, the
    `comment-token`'s, when given); return results and the exit code."""
    results = fan_out(cfg.peer_repos, lambda peer: check_peer(cfg, host, local, peer))
    for result in results:
        _log(runner, result, cfg)
    ctx = context(cfg)
    if should_comment(cfg):
        comment_code = upsert_comment(cfg, comment_host or host, local, results, ctx, runner)
    else:
        comment_code = EXIT_OK
    codes = [comment_code, *(r.exit_code for r in results)]
    if any(r.drift for r in results) and cfg.fail_on_drift:
        codes.append(EXIT_DRIFT)
    return results, most_severe(codes)


def _log(runner: Runner, result: PeerResult, cfg: Config) -> None:
    with runner.group(f"{result.repository} @ {result.ref or 'default branch'}"):
        runner.log(
            f"status: {result.status}; {len(result.changes)} change(s), "
            f"{sum(c.breaking for c in result.changes)} breaking"
        )
        for change in result.changes[:50]:
            mark = "BREAKING " if change.breaking else ""
            runner.log(f"  {mark}{change.kind} {change.path}")
    if result.status == Status.FAILED:
        runner.error(f"{result.repository}: {result.message}", title="Drift check failed")
    elif result.drift:
        how = "differs from" if not result.missing else "has no file at"
        text = f"{cfg.schema_path} {how} {result.repository}:{cfg.peer_path}"
        if result.findings:
            text += f" ({', '.join(result.findings)})"
        if cfg.fail_on_drift:
            runner.error(text, title="Schema drift", file=cfg.schema_path)
        else:
            runner.warning(text, title="Schema drift", file=cfg.schema_path)


def should_comment(cfg: Config) -> bool:
    return (
        cfg.comment
        and not cfg.dry_run
        and cfg.uses_api
        and cfg.pr_number is not None
        and bool(cfg.repository)
    )


def marker(cfg: Config) -> str:
    return f"<!-- schema-sync:drift:{cfg.schema_path} -->"


def upsert_comment(
    cfg: Config,
    host: Hosting,
    local: Spec,
    results: list[PeerResult],
    ctx: report.Context,
    runner: Runner,
) -> int:
    """One sticky comment: created on drift, edited on re-runs, flipped to 'in sync'.

    A token that may not comment (a fork's) only warns; any other failure is exit 3."""
    assert cfg.pr_number is not None
    tag = marker(cfg)
    data = report.build(local, results, ctx)
    body = texts.comment(tag, data, text_run(cfg), text_docs(local, results))
    try:
        existing = host.find_comment(cfg.repository, cfg.pr_number, tag)
        drift = any(r.drift for r in results)
        if existing is None:
            if drift:
                host.create_comment(cfg.repository, cfg.pr_number, body)
        elif _without_footer(existing.body) != _without_footer(body):
            host.edit_comment(cfg.repository, existing.id, body)
    except Forbidden as exc:
        runner.warning(
            f"Could not comment on pull request #{cfg.pr_number} ({exc.message}); "
            "the report is in the step summary instead. A pull request from a fork gets a "
            "read-only token.",
            title="No permission to comment",
        )
    except RemoteError as exc:
        runner.error(
            f"Could not update the pull request comment: {exc.message}", title="Comment not updated"
        )
        return exc.exit_code
    return EXIT_OK


def _without_footer(body: str) -> str:
    return body.rsplit("<sub>schema-sync", 1)[0]
