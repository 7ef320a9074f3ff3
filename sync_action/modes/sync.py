"""Sync mode: one fixed branch and one open pull request per consumer.

Reads come first and decide everything; writes follow only when the consumer
really differs. A sync branch that already holds this content costs no write,
commits others pushed onto the branch are kept (ours goes on top), and a write
that lost a race is re-read and redone rather than forced.

Newer wins: a run never writes over a sync branch that holds a newer spec
version than its own (unless `force-sync`), nor edits or closes that branch's
pull request. Every file write names the blob it replaces, so the check and the
write cannot be split by another run: a stale blob is a 409, re-read and judged
again. Two runs racing from different source commits therefore leave the newer
version on the branch, whichever finishes last.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync_action.core import markers
from sync_action.core.errors import (
    EXIT_DRIFT,
    Conflict,
    RemoteError,
    SpecError,
    most_severe,
)
from sync_action.core.hosting import Hosting, PullRequest, RemoteFile, SourceHistory
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import Finding, Status
from sync_action.engine import report
from sync_action.engine.compare import PeerResult, compare
from sync_action.engine.versions import version_order
from sync_action.modes import origins, provenance, sync_labels
from sync_action.modes.context import context, fan_out, one_peer, text_docs, text_run
from sync_action.settings.config import Config
from sync_action.spec.model import Spec, load_bytes
from sync_action.texts import prbody, why

ATTEMPTS = 3


class _Superseded(Exception):
    """The sync branch holds a newer spec version than this run's: leave it as it is."""

    def __init__(self, version: str):
        super().__init__(version)
        self.version = version


@dataclass(frozen=True)
class Job:
    """What one consumer's sync needs besides the hosting."""

    cfg: Config
    host: Hosting
    local: Spec
    ctx: report.Context
    history: SourceHistory  # this repository's history of the file

    @property
    def title(self) -> str:
        fill = {
            "{path}": self.cfg.peer_path,
            "{source}": self.ctx.repository,
            "{version}": self.local.version or "unversioned",
            "{sha}": self.ctx.sha or "working-tree",
        }
        title = self.cfg.pr_title
        for key, value in fill.items():
            title = title.replace(key, value)
        return title

    @property
    def message(self) -> str:
        source = (
            f"{self.ctx.repository}@{self.ctx.sha[:7]}" if self.ctx.sha else self.ctx.repository
        )
        return f"chore(schema): sync {self.cfg.peer_path} from {source}"


def run(
    cfg: Config, host: Hosting, local: Spec, runner: Runner, history: SourceHistory
) -> tuple[list[PeerResult], int]:
    """Sync every consumer; one failing consumer never stops the others."""
    job = Job(cfg, host, local, context(cfg), history)
    results = fan_out(cfg.peer_repos, lambda peer: sync_peer(job, peer))
    for result in results:
        _log(runner, result)
    return results, most_severe([r.exit_code for r in results])


def sync_peer(job: Job, peer: str) -> PeerResult:
    cfg = job.cfg
    result = PeerResult(repository=peer, ref=cfg.base_branch or "", path=cfg.peer_path)
    result.own_repository, result.own_ref = job.ctx.repository, cfg.ref or cfg.sha
    with one_peer(result):
        try:
            _sync(job, result)
        except _Superseded as newer:
            result.status = Status.UNCHANGED
            result.message = (
                f"{peer}: the sync branch {cfg.sync_branch} holds spec version "
                f"{newer.version}, newer than this {job.local.version}; it was left as it is "
                "(force-sync overrides)"
            )
    return result


