"""What drift and sync share: the fan-out over peers, and the context their reports name."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

from sync_action import report
from sync_action.config import Config

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 8


def fan_out(items: Iterable[T], work: Callable[[T], R]) -> list[R]:
    """Run `work` on every item, several at a time, results in the items' order."""
    items = list(items)
    if len(items) <= 1:
        return [work(item) for item in items]
    with ThreadPoolExecutor(max_workers=min(MAX_WORKERS, len(items))) as pool:
        return list(pool.map(work, items))


def context(cfg: Config) -> report.Context:
    """What a report, comment and summary say about this run: repository, commit, mode."""
    return report.Context(
        repository=cfg.repository or "local",
        sha=cfg.sha,
        mode=cfg.mode,
        server_url=cfg.server_url,
        ignore=cfg.ignore,
    )
