"""A newcomer's first two commands, verbatim from README.md: the set-up command, then the
quick-start command, on a fresh clone with the system's python3 first on PATH and no
virtual environment activated.

The set-up command on a fresh clone takes about 35 s here (a new .venv and every
development tool installed into it), too long for every test run: the quick start runs
here on a fresh clone whose `.venv` is this checkout's (what the set-up command makes),
and scripts/fresh-debian-check runs both verbatim in a stock Debian 12; the last test
checks that it runs exactly the README's commands.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.actionrun import ROOT

README = (ROOT / "README.md").read_text()
SYSTEM_PATH = "/usr/bin:/bin"  # the system's python3 first, no venv's bin on it


def block(heading: str) -> list[str]:
    """The lines of the first ```bash block under a README heading."""
    section = README.split(f"## {heading}", 1)[1]
    return section.split("```bash\n", 1)[1].split("```", 1)[0].strip().splitlines()


SETUP = block("Set up and test")[0]
QUICK_START = block("Quick start")[0]
TESTS = block("Set up and test")[1]


def fresh_clone(tmp_path: Path) -> Path:
    clone = tmp_path / "clone"
    subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
    return clone


def newcomer(clone: Path, command: str, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    """`command` as typed into a fresh shell: no VIRTUAL_ENV, no PYTHON, system PATH."""
    env = {"PATH": SYSTEM_PATH, "HOME": str(tmp_path), "TMPDIR": str(tmp_path), "LANG": "C.UTF-8"}
    return subprocess.run(
        ["bash", "-c", command],
        cwd=clone,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def this_venv() -> Path:
    if sys.prefix == sys.base_prefix:
        pytest.skip("the tests do not run in a virtual environment to lend the clone")
    return Path(sys.prefix)


def test_the_readme_names_the_two_commands():
    assert (SETUP, QUICK_START) == ("bash scripts/setup", "bash examples/demo.sh")


def test_the_quick_start_runs_on_a_fresh_clone_after_the_setup(tmp_path):
    clone = fresh_clone(tmp_path)
    (clone / ".venv").symlink_to(this_venv(), target_is_directory=True)
    done = newcomer(clone, QUICK_START, tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "STRUKT1/strukt-app → unchanged" in done.stdout
    assert "pip" not in done.stdout + done.stderr


def test_the_quick_start_before_the_setup_says_to_run_it(tmp_path):
    plain = subprocess.run(
        ["python3", "-c", "import sync_action, yaml, jsonschema"],
        cwd=tmp_path,
        env={"PATH": SYSTEM_PATH},
        capture_output=True,
        check=False,
    )
    if plain.returncode == 0:
        pytest.skip("the system's python3 has sync_action installed")
    done = newcomer(fresh_clone(tmp_path), QUICK_START, tmp_path)
    assert done.returncode == 1
    assert f"run '{SETUP}'" in done.stderr
    assert "pip" not in done.stdout + done.stderr


def test_fresh_debian_check_runs_the_readmes_commands_in_order():
    script = (ROOT / "scripts" / "fresh-debian-check").read_text()
    inside = script.split("sh -c 'set -e;", 1)[1].split("' sh ", 1)[0]
    lines = [line.strip() for line in inside.splitlines()[1:]]
    assert lines[:2] == [SETUP, QUICK_START]
    assert lines[2].startswith(TESTS + " ")


def test_the_readme_shows_the_commands_the_demo_runs():
    section = README.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    shown = section.split("```bash\n")[2].split("```", 1)[0].strip().splitlines()
    demo = (ROOT / QUICK_START.split()[1]).read_text().splitlines()
    ran = [f"schema-sync {line[4:]}" for line in demo if line.startswith("run ")]
    assert sorted({" ".join(line.split()) for line in shown}) == sorted(set(ran))
