"""The version policy at its boundaries: bump, semver and none, on real spec files."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import yaml

from sync_action.core.vocabulary import Finding, VersionPolicy
from sync_action.engine.diff import diff_documents
from sync_action.engine.versions import lowest, policy_findings, version_order
from sync_action.spec.model import Spec, load_bytes
from tests.conftest import CURRENT, LEGACY

BASE = yaml.safe_load(CURRENT.read_bytes())


def spec(version: str | None, edit=None, key: str = "spec_version") -> Spec:
    data: dict[str, Any] = copy.deepcopy(BASE)
    data.pop("spec_version")
    if version is not None:
        data[key] = version
    if edit:
        edit(data)
    return load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), "x.yaml")


def add_field(data: dict[str, Any]) -> None:
    data["tables"]["users"]["fields"]["timezone"] = {"name": "Timezone", "type": "string"}


def break_type(data: dict[str, Any]) -> None:
    data["tables"]["meals"]["fields"]["calories"]["type"] = "string"


def describe(data: dict[str, Any]) -> None:
    data["tables"]["meals"]["description"] = "Meals, in other words"


def verdict(old: Spec, new: Spec, policy: VersionPolicy = VersionPolicy.SEMVER):
    return policy_findings(old, new, diff_documents(old.data, new.data), policy)


def test_v1_10_0_is_higher_than_v1_9_0():
    assert version_order("v1.10.0") > version_order("v1.9.0")
    assert verdict(spec("v1.9.0"), spec("v1.10.0", add_field)) is None


def test_a_leading_v_and_trailing_zeros_do_not_matter():
    assert version_order("v1.1.0") == version_order("1.1") == (1, 1)


def test_a_breaking_change_under_a_minor_bump_needs_the_next_major():
    found = verdict(spec("v1.0.0"), spec("v1.1.0", break_type))
    assert found is not None
    assert found.finding == Finding.VERSION_TOO_SMALL
    assert found.required == "v2.0.0"
    assert found.message == "breaking changes need v2.0.0 or later; this file has v1.1.0"


def test_a_breaking_change_under_a_major_bump_is_enough():
    assert verdict(spec("v1.1.0"), spec("v2.0.0", break_type)) is None


def test_an_addition_under_a_patch_bump_needs_the_next_minor():
    found = verdict(spec("v1.0.0"), spec("v1.0.1", add_field))
    assert found is not None
    assert found.required == "v1.1.0"
    assert found.message == "added tables or fields need v1.1.0 or later; this file has v1.0.1"


def test_an_addition_under_a_minor_or_major_bump_is_enough():
    assert verdict(spec("v1.0.0"), spec("v1.1.0", add_field)) is None
    assert verdict(spec("v1.0.0"), spec("v2.0.0", add_field)) is None


def test_any_other_change_needs_a_patch_bump():
    assert verdict(spec("v1.0.0"), spec("v1.0.1", describe)) is None
    found = verdict(spec("v1.0.0"), spec("v1.0.0", describe))
    assert found is not None and found.required == "v1.0.1"


def test_a_lower_version_is_too_small_under_semver_but_a_bump():
    old, new = spec("v1.2.0"), spec("v1.1.0", describe)
    assert verdict(old, new).finding == Finding.VERSION_TOO_SMALL
    assert verdict(old, new, VersionPolicy.BUMP) is None


def test_bump_wants_another_version_for_other_content():
    found = verdict(spec("v1.0.0"), spec("1.0.0", describe), VersionPolicy.BUMP)
    assert found is not None and found.finding == Finding.VERSION_NOT_BUMPED
    assert found.required is None


def test_a_version_that_is_not_dotted_numbers_is_never_too_small():
    assert verdict(spec("2025-08-rc1"), spec("2025-08-rc1", break_type)) is None
    found = verdict(spec("2025-08-rc1"), spec("2025-08-rc1", break_type), VersionPolicy.BUMP)
    assert found is not None and found.finding == Finding.VERSION_NOT_BUMPED


def test_none_checks_nothing():
    assert verdict(spec("v1.0.0"), spec("v1.0.0", break_type), VersionPolicy.NONE) is None


def test_a_legacy_version_key_counts_as_the_version():
    legacy = load_bytes(LEGACY.read_bytes(), "legacy.yaml")
    assert legacy.version == "1.0.0"
    found = verdict(legacy, spec("1.0.0", break_type, key="version"))
    assert found is not None and found.message.startswith("breaking changes need 2.0.0 or later")


def test_the_version_needed_is_written_like_the_file_people_edit():
    found = verdict(load_bytes(LEGACY.read_bytes(), "legacy.yaml"), spec("v1.0.0", describe))
    assert found is not None
    assert found.message == "changes need v1.0.1 or later; this file has v1.0.0"


@pytest.mark.parametrize(
    ("version", "how", "expected"),
    [("v1", "minor", "v1.1.0"), ("1.2.3", "patch", "1.2.4"), ("v0.9", "major", "v1.0.0")],
)
def test_the_lowest_version_keeps_the_style_and_fills_in_three_numbers(version, how, expected):
    assert lowest(version, how) == expected
