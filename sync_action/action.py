"""One configured run: load and check the spec, run the mode, report everything."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace
from typing import TYPE_CHECKING, cast

from sync_action.backends.git import head_commit, repo_name
from sync_action.backends.source_history import CheckoutOrApi
from sync_action.core import workspace_files
from sync_action.core.errors import UsageError, most_severe
from sync_action.core.hosting import Hosting, ReadOnly, SourceHistory
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import Mode, Status
from sync_action.engine import pull_change, report
from sync_action.engine.airtable_compare import BaseSchema
from sync_action.engine.compare import PeerResult
from sync_action.engine.overview import Overview
from sync_action.modes import drift, expiry, gate, roles, status, sync
from sync_action.modes.context import context, text_docs, text_run
from sync_action.settings.config import Config
from sync_action.spec import model, validation
from sync_action.texts import dashboard, document

if TYPE_CHECKING:  # the GitHub backend is imported only when it is used
    from sync_action.backends.github.retry import Settings


def make_host(cfg: Config, runner: Runner | None = None) -> Hosting:
    """Local checkouts when `--peer-dir` is given, else the GitHub API (imported lazily):
    as the GitHub App when `app-id` is set (it takes precedence over `token`), else with
    the token. Its waits for GitHub's rate limits are logged through `runner`."""
    if cfg.peer_dirs:
        from sync_action.backends.local import LocalHosting

        host: Hosting = LocalHosting.from_dirs(cfg.peer_dirs, cfg.peer_repos)
    else:
        from sync_action.backends.github.hosting import GitHubHosting

        settings = _github_settings(cfg, runner)
        if cfg.app_id and cfg.app_private_key:
            host = GitHubHosting.for_app(cfg.api_url, cfg.app_id, cfg.app_private_key, **settings)
        else:
            host = GitHubHosting(cfg.api_url, cfg.token, **settings)
    return cast(Hosting, ReadOnly(host)) if cfg.dry_run else host


def _github_settings(cfg: Config, runner: Runner | None) -> Settings:
    return {
        "write_limits": cfg.write_limits,
        "wait_scale": cfg.wait_scale,
        "say": runner.log if runner is not None else None,
    }


def execute(cfg: Config, runner: Runner, host: Hosting | None = None) -> int:
    """Validate first (an invalid spec is never compared or synced), then run the mode."""
    local = model.load_file(cfg.schema_file, cfg.schema_path)
    validation.validate(local, cfg.spec_schema)
    if cfg.mode == Mode.AIRTABLE:
        return _airtable(replace(cfg, role=roles.resolve(cfg, local)), runner, local, host)
    host = host or make_host(cfg, runner)
    if cfg.peer_dirs:
        cfg = _local_context(cfg, host, local)
    cfg = replace(cfg, role=roles.resolve(cfg, local))
    ctx = context(cfg)
    view: Overview | None = None
    change: pull_change.PullChange | None = None
    checks: list[dict[str, object]] = []
    own = source_host(cfg, host, runner)
    history = source_history(cfg, own)
    if cfg.mode == Mode.STATUS:
        view, code = status.run(cfg, host, local, runner, own, history)
        results = view.results
    elif cfg.mode == Mode.SYNC:
        results, code = sync.run(cfg, host, local, runner, history)
    else:
        change = pull_change.own_change(cfg, history, local, host)
        results, code = drift.run(cfg, host, history, local, runner, change, own)
        checks = gate.to_json(cfg, gate.alarms(cfg, results, change, local))
    for text in dict.fromkeys([*host.notices(), *(own.notices() if own is not host else [])]):
        runner.warning(text, title="Repository renamed or transferred")
    expires_at, expiry_code = expiry.warn_if_expiring(cfg, host, runner)
    data = report.build(local, results, ctx, change, checks)
    if view is not None:
        data["status"] = view.to_json()
    write_report(cfg, data)
    runner.set_outputs({**outputs(cfg, local, results, change), "token-expires-at": expires_at})
    if view is not None:
        runner.add_summary(dashboard.report_markdown(view))
    else:
        runner.add_summary(document.summary(data, text_run(cfg), text_docs(local, results)))
    return most_severe([code, expiry_code])


def source_host(cfg: Config, host: Hosting, runner: Runner | None = None) -> Hosting:
    """This repository's hosting: with `comment-token` when it is another token."""
    if cfg.peer_dirs or not cfg.comment_token or cfg.comment_token == cfg.token:
        return host
    from sync_action.backends.github.hosting import GitHubHosting

    own = GitHubHosting(cfg.api_url, cfg.comment_token, **_github_settings(cfg, runner))
    return cast(Hosting, ReadOnly(own)) if cfg.dry_run else own


