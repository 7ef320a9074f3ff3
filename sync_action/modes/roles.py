"""Which side of the sync this repository is, and so which way changes read.

`role: auto` asks the spec: a repository whose spec's `owner_repo` names one of
`peer-repos` keeps a copy of that repository's file (a consumer); otherwise it
holds the source of truth. Sync mode always acts as the source.
"""

from __future__ import annotations

from sync_action.core.vocabulary import Role
from sync_action.settings.config import Config
from sync_action.spec.model import Spec


def names(owner_repo: str | None, repository: str) -> bool:
    """`owner_repo` names `repository`: `owner/name`, or the bare `name` of legacy specs."""
    owner = (owner_repo or "").strip().lower()
    repo = repository.lower()
    return bool(owner) and owner in (repo, repo.rpartition("/")[2])


def resolve(cfg: Config, local: Spec) -> Role:
    """`source` or `consumer`, never `auto`."""
    if cfg.mode == "sync":
        return Role.SOURCE
    if cfg.role != Role.AUTO:
        return cfg.role
    if cfg.repository and names(local.owner_repo, cfg.repository):
        return Role.SOURCE
    if any(names(local.owner_repo, peer) for peer in cfg.peer_repos):
        return Role.CONSUMER
    return Role.SOURCE
