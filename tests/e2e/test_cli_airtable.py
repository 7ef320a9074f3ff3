"""`schema-sync airtable [FILE]` from a terminal: the bundled example spec against a local
base built from it."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from tests.actionrun import ROOT
from tests.localairtable import builder
from tests.localairtable.plugin import AIRTABLE_ENV

EXAMPLE = ROOT / "examples" / "strukt-system"
SPEC = "schema/AIRTABLE_SPEC.yaml"
BASE = "appExampleBase001"
TOKEN = "patCli0123456789.0123456789abcdef0123456789abcdef"


@pytest.fixture
def example(tmp_path: Path) -> Path:
    """A copy of the bundled example repository, to run in."""
    target = tmp_path / "strukt-system"
    shutil.copytree(EXAMPLE, target)
    return target


@pytest.fixture
def example_base(local_airtable, example):
    spec = yaml.safe_load((example / SPEC).read_text())
    tables = local_airtable.add_base(BASE, builder.base_from_spec(spec))
    local_airtable.add_token(TOKEN)
    return tables


def schema_sync_airtable(cwd: Path, url: str, *args: str) -> subprocess.CompletedProcess[str]:
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd), "AIRTABLE_API_KEY": TOKEN, **AIRTABLE_ENV}
    return subprocess.run(
        [
            sys.executable,
            "-m",
            "sync_action",
            "airtable",
            *args,
            "--airtable-base-id",
            BASE,
            "--airtable-api-url",
            url,
        ],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
        timeout=60,
    )


def test_the_example_spec_against_its_own_base_is_in_sync(local_airtable, example, example_base):
    done = schema_sync_airtable(example, local_airtable.url, SPEC)
    assert done.returncode == 0, done.stdout + done.stderr
    assert f"{SPEC} matches Airtable base {BASE}" in done.stdout
    assert TOKEN not in done.stdout + done.stderr


def test_a_field_dropped_from_the_base_is_named(local_airtable, example, example_base):
    builder.drop_field(example_base, "Users", "Timezone")
    done = schema_sync_airtable(example, local_airtable.url, SPEC)
    assert done.returncode == 1
    assert "removed tables.users.fields.timezone" in done.stderr
    assert "Users › Timezone (fldTz7Qm2LkP9xWv3)" in done.stdout


def test_the_file_defaults_to_schema_path(local_airtable, example, example_base):
    assert schema_sync_airtable(example, local_airtable.url).returncode == 0


def test_the_examples_integer_is_compared_not_warned_about(local_airtable, example, example_base):
    done = schema_sync_airtable(example, local_airtable.url, SPEC)
    report = json.loads((example / "schema-drift-report/schema_drift_report.json").read_text())
    assert report["changes"] == [] and "warning:" not in done.stderr


def test_a_number_with_decimals_where_the_example_says_integer_is_breaking(
    local_airtable, example, example_base
):
    builder.set_type(example_base, "Meals", "Calories", "number")
    done = schema_sync_airtable(example, local_airtable.url, SPEC)
    assert done.returncode == 1
    report = json.loads((example / "schema-drift-report/schema_drift_report.json").read_text())
    (change,) = report["changes"]
    assert (change["before"], change["after"], change["reason"], change["breaking"]) == (
        "integer",
        "number (precision 2)",
        "type-changed",
        True,
    )


def test_no_token_is_exit_2_without_a_request(local_airtable, example, example_base):
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "sync_action",
            "airtable",
            SPEC,
            "--airtable-base-id",
            BASE,
            "--airtable-api-url",
            local_airtable.url,
        ],
        cwd=example,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin"},
        check=False,
    )
    assert done.returncode == 2 and "No Airtable token" in done.stderr
    assert local_airtable.log == []
