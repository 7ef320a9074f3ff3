"""The JSON drift report.

A superset of the one the retired hand-written workflow wrote, so anything
reading that keeps working. What people read is rendered from it by `texts`.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sync_action import __version__
from sync_action.core.vocabulary import Status
from sync_action.engine.compare import PeerResult
from sync_action.engine.pull_change import PullChange
from sync_action.spec.model import Spec


@dataclass(frozen=True)
class Context:
    """Who ran the check, for headers and footers."""

    repository: str
    sha: str
    mode: str
    server_url: str = "https://github.com"
    ignore: tuple[str, ...] = ()
    run_url: str | None = None  # the workflow run, on the runner
    role: str = "source"


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(
    local: Spec,
    results: Sequence[PeerResult],
    ctx: Context,
    change: PullChange | None = None,
    checks: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The contract's JSON report; `peer` and `changes` describe the first peer."""
    peers = [peer_entry(r) for r in results]
    first = results[0] if results else None
    return {
        "drift_detected": any(r.drift for r in results),
        "pending": any(r.status == Status.PENDING for r in results),
        "repository": ctx.repository,
        "timestamp": utc_now(),
        "tool": f"schema-sync {__version__}",
        "run_url": ctx.run_url,
        "mode": ctx.mode,
        "role": ctx.role,
        "commit": ctx.sha,
        "local": local.metadata(),
        "peer": first.metadata() if first else None,
        "peers": peers,
        "changes": [c.to_json() for c in first.changes] if first else [],
        "breaking": any(r.breaking for r in results) or bool(change and change.breaking),
        "ignore": list(ctx.ignore),
        "pull_request": change.to_json() if change is not None else None,
        "checks": list(checks),
    }


def peer_entry(result: PeerResult) -> dict[str, Any]:
    entry = result.metadata()
    entry.update(
        drift=result.drift,
        breaking=result.breaking,
        findings=list(result.findings),
        changes=[c.to_json() for c in result.changes],
        ignored=[c.to_json() for c in result.ignored],
        status=result.status or "",  # "": no mode decided one
        pr_url=result.pr_url,
        pending_pr=result.pending_pr,
        required_version=result.required_version,
    )
    entry["from"], entry["to"] = result.sides
    entry["provenance"] = result.provenance.to_json() if result.provenance else None
    if result.metrics is not None:
        entry["sync"] = result.metrics.to_json()
    if result.message:
        entry["message"] = result.message
    if result.suggested_ids is not None:
        entry["suggested_ids"] = dict(result.suggested_ids)
    return entry


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"
