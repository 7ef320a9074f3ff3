"""The dashboard says why a latency is missing, and the log never prints `None h`."""

from __future__ import annotations

from datetime import UTC, datetime

from sync_action.engine.compare import PeerResult
from sync_action.engine.overview import Overview
from sync_action.engine.status_model import LATENCY, Metrics
from sync_action.texts import dashboard

PATH = "schema/AIRTABLE_SPEC.yaml"
NOTE = "not measured: the source's history was not read"


def unmeasured() -> PeerResult:
    result = PeerResult("STRUKT1/strukt-app", "main", PATH)
    result.status = "in-sync"
    result.metrics = Metrics(version="v1.1.0", last_sync_at=datetime(2026, 1, 12, tzinfo=UTC))
    result.metrics.notes[LATENCY] = NOTE
    return result


def test_a_latency_that_was_not_measured_is_explained_under_the_history():
    body = dashboard.issue_body(Overview("STRUKT1/strukt-system", PATH, [unmeasured()], 7, ""))
    assert f"- Latency of STRUKT1/strukt-app: {NOTE}." in body


def test_the_log_says_why_instead_of_none_hours():
    lines = dashboard.facts(unmeasured())
    assert any(f"latency: {NOTE};" in line for line in lines)
    assert not any("None" in line for line in lines)
