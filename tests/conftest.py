"""Shared fixtures: the real spec files, temporary git checkouts, the local GitHub."""

from __future__ import annotations

import json
import shutil
import subprocess
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

pytest_plugins = ["tests.localgithub.plugin", "tests.localairtable.plugin"]

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


def _tally() -> dict[str, Any]:
    """This process's end-to-end runs: where each ran, and how many were token-scanned."""
    from tests import e2emode
    from tests.actionrun import RUNS, SCANNED

    inside = sum(1 for where in RUNS if where != "host")
    return {
        "inside": inside,
        "host": len(RUNS) - inside,
        "scanned": len(SCANNED),
        "image": e2emode.image() if inside else "",
    }


TALLIES: list[dict[str, Any]] = []  # with pytest-xdist: what each worker reported


def pytest_sessionfinish(session: pytest.Session) -> None:
    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:  # an xdist worker: hand the tally to the controller
        workeroutput["schema_sync_tally"] = json.dumps(_tally())


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node: Any, error: object) -> None:
    tally = getattr(node, "workeroutput", {}).get("schema_sync_tally")
    if tally:
        TALLIES.append(json.loads(tally))


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter) -> None:
    """Say where the end-to-end runs ran and how many were searched for the token."""
    from tests import e2emode

    tallies = [*TALLIES, _tally()]
    inside = sum(t["inside"] for t in tallies)
    host = sum(t["host"] for t in tallies)
    scanned = sum(t["scanned"] for t in tallies)
    images = sorted({t["image"] for t in tallies if t["image"]})
    if inside:
        terminalreporter.write_line(
            f"end-to-end: {inside} runs in the container ({', '.join(images)}), {host} on the host"
        )
    elif host:
        terminalreporter.write_line(
            f"end-to-end: {host} runs on the host; container mode skipped: {e2emode.skip_reason()}"
        )
    if scanned:
        terminalreporter.write_line(
            f"token scan: {scanned} end-to-end action runs searched, no leak"
        )
