"""The JSON drift report: the contract's keys, both copies, every change."""

from __future__ import annotations

import copy
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from sync_action.core.hosting import RemoteFile
from sync_action.engine import report
from sync_action.engine.compare import PeerResult, compare
from sync_action.engine.diff import diff_documents
from sync_action.spec.model import Spec, git_blob_sha, load_bytes

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
LEGACY = FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml"
PATH = "schema/AIRTABLE_SPEC.yaml"
SHA = "0123456789abcdef0123456789abcdef01234567"
CTX = report.Context(repository="STRUKT1/strukt-system", sha=SHA, mode="drift")

# The contract's example report, key by key.
REPORT_KEYS = {"drift_detected", "repository", "timestamp", "local", "peer", "peers", "changes"}
LOCAL_KEYS = {"path", "hash", "version", "updated_at", "owner_repo", "tables", "fields"}
PEER_KEYS = {
    "repository",
    "ref",
    "path",
    "hash",
    "version",
    "updated_at",
    "owner_repo",
    "tables",
    "fields",
    "missing",
}
PEERS_KEYS = PEER_KEYS | {"drift", "breaking", "findings", "changes"}
CHANGE_KEYS = {
    "kind",
    "path",
    "breaking",
    "before",
    "after",
    "table",
    "field",
    "table_id",
    "field_id",
    "name",
    "reason",
}


@pytest.fixture(scope="module")
def local() -> Spec:
    return load_bytes(CURRENT.read_bytes(), PATH)


def peer(
    local: Spec, content: bytes | None, repository: str = "STRUKT1/strukt-app", **options: Any
) -> PeerResult:
    """Compare `local` with a peer holding `content` (None: no file)."""
    sha = git_blob_sha(content) if content is not None else None
    remote = RemoteFile(repository, PATH, "main", content, sha)
    return compare(local, remote, PeerResult(repository, "main", PATH), **options)


def dumped(data: dict[str, Any]) -> bytes:
    return yaml.safe_dump(data, sort_keys=False).encode()


def edited(local: Spec, edit) -> bytes:
    data = copy.deepcopy(local.data)
    edit(data)
    return dumped(data)


def with_mixed_changes(data: dict[str, Any]) -> None:
    """A peer copy that differs from the current fixture in breaking and other ways."""
    data["owner_repo"] = "STRUKT1/strukt-app"
    data["tables"]["chat"]["fields"]["topic"]["type"] = "string"  # type differs: breaking
    data["tables"]["meals"]["fields"]["fiber"] = {"name": "Fiber", "type": "number"}  # removed here
    data["tables"]["mood"]["description"] = "Moods"


def big_results(local: Spec, peers: int = 1) -> list[PeerResult]:
    """Peers whose copies lack 1,000 tables of 20 fields each that this copy has."""
    after = copy.deepcopy(local.data)
    for t in range(1000):
        after["tables"][f"table_{t:04d}"] = {
            "id": f"tbl{t:014d}",
            "name": f"Table {t}",
            "description": "A table that only this copy has | with a pipe",
            "fields": {
                f"field_{f:02d}": {"id": f"fld{t:07d}{f:07d}", "name": f"F{f}", "type": "string"}
                for f in range(20)
            },
        }
    changes = diff_documents(local.data, after)
    assert len(changes) == 1000
    return [
        PeerResult(f"STRUKT1/peer-{n}", "main", PATH, drift=True, changes=list(changes))
        for n in range(peers)
    ]


# --- the JSON report -------------------------------------------------------------------------


def test_the_report_has_every_key_of_the_contracts_example(local):
    rep = report.build(local, [peer(local, LEGACY.read_bytes())], CTX)

    assert set(rep) >= REPORT_KEYS
    assert set(rep["local"]) >= LOCAL_KEYS
    assert set(rep["peer"]) >= PEER_KEYS
    assert all(set(entry) >= PEERS_KEYS for entry in rep["peers"])
    assert all(set(change) == CHANGE_KEYS for change in rep["changes"])


