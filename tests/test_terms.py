"""One vocabulary: the StrEnums, the report's JSON Schema and action.yml say the same words."""

from __future__ import annotations

import json
from enum import StrEnum

import pytest
import yaml

from sync_action.config import fail_on
from sync_action.errors import UsageError
from sync_action.terms import Condition, Finding, Kind, Reason, Role, Status, VersionPolicy
from tests.actionrun import ROOT

SCHEMA = json.loads((ROOT / "sync_action/schemas/drift-report.schema.json").read_text())
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def values(kind: type[StrEnum]) -> set[str]:
    return {item.value for item in kind}


def enum(name: str) -> set[str]:
    return set(SCHEMA["$defs"][name]["enum"])


def test_statuses_are_the_schemas():
    assert enum("status") - {""} == values(Status)


def test_findings_are_the_schemas():
    assert enum("finding") == values(Finding)


def test_reasons_are_the_schemas():
    assert enum("reason") == values(Reason)


def test_fail_on_conditions_are_the_schemas_and_action_ymls():
    assert enum("condition") == values(Condition) - {"never"}
    described = ACTION["inputs"]["fail-on"]["description"]
    assert all(f"`{word}`" in described for word in values(Condition))


def test_kinds_are_the_schemas():
    assert set(SCHEMA["$defs"]["change"]["properties"]["kind"]["enum"]) == values(Kind)


@pytest.mark.parametrize(("name", "kind"), [("role", Role), ("version-policy", VersionPolicy)])
def test_every_word_of_an_input_is_described_in_action_yml(name, kind):
    described = ACTION["inputs"][name]["description"]
    assert all(f"`{word}`" in described for word in values(kind))


def test_fail_on_drift_is_shorthand_when_fail_on_is_unset():
    assert fail_on("", True) == {Condition.DRIFT}
    assert fail_on("", False) == set()
    assert fail_on("never", True) == set()


def test_fail_on_reads_commas_newlines_and_any_case():
    assert fail_on("Drift,\nbreaking , VERSION-too-small", False) == {
        Condition.DRIFT,
        Condition.BREAKING,
        Condition.VERSION_TOO_SMALL,
    }


def test_an_unknown_fail_on_word_is_a_usage_error():
    with pytest.raises(UsageError, match="unknown condition 'drfit'"):
        fail_on("drfit", True)