def _sync(job: Job, result: PeerResult) -> None:
    cfg, host, local = job.cfg, job.host, job.local
    peer = result.repository
    base_file = host.read_file(peer, cfg.peer_path, cfg.base_branch)
    result.ref = base_file.ref or result.ref
    compare(local, base_file, result, ignore=(), version_policy=cfg.version_policy)
    if result.drift and not result.missing and not cfg.peer_dirs:
        provenance.place_in_sync(cfg, job.history, result, api=False)
    pull = host.find_pull(peer, cfg.sync_branch)
    if pull is not None:
        result.pr_url, result.pr_number = pull.url, pull.number
        result.ref = result.ref or pull.base_ref
    if not result.drift:
        _base_has_content(job, result, pull)
        return
    if Finding.VERSION_NOT_BUMPED in result.findings:
        result.status, result.exit_code = Status.REFUSED, EXIT_DRIFT
        result.message = (
            f"{peer}:{cfg.peer_path} has different content under the same spec version "
            f"({local.version}); bump spec_version in {cfg.schema_path} before syncing"
        )
        return
    if Finding.VERSION_TOO_SMALL in result.findings:
        result.status, result.exit_code = Status.REFUSED, EXIT_DRIFT
        result.message = (
            f"{peer}:{cfg.peer_path} is not synced under version-policy semver: "
            f"{result.notes[Finding.VERSION_TOO_SMALL]}; set spec_version in {cfg.schema_path} "
            f"to {result.required_version} or later"
        )
        return
    if cfg.dry_run:
        result.status = Status.DRY_RUN
        return
    if pull is not None and not cfg.force_sync:
        _update(job, result, pull)
    else:
        _rebuild(job, result, pull, base_file.blob_sha)


def _base_has_content(job: Job, result: PeerResult, pull: PullRequest | None) -> None:
    """The consumer already has this file: close a sync PR left open from earlier."""
    result.status = Status.UNCHANGED
    if pull is not None and not job.cfg.dry_run:
        if not job.cfg.force_sync:  # a newer sync's pull request stays open
            _refuse_if_newer(job, _branch_file(job, result))
        job.host.close_pull(
            result.repository,
            pull.number,
            f"Closing: `{result.ref or 'the base branch'}` already has this content of "
            f"`{job.cfg.peer_path}` (SHA-256 `{job.local.sha256}`), so this sync is not needed.",
        )
        result.pr_url, result.pr_number = "", None


def _update(job: Job, result: PeerResult, pull: PullRequest) -> None:
    """The sync PR exists: put our commit on top of its branch, unless it holds this already."""
    cfg, host = job.cfg, job.host
    branch_file = _branch_file(job, result)
    if branch_file.blob_sha == job.local.blob_sha:
        _ensure_labels(job, result, pull)
        _ensure_people(job, result, pull, unchanged=True)
        result.status = Status.UNCHANGED
        return
    _refuse_if_newer(job, branch_file)
    commit = _commit(job, result, branch_file.blob_sha)
    note = _foreign_note(pull, cfg.sync_branch)
    labels = sync_labels.plan(job.cfg, result.breaking, pull)
    host.edit_pull(
        result.repository, pull.number, job.title, _body(job, result, commit, note, labels.owned)
    )
    _apply_labels(job, result, pull, labels)
    _ensure_people(job, result, pull)
    result.status = Status.UPDATED


def _rebuild(job: Job, result: PeerResult, pull: PullRequest | None, base_blob: str | None) -> None:
    """Start the branch from the current base (first run, or force-sync), then open the PR."""
    cfg, host, peer = job.cfg, job.host, result.repository
    base = result.ref or host.default_branch(peer)
    result.ref = base
    base_sha = host.branch_head(peer, base)
    if base_sha is None:
        raise RemoteError(f"{peer} has no branch '{base}' to open the sync pull request against")
    replaces = base_blob
    created = False
    try:
        host.create_branch(peer, cfg.sync_branch, base_sha)
        created = True
    except Conflict:
        replaces = _reuse_branch(job, result, base_sha, base_blob)
    try:
        commit = _commit(job, result, replaces) if replaces != job.local.blob_sha else ""
    except RemoteError:  # e.g. push protection refused the file: no empty branch is left
        if created:
            _remove_own_branch(job, result, base_sha)
        raise
    labels = sync_labels.plan(job.cfg, result.breaking, pull)
    body = _body(job, result, commit, "", labels.owned)
    if pull is not None:
        host.edit_pull(peer, pull.number, job.title, body)
        _apply_labels(job, result, pull, labels)
        _ensure_people(job, result, pull)
        result.status = Status.UPDATED
        return
    try:
        pull = host.open_pull(peer, cfg.sync_branch, base, job.title, body)
        result.status = Status.CREATED
    except Conflict:  # another run opened it meanwhile: it may also have moved the branch
        pull = host.find_pull(peer, cfg.sync_branch)
        if pull is None:
            raise
        result.pr_url, result.pr_number = pull.url, pull.number
        _refuse_if_newer(job, _branch_file(job, result))
        labels = sync_labels.plan(job.cfg, result.breaking, pull)
        host.edit_pull(peer, pull.number, job.title, _body(job, result, commit, "", labels.owned))
        result.status = Status.UPDATED
    except RemoteError:
        if created:
            _remove_own_branch(job, result, commit or base_sha)
        raise
    result.pr_url, result.pr_number = pull.url, pull.number
    _apply_labels(job, result, pull, labels)
    _ensure_people(job, result, pull)


