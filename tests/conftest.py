"""Shared fixtures: the real spec files, temporary git checkouts, the local GitHub."""

from __future__ import annotations

import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

pytest_plugins = ["tests.localgithub.plugin"]

FIXTURES = Path(__file__).parent / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
LEGACY = FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml"
SPEC_PATH = "schema/AIRTABLE_SPEC.yaml"
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.com",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.com",
}


def git(cwd: Path, *args: str) -> str:
    """Run the real git in `cwd`; return its output."""
    import os

    done = subprocess.run(
        ["git", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
        env={**os.environ, **GIT_ENV},
    )
    return done.stdout.strip()


@pytest.fixture
def current_spec() -> bytes:
    return CURRENT.read_bytes()


@pytest.fixture
def legacy_spec() -> bytes:
    return LEGACY.read_bytes()


@pytest.fixture
def checkout(tmp_path: Path) -> Callable[..., Path]:
    """A git checkout on `main` whose first commit holds the given files."""

    def make(name: str, files: dict[str, bytes], branch: str = "main") -> Path:
        path = tmp_path / name
        path.mkdir()
        git(path, "init", "-q", "-b", branch)
        for rel, content in files.items():
            target = path / rel
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_bytes(content)
        git(path, "add", "-A")
        git(path, "commit", "-q", "-m", "initial")
        return path

    return make


@pytest.fixture
def workspace(tmp_path: Path, current_spec: bytes) -> Path:
    """This repository's workspace: the current spec at the default path."""
    path = tmp_path / "workspace"
    (path / "schema").mkdir(parents=True)
    (path / SPEC_PATH).write_bytes(current_spec)
    return path


@pytest.fixture
def github(local_github, current_spec):
    """The local GitHub holding strukt-system and strukt-app at the current spec, and a
    token that may write to both."""
    from tests.actionrun import CONSUMER, SOURCE, TOKEN

    local_github.create_repo(SOURCE, {SPEC_PATH: current_spec})
    local_github.create_repo(CONSUMER, {SPEC_PATH: current_spec, "README.md": b"app\n"})
    local_github.add_token(TOKEN)
    return local_github


def copy_fixture(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, dest)


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the end-to-end runs ran and how many were searched for the token."""
    from tests import e2emode
    from tests.actionrun import RUNS, SCANNED

    if RUNS:
        inside = sum(1 for where in RUNS if where != "host")
        if inside:
            terminalreporter.write_line(
                f"end-to-end: {inside} runs in the container ({e2emode.image()}), "
                f"{len(RUNS) - inside} on the host"
            )
        else:
            terminalreporter.write_line(
                f"end-to-end: {len(RUNS)} runs on the host; container mode skipped: "
                f"{e2emode.skip_reason()}"
            )
    if SCANNED:
        terminalreporter.write_line(
            f"token scan: {len(SCANNED)} end-to-end action runs searched, no leak"
        )
