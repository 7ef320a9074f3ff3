"""pytest plugin: the `local_github` fixture, a fresh local GitHub per test.

A server starts in a few milliseconds (the REST description is parsed once per
process), so each test gets its own state and log. At teardown the test fails if
the server saw a request GitHub does not document or sent a body that does not
match GitHub's schema; a test that provokes violations on purpose calls
`local_github.clear_violations()`.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import LocalGitHub


@pytest.fixture
def local_github(tmp_path_factory: pytest.TempPathFactory) -> Iterator[LocalGitHub]:
    server = LocalGitHub(tmp_path_factory.mktemp("localgithub")).start()
    try:
        yield server
    finally:
        server.stop()
    if server.violations:
        listed = "\n  ".join(server.violations)
        pytest.fail(f"the local GitHub saw requests or answers GitHub would not:\n  {listed}")
