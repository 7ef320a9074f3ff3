"""Stale or edited: where a consumer's differing copy comes from.

A copy that equals an earlier version of the source file is merely behind (a
sync fixes it); one that matches no version was edited in the consumer, and a
person must reconcile it before a sync overwrites the edit. The source's history
(`SourceHistory`: the checkout's when complete, else the API's) tells "never held"
apart, and a short walk names the commit.
"""

from __future__ import annotations

from sync_action.core.errors import RemoteError, SpecError
from sync_action.core.hosting import Hosting, SourceHistory
from sync_action.core.vocabulary import Finding, Role
from sync_action.engine.compare import PeerResult, Provenance
from sync_action.engine.diff import Change, diff_documents
from sync_action.settings.config import Config
from sync_action.spec.model import Spec, load_bytes, normalize_version

__all__ = ["Provenance", "own_edits", "place", "place_in_sync"]


def place(
    cfg: Config, host: Hosting, history: SourceHistory, local: Spec, result: PeerResult
) -> None:
    """Add the verdict to a drifted, present peer; say nothing when it cannot be known."""
    remote = result.remote
    if remote is None or remote.blob_sha is None or not result.drift:
        return
    try:
        _place(cfg, host, history, local, result, remote.blob_sha)
    except RemoteError as exc:  # an insight, not a verdict: never fail the check for it
        result.message = f"Could not tell whether the copy is behind or edited: {exc.message}"


def _place(
    cfg: Config,
    host: Hosting,
    history: SourceHistory,
    local: Spec,
    result: PeerResult,
    blob_sha: str,
) -> None:
    if cfg.role != Role.CONSUMER:
        version = result.peer_spec.version if result.peer_spec else None
        known, found = history.commit_of(blob_sha)
        if not known:
            return
        source = cfg.repository
    else:
        version = local.version
        found = host.find_version(result.repository, cfg.peer_path, result.ref, local.blob_sha)
        source = result.repository
    state = Finding.EDITED_LOCALLY if found is None else Finding.BEHIND_SOURCE
    result.provenance = Provenance(state, source, version, found or None)
    result.findings.append(state)


def place_in_sync(cfg: Config, history: SourceHistory, result: PeerResult, *, api: bool) -> None:
    """Sync (always the source): behind or edited, from this checkout's history when it is
    complete (free), else, with `api`, from this repository through the API (comment-token's
    hosting), as in the action's image, which has no git. There one request (did the
    repository ever hold these bytes?) tells them apart; sync asks it only when it writes a
    pull request body, so an unchanged sync costs nothing more."""
    remote = result.remote
    if remote is None or remote.blob_sha is None or result.provenance is not None:
        return
    if not (history.complete or api):
        return
    try:
        known, found = history.holds(remote.blob_sha)
    except RemoteError as exc:  # an insight, not a verdict: never fail the sync for it
        result.message = f"Could not tell whether the copy is behind or edited: {exc.message}"
        return
    if not known:
        return
    version = result.peer_spec.version if result.peer_spec else None
    state = Finding.EDITED_LOCALLY if found is None else Finding.BEHIND_SOURCE
    result.provenance = Provenance(state, cfg.repository, version, found or None)
    result.findings.append(state)


def own_edits(
    cfg: Config, history: SourceHistory, result: PeerResult
) -> tuple[list[Change] | None, str]:
    """An edited consumer's own edits: from the source's file at the version the consumer's
    copy names (the newest such commit in the source's history: this checkout's, else the
    API's, walked until found) to the consumer's copy.

    Returns (edits, "") or (None, why they cannot be listed); (None, "") when not edited.
    """
    peer = result.peer_spec
    if Finding.EDITED_LOCALLY not in result.findings or peer is None:
        return None, ""
    wanted = normalize_version(peer.version)
    if wanted is not None:
        for raw in history.contents():
            try:
                earlier = load_bytes(raw, cfg.schema_path)
            except SpecError:
                continue
            if normalize_version(earlier.version) == wanted:
                return diff_documents(earlier.data, peer.data), ""
    named = f"version {peer.version}" if peer.version else "the version it names"
    return None, (
        f"Its edits cannot be listed: the recent history of `{cfg.schema_path}` in "
        f"{cfg.repository or 'this repository'} has no {named} to compare with. Compare the "
        "files before merging."
    )
