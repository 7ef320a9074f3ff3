"""The drift report's JSON Schema is shipped in the package and holds for real reports."""

from __future__ import annotations

import json
from importlib import resources

from jsonschema import Draft202012Validator

from tests.actionrun import assert_valid_report
from tests.conftest import LEGACY, SPEC_PATH
from tests.e2e.test_cli import schema_sync

SCHEMA = json.loads(
    resources.files("sync_action").joinpath("schemas/drift-report.schema.json").read_text()
)


def test_the_shipped_report_schema_is_a_valid_json_schema():
    Draft202012Validator.check_schema(SCHEMA)


def test_the_report_keeps_the_retired_workflows_keys():
    assert {"drift_detected", "repository", "timestamp", "local", "peer"} <= set(SCHEMA["required"])
    assert {"path", "hash", "version"} <= set(SCHEMA["$defs"]["copy"]["required"])


def test_a_local_drift_report_satisfies_the_schema(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {SPEC_PATH: LEGACY.read_bytes()})
    schema_sync(source, "drift", "--peer-dir", str(peer))
    report = json.loads((source / "schema-drift-report/schema_drift_report.json").read_text())
    assert_valid_report(report)
    assert report["changes"]


def test_a_report_with_a_missing_peer_satisfies_the_schema(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {"README.md": b"x\n"})
    schema_sync(source, "sync", "--peer-dir", str(peer), "--dry-run")
    report = json.loads((source / "schema-drift-report/schema_drift_report.json").read_text())
    assert_valid_report(report)
    assert report["peer"]["missing"] is True
