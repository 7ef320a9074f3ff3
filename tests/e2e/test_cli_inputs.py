"""The command line as people expect it: each subcommand its own flags, each explained;
`diff` exits like diff(1); every input problem is exit 2 naming the file."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import CURRENT, LEGACY
from tests.e2e.test_cli import schema_sync


def options(help_text: str) -> dict[str, str]:
    """`--flag` -> its help, from argparse's output (help may wrap onto later lines)."""
    found: dict[str, str] = {}
    current = None
    for line in help_text.splitlines():
        match = re.match(r"^\s{2}(-{1,2}[\w-]+)(?:[ ,][^ ].*?)?(?:\s{2,}(.*))?$", line)
        if match:
            current = match.group(1)
            found[current] = match.group(2) or ""
        elif current and line.startswith(" " * 10):
            found[current] += " " + line.strip()
        else:
            current = None
    return found


@pytest.mark.parametrize("command", ["drift", "sync", "diff", "validate"])
def test_every_flag_has_help_text(tmp_path, command):
    done = schema_sync(tmp_path, command, "--help")
    assert done.returncode == 0
    flags = options(done.stdout)
    assert flags
    assert all(text.strip() for text in flags.values()), flags


def test_drift_shows_only_drift_flags(tmp_path):
    flags = options(schema_sync(tmp_path, "drift", "--help").stdout)
    assert {"--fail-on-drift", "--peer-ref", "--comment", "--token"} <= set(flags)
    assert not {"--mode", "--force-sync", "--base-branch", "--labels", "--pr-title"} & set(flags)


def test_sync_shows_only_sync_flags(tmp_path):
    flags = options(schema_sync(tmp_path, "sync", "--help").stdout)
    assert {"--force-sync", "--base-branch", "--sync-branch", "--labels"} <= set(flags)
    assert not {"--mode", "--fail-on-drift", "--peer-ref", "--comment"} & set(flags)


def test_the_token_help_names_the_environment_variables(tmp_path):
    text = " ".join(schema_sync(tmp_path, "drift", "--help").stdout.split())
    assert "GITHUB_TOKEN" in text and "GH_TOKEN" in text


def test_mode_on_drift_is_refused(tmp_path):
    done = schema_sync(tmp_path, "drift", "--mode", "sync")
    assert done.returncode == 2
    assert "--mode" in done.stderr


def test_diff_of_identical_files_exits_0(tmp_path):
    assert schema_sync(tmp_path, "diff", str(CURRENT), str(CURRENT)).returncode == 0


def test_diff_of_different_files_exits_1(tmp_path):
    done = schema_sync(tmp_path, "diff", str(LEGACY), str(CURRENT), "--format", "json")
    assert done.returncode == 1
    assert '"changes"' in done.stdout


def test_diff_of_a_missing_file_exits_2_naming_it(tmp_path):
    done = schema_sync(tmp_path, "diff", str(CURRENT), "nope.yaml")
    assert done.returncode == 2
    assert "nope.yaml" in done.stderr


def test_a_spec_schema_with_a_yaml_syntax_error_is_exit_2_naming_it(tmp_path):
    (tmp_path / "schema.yaml").write_text("type: object\nproperties: {a: [\n")
    done = schema_sync(tmp_path, "validate", str(CURRENT), "--spec-schema", "schema.yaml")
    assert done.returncode == 2
    assert "schema.yaml" in done.stderr
    assert "Unexpected" not in done.stderr and "internal error" not in done.stderr


def test_a_fifo_is_refused_without_waiting(tmp_path):
    fifo = tmp_path / "spec.yaml"
    os.mkfifo(fifo)
    done = subprocess.run(
        [sys.executable, "-m", "sync_action", "validate", str(fifo)],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "not a regular file" in done.stderr


def test_a_file_over_5_mib_is_reported_at_its_real_size(tmp_path):
    big = tmp_path / "big.yaml"
    big.write_bytes(CURRENT.read_bytes() + b"#" * (6 * 1024 * 1024))
    done = schema_sync(tmp_path, "validate", str(big))
    assert done.returncode == 2
    assert f"{big.stat().st_size:,} bytes" in done.stderr


def test_a_directory_given_as_a_spec_is_exit_2(tmp_path):
    done = schema_sync(tmp_path, "validate", str(tmp_path))
    assert done.returncode == 2
    assert "directory" in done.stderr


def test_a_spec_schema_that_is_a_directory_is_exit_2(tmp_path: Path):
    done = schema_sync(tmp_path, "validate", str(CURRENT), "--spec-schema", str(tmp_path))
    assert done.returncode == 2
    assert "directory" in done.stderr
