"""pytest plugin: the `local_github` fixture, a fresh local GitHub per test.

A server starts in a few milliseconds (the REST description is parsed once per
process), so each test gets its own state and log. At teardown the test fails if
the server saw a request GitHub does not document or sent a body that does not
match GitHub's schema; a test that provokes violations on purpose calls
`local_github.clear_violations()`. Independently, a `Referee` checks every answer on the
wire against GitHub's description (tests/references/) and fails the test that caused an
answer it refuses.
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache

import pytest

from .referee import Referee
from .server import LocalGitHub


@pytest.fixture
def local_github(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGitHub]:
    server = LocalGitHub(tmp_path_factory.mktemp("localgithub"))
    referee = shared_referee()
    server.observers.append(lambda *answer: server.refuse(referee.observe(*answer)))
    server.start()
    try:
        yield server
    finally:
        server.stop()
    if server.violations:
        listed = "\n  ".join(server.violations)
        pytest.fail(f"the local GitHub saw requests or answers GitHub would not:\n  {listed}")
    if server.refused:
        listed = "\n  ".join(server.refused)
        pytest.fail(f"GitHub's description refuses answers the local GitHub sent:\n  {listed}")


@cache
def shared_referee() -> Referee:
    """One per process: its validators are built once."""
    return Referee()
