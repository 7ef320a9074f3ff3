"""A sync pull request's labels, planned: the labels always put on it, and the breaking or
safe ones by whether its changes break, with the other kind's own removed when it flips.
Which of them this action put there is read back from the pull request's marker."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import unquote

from sync_action.core import markers
from sync_action.core.hosting import PullRequest
from sync_action.settings.config import Config


@dataclass(frozen=True)
class LabelPlan:
    """What to add and remove; `owned` are the breaking/safe labels this action put there."""

    add: tuple[str, ...]
    remove: tuple[str, ...]
    owned: tuple[str, ...]


def recorded_labels(pull: PullRequest | None, kinds: set[str]) -> set[str]:
    """The breaking/safe labels an earlier run put on the pull request, from its marker.

    A body from before the marker named its labels counts every such label as ours:
    those versions put `safe-to-merge` on every sync pull request."""
    if pull is None:
        return set()
    found = markers.PULL_MARK.search(pull.body or "")
    if found is None or found["labels"] is None:
        return {x for x in pull.labels if x in kinds}
    return {unquote(x) for x in found["labels"].split(",") if x}


def plan(cfg: Config, breaking: bool, pull: PullRequest | None) -> LabelPlan:
    """Labels by breaking: the kind that applies is ensured, the other kind's own removed."""
    kind, other = (
        (cfg.breaking_labels, cfg.safe_labels)
        if breaking
        else (cfg.safe_labels, cfg.breaking_labels)
    )
    have = set(pull.labels) if pull is not None else set()
    kinds = set(kind) | set(other)
    recorded = recorded_labels(pull, kinds)
    wanted = tuple(dict.fromkeys((*cfg.labels, *kind)))
    add = tuple(x for x in wanted if x not in have)
    remove = tuple(x for x in other if x in have and x in recorded and x not in kind)
    owned = tuple(x for x in kind if x in add or x in recorded or pull is None)
    return LabelPlan(add, remove, owned)