def source_history(cfg: Config, own: Hosting) -> SourceHistory:
    """This repository's history of the file: the checkout's, else the API's (not with
    `--peer-dir`, where everything is local)."""
    api = None if cfg.peer_dirs else own
    return CheckoutOrApi(cfg.workspace, cfg.schema_path, cfg.repository, cfg.sha or None, api)


def fetch_base(cfg: Config) -> BaseSchema:
    """The base's schema through the Metadata API (pyairtable, imported only here)."""
    from sync_action.backends.airtable_api import Retrying, fetch_schema

    lockout, backoff = cfg.airtable_waits
    retrying = Retrying(lockout=lockout, backoff=backoff)
    return fetch_schema(cfg.airtable_api_url, cfg.airtable_base_id, cfg.airtable_token, retrying)


def _airtable(cfg: Config, runner: Runner, local: model.Spec, host: Hosting | None) -> int:
    """The spec against the live base; GitHub is reached only for a pull request comment."""
    from sync_action.modes import airtable
    from sync_action.texts import airtable_comment

    def comment_host() -> Hosting:
        """The pull request comment is written with `comment-token` (else `token`)."""
        return source_host(cfg, host or make_host(cfg, runner), runner)

    results, code = airtable.run(cfg, local, runner, comment_host, fetch_base)
    data = airtable.report_data(cfg, local, results[0])
    write_report(cfg, data)
    runner.set_outputs(outputs(cfg, local, results))
    runner.add_summary(airtable_comment.summary(data, text_run(cfg), text_docs(local, results)))
    return code


def _local_context(cfg: Config, host: Hosting, local: model.Spec) -> Config:
    """Off the runner, name the peers, this repository and its commit from git: a checkout
    with no GitHub remote is named by its spec's `owner_repo` when that names no peer (it
    is the source), else `local/<directory>`."""
    changes: dict[str, object] = {}
    peers = cfg.peer_repos or tuple(getattr(host, "checkouts", {}))
    if not cfg.peer_repos:
        changes["peer_repos"] = peers
    if not cfg.repository:
        name = repo_name(cfg.workspace)
        owner = (local.owner_repo or "").strip()
        source = not any(roles.names(owner, peer) for peer in peers)
        if name.startswith("local/") and "/" in owner and source:
            name = owner
        changes["repository"] = name
    if not cfg.sha:
        changes["sha"] = head_commit(cfg.workspace)
    return replace(cfg, **changes)  # type: ignore[arg-type]


def write_report(cfg: Config, data: dict[str, object]) -> None:
    target = cfg.report_file
    try:
        workspace_files.write_text(cfg.workspace, target, report.to_json(data))
    except OSError as exc:
        raise UsageError(
            f"Input 'report-path': cannot write {cfg.report_path} ({exc.strerror})"
        ) from None


def outputs(
    cfg: Config,
    local: model.Spec,
    results: Sequence[PeerResult],
    change: pull_change.PullChange | None = None,
) -> dict[str, str]:
    """The contract's outputs; drift adds `pending`, sync its status and pull request URLs."""
    first = results[0] if results else None
    values = {
        "drift": _bool(any(r.drift for r in results)),
        "breaking": _bool(any(r.breaking for r in results) or bool(change and change.breaking)),
        "changes": str(sum(len(r.changes) for r in results)),
        "report-path": cfg.report_path,
        "local-sha256": local.sha256,
        "peer-sha256": (first.metadata()["hash"] or "") if first else "",
        "results": json.dumps([_result(r) for r in results]),
    }
    if cfg.mode == Mode.DRIFT:
        values["pending"] = _bool(any(r.status == Status.PENDING for r in results))
    if cfg.mode == Mode.SYNC:
        if len(results) == 1:
            values["sync-status"] = results[0].status or ""
        else:
            values["sync-status"] = "\n".join(f"{r.repository}={r.status or ''}" for r in results)
        values["pr-urls"] = "\n".join(r.pr_url for r in results if r.pr_url)
    return values


def _result(r: PeerResult) -> dict[str, object]:
    entry: dict[str, object] = {
        "repository": r.repository,
        "drift": r.drift,
        "status": r.status or "",
        "pr_url": r.pr_url,
        "changes": len(r.changes),
        "breaking": r.breaking,
        "findings": list(r.findings),
    }
    if r.metrics is not None:
        entry.update(r.metrics.result_fields())
    return entry


def _bool(value: bool) -> str:
    return "true" if value else "false"