def _reuse_branch(job: Job, result: PeerResult, base_sha: str, base_blob: str | None) -> str | None:
    """The branch exists (force-sync, or a run that died before opening the PR)."""
    if job.cfg.force_sync:
        job.host.reset_branch(result.repository, job.cfg.sync_branch, base_sha)
        return base_blob
    current = _branch_file(job, result)
    _refuse_if_newer(job, current)
    return current.blob_sha


def _remove_own_branch(job: Job, result: PeerResult, head: str) -> None:
    """Leave nothing half-written: delete the branch this run created, but only while
    it still ends in this run's commit; a branch another run moved on is theirs."""
    try:
        if job.host.branch_head(result.repository, job.cfg.sync_branch) == head:
            job.host.delete_branch(result.repository, job.cfg.sync_branch)
    except RemoteError:
        pass  # the error that brought us here is the one to report


def _branch_file(job: Job, result: PeerResult) -> RemoteFile:
    return job.host.read_file(result.repository, job.cfg.peer_path, job.cfg.sync_branch)


def _refuse_if_newer(job: Job, found: RemoteFile) -> None:
    """Raise `_Superseded` when `found` holds a newer spec version than this run's."""
    if job.cfg.force_sync or found.content is None or found.blob_sha == job.local.blob_sha:
        return
    mine = version_order(job.local.version)
    if mine is None:
        return
    try:
        theirs = load_bytes(found.content, f"{found.repository}:{found.path}")
    except SpecError:
        return
    order = version_order(theirs.version)
    if order is not None and order > mine and theirs.version is not None:
        raise _Superseded(theirs.version)


def _commit(job: Job, result: PeerResult, replaces: str | None) -> str:
    """Commit the file; a stale blob (someone wrote meanwhile) is re-read and retried."""
    cfg, host = job.cfg, job.host
    for _ in range(ATTEMPTS - 1):
        try:
            return host.commit_file(
                result.repository,
                cfg.sync_branch,
                cfg.peer_path,
                job.local.raw,
                job.message,
                replaces,
            )
        except Conflict:
            current = _branch_file(job, result)
            if current.blob_sha == job.local.blob_sha:
                return host.branch_head(result.repository, cfg.sync_branch) or ""
            _refuse_if_newer(job, current)
            replaces = current.blob_sha
    return host.commit_file(
        result.repository, cfg.sync_branch, cfg.peer_path, job.local.raw, job.message, replaces
    )


def _foreign_note(pull: PullRequest, branch: str) -> str:
    """Say so when the branch head is not the commit this action made last."""
    match = markers.PULL_MARK.search(pull.body or "")
    if match and match["commit"] and match["commit"] != pull.head_sha:
        return (
            f"> [!NOTE]\n> Someone pushed commits to `{branch}`; they were kept and this "
            "sync's commit was added on top. Use `force-sync` to rebuild the branch."
        )
    return ""


