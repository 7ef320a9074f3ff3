"""A pull request's own change to the schema file: from its base commit to its head.

On `pull_request` events the file at `pull_request.base.sha` is read through the
source's history (the checkout when it has that commit, else one API request). The
change is reported on its own, the version policy applies to it, and in the
source a consumer still equal to the base is only `pending`: this pull request's
change reaches it by a sync after the merge.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sync_action.core.errors import RemoteError, SpecError
from sync_action.core.hosting import Hosting, RemoteFile, SourceHistory
from sync_action.core.vocabulary import Finding, Role
from sync_action.engine import versions
from sync_action.engine.diff import Change, diff_documents, split_ignored
from sync_action.settings.config import Config
from sync_action.spec.model import Spec, load_bytes


@dataclass
class PullChange:
    """What the pull request does to the file, and what was found about it."""

    number: int | None
    base_sha: str
    head_sha: str | None
    base: RemoteFile
    base_spec: Spec | None = None
    changes: list[Change] = field(default_factory=list)
    ignored: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    notes: dict[str, str] = field(default_factory=dict)
    required_version: str | None = None
    read_from: str = "checkout"  # or "api"
    message: str = ""
    syncs_from: str | None = None  # in a consumer: the source whose file the head carries

    def touches(self, local: Spec) -> bool:
        """The pull request changes the file's bytes (or adds it)."""
        return self.base.content != local.raw

    def equals_base(self, remote: RemoteFile | None) -> bool:
        """A peer's copy is byte-identical to the file at the base commit."""
        if remote is None or remote.content is None or self.base.content is None:
            return False
        if remote.blob_sha and self.base.blob_sha:
            return remote.blob_sha == self.base.blob_sha
        return remote.content == self.base.content

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.changes)

    def to_json(self) -> dict[str, Any]:
        """The report's `pull_request`."""
        spec = self.base_spec
        return {
            "number": self.number,
            "base_sha": self.base_sha,
            "head_sha": self.head_sha,
            "base_version": spec.version if spec else None,
            "base_missing": self.base.content is None,
            "changes": [c.to_json() for c in self.changes],
            "ignored": [c.to_json() for c in self.ignored],
            "breaking": self.breaking,
            "findings": list(self.findings),
            "required_version": self.required_version,
            "syncs_from": self.syncs_from,
        }


def own_change(
    cfg: Config, history: SourceHistory, local: Spec, host: Hosting | None = None
) -> PullChange | None:
    """The pull request's change and its findings; None when there is no pull request.

    In a consumer, `host` reaches the source (the peer) to tell a sync from an edit.

    A base that cannot be read (the remote failed) is said in `message`, and the
    check goes on as on a push."""
    if cfg.base_sha is None:
        return None
    try:
        read = history.file_at(cfg.base_sha)
    except RemoteError as exc:
        base = RemoteFile(cfg.repository, cfg.schema_path, cfg.base_sha, None, None)
        change = PullChange(cfg.pr_number, cfg.base_sha, cfg.head_sha, base, read_from="none")
        change.message = f"Could not read {cfg.schema_path} at the base commit: {exc.message}"
        return change
    if read is None:
        return None
    base, where = read
    change = PullChange(cfg.pr_number, cfg.base_sha, cfg.head_sha, base, read_from=where)
    if cfg.role == Role.CONSUMER and change.touches(local):
        _sync_or_edit(cfg, host, local, change)
    if base.content is None or not change.touches(local):
        return change
    try:
        change.base_spec = load_bytes(base.content, f"{cfg.schema_path} at {cfg.base_sha[:7]}")
    except SpecError as exc:
        change.message = f"The file at the base commit could not be read as a spec: {exc.message}"
        return change
    changes = diff_documents(change.base_spec.data, local.data)
    change.changes, change.ignored = split_ignored(changes, cfg.ignore)
    # The contract holds every pull request's own change to the policy, a sync's too: it
    # carries the source's versions, so it passes whenever the source's own check did.
    if change.changes or not change.ignored:
        versions.apply(change, change.base_spec, local, change.changes, cfg.version_policy)
    return change


def source_of(cfg: Config, local: Spec) -> str | None:
    """In a consumer, the peer that is the source: the one its spec's `owner_repo` names,
    else the only peer."""
    owner = (local.owner_repo or "").strip().lower()
    for peer in cfg.peer_repos:
        if owner and owner in (peer.lower(), peer.lower().rpartition("/")[2]):
            return peer
    return cfg.peer_repos[0] if len(cfg.peer_repos) == 1 else None


def _sync_or_edit(cfg: Config, host: Hosting | None, local: Spec, change: PullChange) -> None:
    """A head whose file the source holds now or ever held (one request: does the source
    have this blob?) is a sync; any other head edits the synced copy."""
    source = source_of(cfg, local)
    asked = ""
    if host is not None and source is not None:
        try:
            if host.has_blob(source, local.blob_sha):
                change.syncs_from = source
                return
        except RemoteError as exc:
            asked = f" ({source} could not be asked whether it holds this file: {exc.message})"
    named = source or local.owner_repo or "the source"
    change.findings.append(Finding.EDITS_SYNCED_COPY)
    change.notes[Finding.EDITS_SYNCED_COPY] = (
        f"this pull request edits {cfg.schema_path}, a synced copy of {named}'s file: "
        f"make the change in {named} instead{asked}"
    )
