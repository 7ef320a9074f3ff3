"""Compare this repository's spec with one peer's copy: bytes, metadata, meaning.

Equal git blob SHAs settle it without parsing; only a real difference pays
for loading and diffing the peer's file. Changes always read from the
consumer's copy to the source's, whichever side this repository is.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sync_action.core.errors import SpecError
from sync_action.core.hosting import RemoteFile
from sync_action.core.vocabulary import Finding, Status, VersionPolicy
from sync_action.engine import versions
from sync_action.engine.diff import Change, diff_documents, split_ignored
from sync_action.spec.model import Spec, load_bytes

if TYPE_CHECKING:
    from sync_action.engine.status_model import Metrics


@dataclass(frozen=True)
class Provenance:
    """The verdict on one consumer copy: behind the source, or edited locally (`provenance`)."""

    state: Finding  # behind-source or edited-locally
    source: str
    version: str | None
    commit: str | None

    def to_json(self) -> dict[str, Any]:
        return {
            "state": self.state,
            "source": self.source,
            "version": self.version,
            "commit": self.commit,
        }

    def sentence(self) -> str:
        if self.state == Finding.EDITED_LOCALLY:
            return (
                f"The consumer's copy matches no version of {self.source}'s file: it was "
                "edited locally, and someone must reconcile it before a sync replaces it."
            )
        at = f" from commit {self.commit[:7]}" if self.commit else ""
        return (
            f"The consumer's copy is an earlier version of {self.source}'s file "
            f"(version {self.version}{at}): it is behind, and a sync will fix it."
        )


@dataclass
class PeerResult:
    """Everything known about one peer after a drift check or a sync."""

    repository: str
    ref: str
    path: str
    remote: RemoteFile | None = None
    peer_spec: Spec | None = None
    drift: bool = False
    changes: list[Change] = field(default_factory=list)
    ignored: list[Change] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    status: Status | None = None  # None until the mode decides
    pr_url: str = ""
    pr_number: int | None = None
    message: str = ""
    warnings: list[str] = field(default_factory=list)  # said once as ::warning, not a verdict
    exit_code: int = 0
    provenance: Provenance | None = None
    consumer_side: bool = False  # True when the peer is the source (this repo consumes)
    own_repository: str = ""  # this repository, for `from`/`to`
    own_ref: str = ""
    pending_pr: dict[str, Any] | None = None  # the open sync PR that will fix it
    required_version: str | None = None  # under semver: the lowest version that would do
    notes: dict[str, str] = field(default_factory=dict)  # finding -> sentence for people
    metrics: Metrics | None = None  # status mode
    suggested_ids: dict[str, str] | None = None  # airtable mode: ids for spec entries lacking one

    @property
    def missing(self) -> bool:
        return self.remote is not None and self.remote.missing

    @property
    def breaking(self) -> bool:
        return any(c.breaking for c in self.changes)

    @property
    def sides(self) -> tuple[dict[str, str], dict[str, str]]:
        """(`from`, `to`): the consumer's side and the source's, as the report names them."""
        peer = {"repository": self.repository, "ref": self.ref}
        own = {"repository": self.own_repository, "ref": self.own_ref}
        return (own, peer) if self.consumer_side else (peer, own)

    def metadata(self) -> dict[str, Any]:
        """The report's `peer` fields."""
        spec = self.peer_spec
        meta = (
            spec.metadata()
            if spec
            else dict.fromkeys(("hash", "version", "updated_at", "owner_repo", "tables", "fields"))
        )
        if spec is None and self.remote is not None and self.remote.content is not None:
            meta["hash"] = hashlib.sha256(self.remote.content).hexdigest()
        meta.update(repository=self.repository, ref=self.ref, path=self.path, missing=self.missing)
        return {
            key: meta[key]
            for key in (
                "repository",
                "ref",
                "path",
                "hash",
                "version",
                "updated_at",
                "owner_repo",
                "tables",
                "fields",
                "missing",
            )
        }


def compare(
    local: Spec,
    remote: RemoteFile,
    result: PeerResult,
    *,
    ignore: Sequence[str] = (),
    require_version_bump: bool = True,
    version_policy: VersionPolicy | None = None,
) -> PeerResult:
    """Fill `result` with the verdict on `remote` against `local`.

    `result.consumer_side` says which is the source: changes read from the
    consumer's copy to the source's either way."""
    result.remote = remote
    if remote.content is None:
        result.drift = True
        result.findings.append(Finding.MISSING)
        return result
    if remote.blob_sha == local.blob_sha or remote.content == local.raw:
        return result
    try:
        peer = load_bytes(remote.content, f"{remote.repository}:{remote.path}")
    except SpecError as exc:
        result.drift = True
        result.findings.append(Finding.PEER_INVALID)
        result.message = exc.message
        return result
    result.peer_spec = peer
    before, after = (local, peer) if result.consumer_side else (peer, local)
    changes = diff_documents(before.data, after.data)
    result.changes, result.ignored = split_ignored(changes, ignore)
    # Bytes differ; only when every semantic difference is ignored is it not drift.
    result.drift = bool(result.changes) or not result.ignored
    if result.drift:
        policy = version_policy or (
            VersionPolicy.BUMP if require_version_bump else VersionPolicy.NONE
        )
        where = f"{result.repository}'s copy" if result.consumer_side else "this file"
        versions.apply(result, before, after, result.changes, policy, where)
    return result
