"""Comparing with a peer's copy: bytes first, then meaning, with the findings it gives."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml

from sync_action.core.hosting import RemoteFile
from sync_action.core.vocabulary import Finding
from sync_action.engine.compare import PeerResult, compare
from sync_action.spec.model import Spec, git_blob_sha, load_bytes
from tests.unit.engine.edits import fields

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
LEGACY = FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml"
PATH = "schema/AIRTABLE_SPEC.yaml"


def local_spec(data: dict[str, Any] | None = None) -> Spec:
    if data is None:
        return load_bytes(CURRENT.read_bytes(), PATH)
    return load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), PATH)


def peer_file(content: bytes | None, blob_sha: str | None = None) -> RemoteFile:
    if content is not None and blob_sha is None:
        blob_sha = git_blob_sha(content)
    return RemoteFile("STRUKT1/strukt-app", PATH, "main", content, blob_sha)


def compared(local: Spec, remote: RemoteFile, **options: Any) -> PeerResult:
    return compare(local, remote, PeerResult("STRUKT1/strukt-app", "main", PATH), **options)


def test_equal_blob_shas_settle_the_comparison_without_parsing():
    local = local_spec()
    # The peer's bytes would not even parse: only the SHA is looked at.
    result = compared(local, peer_file(b"- not: [a spec", blob_sha=local.blob_sha))

    assert not result.drift
    assert result.changes == [] and result.findings == []
    assert result.peer_spec is None


def test_an_identical_copy_is_not_drift():
    local = local_spec()
    result = compared(local, peer_file(CURRENT.read_bytes()))

    assert not result.drift
    assert result.findings == []


def test_a_missing_peer_file_is_drift_with_the_finding_missing():
    result = compared(local_spec(), peer_file(None))

    assert result.drift
    assert result.missing
    assert result.findings == [Finding.MISSING]
    assert result.metadata()["hash"] is None
    assert result.metadata()["missing"] is True


def test_an_older_peer_copy_is_drift_with_its_changes():
    result = compared(local_spec(), peer_file(LEGACY.read_bytes()))

    assert result.drift
    assert [c.path for c in result.changes] == ["owner_repo", "spec_version", "updated_at"]
    assert result.findings == [Finding.VERSION_NOT_BUMPED]  # 1.0.0 and v1.0.0 are one version


def test_different_content_under_the_same_version_is_version_not_bumped(spec):
    peer = copy.deepcopy(spec)
    fields(peer, "chat").pop("topic")
    result = compared(local_spec(spec), peer_file(yaml.safe_dump(peer).encode()))

    assert result.drift
    assert result.breaking is False  # the field was added here, not removed
    assert result.findings == [Finding.VERSION_NOT_BUMPED, Finding.UPDATED_AT_UNCHANGED]


def test_a_bumped_version_is_not_version_not_bumped(spec):
    peer = copy.deepcopy(spec)
    fields(peer, "chat").pop("topic")
    peer["spec_version"] = "v0.9.0"
    result = compared(local_spec(spec), peer_file(yaml.safe_dump(peer).encode()))

    assert result.drift
    assert Finding.VERSION_NOT_BUMPED not in result.findings


def test_version_not_bumped_is_only_reported_when_required(spec):
    peer = copy.deepcopy(spec)
    fields(peer, "chat").pop("topic")
    result = compared(
        local_spec(spec), peer_file(yaml.safe_dump(peer).encode()), require_version_bump=False
    )

    assert result.drift
    assert Finding.VERSION_NOT_BUMPED not in result.findings


def test_differences_that_are_all_ignored_are_not_drift(spec):
    peer = copy.deepcopy(spec)
    fields(peer, "chat")["topic"]["description"] = "old words"
    result = compared(
        local_spec(spec),
        peer_file(yaml.safe_dump(peer).encode()),
        ignore=["tables.*.fields.*.description"],
    )

    assert not result.drift
    assert result.changes == []
    assert [c.path for c in result.ignored] == ["tables.chat.fields.topic.description"]
    assert result.findings == []


def test_ignored_differences_beside_real_ones_are_still_drift(spec):
    peer = copy.deepcopy(spec)
    fields(peer, "chat")["topic"]["description"] = "old words"
    peer["owner_repo"] = "STRUKT1/strukt-app"
    result = compared(
        local_spec(spec),
        peer_file(yaml.safe_dump(peer).encode()),
        ignore=["tables.*.fields.*.description"],
    )

    assert result.drift
    assert [c.path for c in result.changes] == ["owner_repo"]
    assert len(result.ignored) == 1


def test_a_copy_that_differs_only_in_comments_is_drift_without_changes():
    local = local_spec()
    result = compared(local, peer_file(CURRENT.read_bytes() + b"\n# a trailing comment\n"))

    assert result.drift
    assert result.changes == []
    assert result.findings == [Finding.VERSION_NOT_BUMPED]


def test_a_peer_copy_that_does_not_parse_is_drift_with_the_finding_peer_invalid():
    result = compared(local_spec(), peer_file(b"tables: [unclosed\n"))

    assert result.drift
    assert result.findings == [Finding.PEER_INVALID]
    assert "not valid YAML" in result.message
    assert result.metadata()["hash"] is not None
