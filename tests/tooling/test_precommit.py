"""The pre-commit hook other repositories use: `.pre-commit-hooks.yaml`.

pre-commit needs `id`, `name`, `entry` and `language` for every hook, matches `files`
with `re.search` against each staged path, and runs `entry` followed by the file names.
"""

from __future__ import annotations

import re
import shlex
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
HOOKS = ROOT / ".pre-commit-hooks.yaml"
FIXTURES = ROOT / "tests" / "fixtures"

REQUIRED = ("id", "name", "entry", "language")
# The keys a hook definition may have (pre-commit's manifest schema).
KNOWN_KEYS = {
    "id",
    "name",
    "entry",
    "language",
    "alias",
    "files",
    "exclude",
    "types",
    "types_or",
    "exclude_types",
    "additional_dependencies",
    "args",
    "always_run",
    "fail_fast",
    "pass_filenames",
    "description",
    "language_version",
    "log_file",
    "minimum_pre_commit_version",
    "require_serial",
    "stages",
    "verbose",
}


def hooks() -> list[dict]:
    data = yaml.safe_load(HOOKS.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, "the manifest is a non-empty list of hooks"
    for hook in data:
        assert isinstance(hook, dict)
    return data


def the_hook() -> dict:
    return {hook["id"]: hook for hook in hooks()}["schema-sync-validate"]


def console_scripts() -> dict[str, str]:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    return pyproject["project"]["scripts"]


def test_manifest_has_only_the_validate_hook() -> None:
    assert [hook["id"] for hook in hooks()] == ["schema-sync-validate"]


def test_every_hook_has_the_required_fields() -> None:
    for hook in hooks():
        for key in REQUIRED:
            assert isinstance(hook.get(key), str) and hook[key].strip(), f"{hook}: {key}"
        assert set(hook) <= KNOWN_KEYS, sorted(set(hook) - KNOWN_KEYS)


def test_validate_hook_definition() -> None:
    hook = the_hook()
    assert hook["entry"] == "schema-sync validate"
    assert hook["language"] == "python"
    assert hook["files"] == r"AIRTABLE_SPEC\.ya?ml$"
    assert hook.get("pass_filenames", True) is True


def test_entry_command_is_a_console_script() -> None:
    command, *_ = shlex.split(the_hook()["entry"])
    scripts = console_scripts()
    assert command in scripts, f"{command} is not in [project.scripts]"
    assert scripts[command] == "sync_action.cli:main"


@pytest.mark.parametrize(
    ("path", "matches"),
    [
        ("AIRTABLE_SPEC.yaml", True),
        ("schema/AIRTABLE_SPEC.yaml", True),
        ("deep/er/AIRTABLE_SPEC.yml", True),
        ("schema/AIRTABLE_SPEC.yaml.orig", False),
        ("schema/AIRTABLE_SPEC.json", False),
        ("schema/AIRTABLE_SPECxyaml", False),
        ("schema/other.yaml", False),
        ("README.md", False),
    ],
)
def test_files_pattern(path: str, matches: bool) -> None:
    assert bool(re.search(the_hook()["files"], path)) is matches


def run_entry(*files: Path) -> subprocess.CompletedProcess[str]:
    """The hook's entry with file names, as pre-commit runs it (the console script's module)."""
    _, *args = shlex.split(the_hook()["entry"])
    return subprocess.run(
        [sys.executable, "-m", "sync_action", *args, *map(str, files)],
        capture_output=True,
        text=True,
        check=False,
        cwd=ROOT,
    )


def test_entry_passes_valid_specs() -> None:
    done = run_entry(FIXTURES / "AIRTABLE_SPEC.yaml", FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml")
    assert done.returncode == 0, done.stdout + done.stderr


def test_entry_fails_an_invalid_spec(tmp_path: Path) -> None:
    broken = tmp_path / "AIRTABLE_SPEC.yaml"
    broken.write_text("tables:\n  a: 1\n  a: 2\n", encoding="utf-8")
    done = run_entry(FIXTURES / "AIRTABLE_SPEC.yaml", broken)
    assert done.returncode == 2
    assert str(broken) in done.stdout + done.stderr


def test_manifest_passes_pre_commits_own_check() -> None:
    pre_commit = shutil.which("pre-commit")
    if pre_commit is None:
        pytest.skip("pre-commit is not installed")
    done = subprocess.run(
        [pre_commit, "validate-manifest", str(HOOKS)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