def _body(job: Job, result: PeerResult, commit: str, note: str, owned: tuple[str, ...]) -> str:
    """The body, with a marker naming this run's commit and the labels this action owns."""
    mark = markers.pull(commit, owned, source=job.ctx.sha)
    if result.drift and not result.missing and not job.cfg.peer_dirs:
        provenance.place_in_sync(job.cfg, job.history, result, api=True)
    undo, undo_note = provenance.own_edits(job.cfg, job.history, result)
    docs = text_docs(job.local, [result]).get(result.repository, [])
    found = origins.find(job.history, result)
    pulls = [(o.pull, o.notes) for o in found.pulls]
    return prbody.pr_body(
        report.peer_entry(result),
        job.local.metadata(),
        text_run(job.cfg),
        docs,
        undo=[c.to_json() for c in undo] if undo is not None else None,
        undo_note=undo_note,
        marker=mark,
        note=note,
        why=why.section(pulls, found.commits, found.failure),
    )


def _apply_labels(
    job: Job, result: PeerResult, pull: PullRequest, plan: sync_labels.LabelPlan
) -> None:
    if plan.add:
        job.host.add_labels(result.repository, pull.number, plan.add)
    for label in plan.remove:
        job.host.remove_label(result.repository, pull.number, label)


def _ensure_labels(job: Job, result: PeerResult, pull: PullRequest) -> None:
    """Labels when the content stands: only what is missing is added."""
    plan = sync_labels.plan(job.cfg, result.breaking, pull)
    if plan.add:
        job.host.add_labels(result.repository, pull.number, plan.add)


def _ensure_people(
    job: Job, result: PeerResult, pull: PullRequest, *, unchanged: bool = False
) -> None:
    """Reviewers, teams and assignees that are not there yet; a refusal is a warning. On an
    `unchanged` run a reviewer who has already reviewed is not asked again (GitHub drops a
    reviewer from the requested ones on review): nothing new to review."""
    cfg, host = job.cfg, job.host

    def missing(wanted: tuple[str, ...], have: tuple[str, ...]) -> list[str]:
        there = {x.lower() for x in have}
        return [x for x in wanted if x.lower() not in there]

    users = missing(cfg.reviewers, pull.reviewers)
    if unchanged and users:
        users = missing(tuple(users), _reviewed(job, result, pull))
    if pull.author and pull.author.lower() in (u.lower() for u in users):
        users = [u for u in users if u.lower() != pull.author.lower()]
        result.warnings.append(
            f"{result.repository}#{pull.number}: {pull.author} opened the pull request "
            "and so cannot review it; GitHub does not let authors review their own"
        )
    teams = missing(cfg.team_reviewers, pull.teams)
    assignees = missing(cfg.assignees, pull.assignees)
    refused = (
        host.request_reviewers(result.repository, pull.number, users, teams)
        if (users or teams)
        else []
    )
    if assignees:
        refused += host.add_assignees(result.repository, pull.number, assignees)
    for item in refused:
        result.warnings.append(
            f"{result.repository}#{pull.number}: could not ask {item.name}: {item.message}"
        )


def _reviewed(job: Job, result: PeerResult, pull: PullRequest) -> tuple[str, ...]:
    """Who has submitted a review (asked only when a wanted reviewer is not requested)."""
    if job.cfg.peer_dirs:
        return ()  # checkouts have no reviews
    try:
        state = job.host.pull_state(result.repository, pull.number)
    except RemoteError:
        return ()  # not known: asking again is the lesser harm
    return tuple(reviewer for reviewer, _ in state.reviews)


def _log(runner: Runner, result: PeerResult) -> None:
    with runner.group(f"{result.repository} → {result.status}"):
        runner.log(f"base: {result.ref}; {len(result.changes)} change(s)")
        if result.pr_url:
            runner.log(f"pull request: {result.pr_url}")
    for text in result.warnings:
        runner.warning(text, title="Reviewer or assignee refused")
    if result.status == Status.FAILED:
        runner.error(f"{result.repository}: {result.message}", title="Sync failed")
    elif result.status == Status.UNCHANGED and result.message:
        runner.warning(result.message, title="Newer version on the sync branch")
    elif result.status == Status.REFUSED:
        too_small = Finding.VERSION_TOO_SMALL in result.findings
        title = "Spec version too small" if too_small else "Spec version not bumped"
        runner.error(result.message, title=title)
    elif result.status == Status.DRY_RUN:
        runner.notice(
            f"{result.repository}: dry run, would sync {len(result.changes)} change(s)",
            title="Dry run",
        )
