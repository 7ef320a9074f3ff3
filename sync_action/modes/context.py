"""What drift and sync share: the fan-out over peers, and the context their reports and
texts name."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from typing import Any, TypeVar

from sync_action.core.errors import EXIT_REMOTE, RemoteError, UsageError
from sync_action.core.vocabulary import FailOn, Status
from sync_action.engine import report
from sync_action.engine.compare import PeerResult
from sync_action.settings.config import Config
from sync_action.spec.model import Spec
from sync_action.texts import document

T = TypeVar("T")
R = TypeVar("R")
MAX_WORKERS = 8
# What a peer's result says when its work failed in a way no error of ours describes: that
# peer fails (exit 3), the others go on, and no exception name or traceback is shown.
UNEXPECTED = (
    "the action could not finish its work here (an answer or a state it does not handle); "
    "re-run the job, and if it happens again, report it with the job's log"
)


@contextmanager
def one_peer(result: PeerResult) -> Iterator[None]:
    """One peer's work, whose failure is that peer's, never the run's: a remote failure is
    recorded with its message, anything unexpected with `UNEXPECTED` (exit 3, no traceback,
    no exception name); bad input (exit 2) still stops the run before anything else."""
    try:
        yield
    except RemoteError as exc:
        result.status, result.message, result.exit_code = Status.FAILED, exc.message, exc.exit_code
    except UsageError:
        raise
    except Exception:
        result.status, result.message, result.exit_code = Status.FAILED, UNEXPECTED, EXIT_REMOTE


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
        run_url=cfg.run_url or None,
        role=cfg.role.value,
    )


def text_run(cfg: Config) -> document.Run:
    """What the texts need to know about this run."""
    return document.Run(
        repository=cfg.repository or "local",
        sha=cfg.sha,
        schema_path=cfg.schema_path,
        mode=cfg.mode,
        server_url=cfg.server_url,
        run_url=cfg.run_url,
        report_path=cfg.report_path,
        fail_on_drift=cfg.fails(FailOn.DRIFT),
        head_sha=cfg.head_sha or "",
    )


def text_docs(local: Spec, results: Iterable[PeerResult]) -> dict[str, list[Any]]:
    """The specs each repository's changes are named from (the source's first)."""
    docs: dict[str, list[Any]] = {"": [local.data]}
    for result in results:
        docs[result.repository] = [local.data] + (
            [result.peer_spec.data] if result.peer_spec else []
        )
    return docs
