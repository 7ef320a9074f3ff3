"""Stale or edited: where a consumer's differing copy comes from.

A copy that equals an earlier version of the source file is merely behind (a
sync fixes it); one that matches no version was edited in the consumer, and a
person must reconcile it before a sync overwrites the edit. The source's own
git history answers for free when the checkout has it; otherwise one API call
tells "never held" apart, and a short walk names the commit.
"""

from __future__ import annotations

from sync_action.compare import PeerResult, Provenance
from sync_action.config import Config
from sync_action.errors import RemoteError
from sync_action.git import file_version, is_shallow
from sync_action.hosting import Hosting
from sync_action.spec import Spec
from sync_action.vocabulary import Finding

BEHIND = Finding.BEHIND_SOURCE
EDITED = Finding.EDITED_LOCALLY
__all__ = ["BEHIND", "EDITED", "Provenance", "is_source", "place"]


def _names(repo: str) -> set[str]:
    return {repo.lower(), repo.lower().rpartition("/")[2]} if repo else set()


def is_source(cfg: Config, local: Spec, peer: str) -> bool:
    """This repository is the source unless its spec's `owner_repo` names the peer."""
    owner = (local.owner_repo or "").lower()
    if owner and owner in _names(cfg.repository):
        return True
    return not (owner and owner in _names(peer))


def place(cfg: Config, host: Hosting, local: Spec, result: PeerResult) -> None:
    """Add the verdict to a drifted, present peer; say nothing when it cannot be known."""
    remote = result.remote
    if remote is None or remote.blob_sha is None or not result.drift:
        return
    try:
        _place(cfg, host, local, result, remote.blob_sha)
    except RemoteError as exc:  # an insight, not a verdict: never fail the check for it
        result.message = f"Could not tell whether the copy is behind or edited: {exc.message}"


def _place(cfg: Config, host: Hosting, local: Spec, result: PeerResult, blob_sha: str) -> None:
    if is_source(cfg, local, result.repository):
        version = result.peer_spec.version if result.peer_spec else None
        known, found = _in_own_history(cfg, host, blob_sha)
        if not known:
            return
        source = cfg.repository
    else:
        version = local.version
        found = host.find_version(result.repository, cfg.peer_path, result.ref, local.blob_sha)
        source = result.repository
    state = EDITED if found is None else BEHIND
    result.provenance = Provenance(state, source, version, found or None)
    result.findings.append(state)


def _in_own_history(cfg: Config, host: Hosting, blob_sha: str) -> tuple[bool, str | None]:
    """This repository's history: the local clone if it is complete, else the API.

    Returns (known, commit): commit is the commit, "" (held, commit unnamed) or
    None (never held); known is False when there is no way to tell.
    """
    if not is_shallow(cfg.workspace):
        return True, file_version(cfg.workspace, cfg.schema_path, "HEAD", blob_sha)
    if cfg.uses_api and cfg.repository:
        return True, host.find_version(cfg.repository, cfg.schema_path, cfg.sha or None, blob_sha)
    return False, None
