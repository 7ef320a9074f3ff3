"""Times as the report writes them: ISO 8601 in UTC, to the second."""

from __future__ import annotations

from datetime import datetime


def iso(moment: datetime | None) -> str | None:
    """`2026-01-01T00:00:00Z`, or None for no time."""
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ") if moment else None