def test_the_report_describes_both_copies(local):
    rep = report.build(local, [peer(local, LEGACY.read_bytes())], CTX)

    assert rep["drift_detected"] is True
    assert rep["repository"] == "STRUKT1/strukt-system"
    assert rep["local"] == {
        "path": PATH,
        "hash": local.sha256,
        "version": "v1.0.0",
        "updated_at": "2025-08-17T19:50:00Z",
        "owner_repo": "STRUKT1/strukt-system",
        "tables": 8,
        "fields": 58,
    }
    assert {k: rep["peer"][k] for k in PEER_KEYS - {"hash"}} == {
        "repository": "STRUKT1/strukt-app",
        "ref": "main",
        "path": PATH,
        "version": "1.0.0",
        "updated_at": "2025-08-16",
        "owner_repo": "strukt-system",
        "tables": 8,
        "fields": 58,
        "missing": False,
    }
    assert len(rep["peer"]["hash"]) == 64


def test_the_timestamp_is_utc_iso_8601(local):
    rep = report.build(local, [], CTX)

    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", rep["timestamp"])


def test_the_first_peer_is_peer_and_its_changes_are_the_top_level_changes(local):
    first = peer(local, LEGACY.read_bytes(), "STRUKT1/strukt-app")
    second = peer(local, edited(local, with_mixed_changes), "STRUKT1/strukt-web")
    rep = report.build(local, [first, second], CTX)

    assert [p["repository"] for p in rep["peers"]] == ["STRUKT1/strukt-app", "STRUKT1/strukt-web"]
    assert rep["peer"] == {k: rep["peers"][0][k] for k in rep["peer"]}
    assert rep["changes"] == rep["peers"][0]["changes"]
    assert rep["peers"][1]["changes"] != rep["changes"]
    assert rep["peers"][1]["breaking"] is True
    assert rep["peers"][0]["breaking"] is False


def test_a_peer_in_sync_has_no_drift_and_no_changes(local):
    rep = report.build(local, [peer(local, CURRENT.read_bytes())], CTX)

    assert rep["drift_detected"] is False
    assert rep["changes"] == []
    assert rep["peers"][0]["drift"] is False
    assert rep["peer"]["hash"] == local.sha256


def test_a_missing_peer_file_has_missing_true_a_null_hash_and_counts_as_drift(local):
    rep = report.build(local, [peer(local, None)], CTX)

    assert rep["drift_detected"] is True
    assert rep["peer"]["missing"] is True
    assert rep["peer"]["hash"] is None
    assert rep["peers"][0]["drift"] is True
    assert rep["peers"][0]["findings"] == ["missing"]


def test_findings_are_listed_per_peer(local):
    rep = report.build(local, [peer(local, LEGACY.read_bytes())], CTX)

    assert rep["peers"][0]["findings"] == ["version-not-bumped"]


def test_changes_in_the_report_read_from_the_peer_to_this_copy(local):
    rep = report.build(local, [peer(local, LEGACY.read_bytes())], CTX)

    [change] = [c for c in rep["changes"] if c["path"] == "updated_at"]
    assert (change["kind"], change["before"], change["after"]) == (
        "changed",
        "2025-08-16",
        "2025-08-17T19:50:00Z",
    )


def with_dates(day: str) -> Spec:
    """The current fixture with a date and a timestamp (YAML timestamps, unquoted) added."""
    anchor = '    format: "app{12characters}"\n'
    text = CURRENT.read_text().replace(
        anchor, f"{anchor}    rotated: {day}\n    checked: {day} 08:00:00\n"
    )
    return load_bytes(text.encode(), PATH)


def test_the_report_is_plain_json_even_with_yaml_timestamps():
    here, there = with_dates("2025-01-31"), with_dates("2024-12-31")
    rep = report.build(here, [peer(here, there.raw)], CTX)

    text = json.dumps(rep)  # no default=: every value is plain JSON already
    assert json.loads(text) == rep
    by_path = {c["path"]: (c["before"], c["after"]) for c in rep["changes"]}
    assert by_path["environment.AIRTABLE_BASE_ID.rotated"] == ("2024-12-31", "2025-01-31")
    assert by_path["environment.AIRTABLE_BASE_ID.checked"] == (
        "2024-12-31T08:00:00",
        "2025-01-31T08:00:00",
    )


def test_to_json_round_trips(local):
    rep = report.build(local, [peer(local, LEGACY.read_bytes()), peer(local, None)], CTX)

    assert json.loads(report.to_json(rep)) == rep


def test_the_json_report_keeps_every_change_of_a_huge_diff(local):
    rep = report.build(local, big_results(local), CTX)

    assert len(rep["changes"]) == 1000
