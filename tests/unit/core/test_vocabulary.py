"""One vocabulary: the enums in sync_action/vocabulary.py are the words the report's JSON
Schema, action.yml and the README use, and config.DEFAULTS are action.yml's defaults."""

from __future__ import annotations

import json
import re
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
import yaml

from sync_action.core.vocabulary import (
    DRIFT_STATUSES,
    STATUS_MODE_STATUSES,
    SYNC_STATUSES,
    FailOn,
    Finding,
    Kind,
    Reason,
    Role,
    Status,
    VersionPolicy,
)
from sync_action.settings.config import DEFAULTS

ROOT = Path(__file__).resolve().parents[3]


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    text = resources.files("sync_action").joinpath("schemas/drift-report.schema.json").read_text()
    data: dict[str, Any] = json.loads(text)
    return data


@pytest.fixture(scope="module")
def action() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "action.yml").read_text(encoding="utf-8"))
    return data


def quoted(text: str) -> list[str]:
    """The `code` words of a description, in order."""
    return re.findall(r"`([^`]+)`", text)


def test_statuses_are_the_report_schemas(schema: dict[str, Any]) -> None:
    assert schema["$defs"]["peerEntry"]["properties"]["status"] == {"$ref": "#/$defs/status"}
    allowed = schema["$defs"]["status"]["enum"]
    assert set(allowed) - {""} == set(Status)


def test_every_status_belongs_to_a_mode() -> None:
    assert set(DRIFT_STATUSES) | set(SYNC_STATUSES) | set(STATUS_MODE_STATUSES) == set(Status)


def test_findings_are_the_report_schemas(schema: dict[str, Any]) -> None:
    for where in ("peerEntry", "pullRequest"):
        items = schema["$defs"][where]["properties"]["findings"]["items"]
        assert items == {"$ref": "#/$defs/finding"}, where
    assert schema["$defs"]["finding"]["enum"] == [str(f) for f in Finding]


def test_provenance_states_are_findings(schema: dict[str, Any]) -> None:
    provenance = schema["$defs"]["peerEntry"]["properties"]["provenance"]["oneOf"][1]
    assert provenance["properties"]["state"]["enum"] == [
        Finding.BEHIND_SOURCE,
        Finding.EDITED_LOCALLY,
    ]


def test_change_kinds_are_the_report_schemas(schema: dict[str, Any]) -> None:
    assert schema["$defs"]["change"]["properties"]["kind"]["enum"] == [str(k) for k in Kind]


def test_reasons_are_the_report_schemas(schema: dict[str, Any]) -> None:
    reason = schema["$defs"]["change"]["properties"]["reason"]
    assert reason["oneOf"] == [{"type": "null"}, {"$ref": "#/$defs/reason"}]
    assert schema["$defs"]["reason"]["enum"] == [str(r) for r in Reason]


def test_fail_on_conditions_are_the_report_schemas(schema: dict[str, Any]) -> None:
    conditions = schema["$defs"]["condition"]["enum"]
    assert conditions == [str(c) for c in FailOn if c != FailOn.NEVER]


@pytest.mark.parametrize(("name", "kind"), [("role", Role), ("version-policy", VersionPolicy)])
def test_every_word_of_an_input_is_in_action_yml(
    action: dict[str, Any], name: str, kind: type[StrEnum]
) -> None:
    words = set(quoted(action["inputs"][name]["description"]))
    assert {str(w) for w in kind} <= words


def test_sync_status_output_lists_the_sync_statuses(action: dict[str, Any]) -> None:
    words = quoted(action["outputs"]["sync-status"]["description"])
    assert words[: len(SYNC_STATUSES)] == [str(s) for s in SYNC_STATUSES]


def results_by_mode(description: str) -> dict[str, list[str]]:
    """`In drift mode `status` is `a`, `b`; in sync mode `c` ...` as {mode: [words]}."""
    parts = re.split(r"\bin (\w+) mode\b", description, flags=re.IGNORECASE)
    return {
        mode.lower(): [w for w in quoted(text.split(". ", 1)[0]) if w != "status"]
        for mode, text in zip(parts[1::2], parts[2::2], strict=True)
    }


def test_results_output_lists_each_modes_statuses(action: dict[str, Any]) -> None:
    modes = results_by_mode(action["outputs"]["results"]["description"])
    assert modes == {
        "drift": [str(s) for s in DRIFT_STATUSES],
        "sync": [str(s) for s in SYNC_STATUSES],
        "status": [str(s) for s in STATUS_MODE_STATUSES],
    }


def test_readme_results_row_lists_each_modes_statuses() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    row = next(line for line in readme.splitlines() if line.startswith("| `results` |"))
    modes = results_by_mode(row)
    assert modes["drift"] == [str(s) for s in DRIFT_STATUSES]
    assert modes["sync"] == [str(s) for s in SYNC_STATUSES]
    assert modes["status"] == [str(s) for s in STATUS_MODE_STATUSES]


def test_readme_explains_every_finding() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    missing = [f for f in Finding if f"`{f}`" not in readme]
    assert not missing, f"the README does not explain {missing}"


def test_fail_on_words_are_the_inputs(action: dict[str, Any]) -> None:
    if "fail-on" not in action["inputs"]:
        pytest.skip("action.yml has no fail-on input yet")
    words = set(quoted(action["inputs"]["fail-on"]["description"]))
    assert {str(w) for w in FailOn} <= words


def test_config_defaults_are_action_yml_defaults(action: dict[str, Any]) -> None:
    inputs = action["inputs"]
    assert set(DEFAULTS) == set(inputs)
    for name, spec in inputs.items():
        default = str(spec.get("default", ""))
        if "${{" in default:  # the runner fills it in (the token); the engine sees the value
            continue
        assert DEFAULTS[name] == default, name
