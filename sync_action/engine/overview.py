"""Everything status mode found, as one value: what the report, the summary and the
dashboard are made from."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sync_action.core.times import iso
from sync_action.engine.compare import PeerResult


@dataclass
class Overview:
    """Everything status mode found, for the report, the summary and the dashboard."""

    source: str
    schema_path: str
    results: list[PeerResult]
    max_pr_age: float
    server_url: str
    failed_syncs: int | None = None
    sync_workflow: str | None = None
    token_expires_at: datetime | None = None
    dashboard_url: str = ""

    def to_json(self) -> dict[str, object]:
        return {
            "max_pr_age_days": self.max_pr_age,
            "sync_workflow": self.sync_workflow,
            "failed_syncs": self.failed_syncs,
            "token_expires_at": iso(self.token_expires_at),
            "dashboard_url": self.dashboard_url,
        }
