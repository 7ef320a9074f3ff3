"""pytest plugin: `local_airtable`, a fresh local Airtable per test.

Its 429 lockout is 0.2 s instead of Airtable's 30, so a test that provokes one
never sleeps long; runs of the action get the same wait through
`SCHEMA_SYNC_AIRTABLE_LOCKOUT` (see `AIRTABLE_ENV`).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from .server import LocalAirtable

LOCKOUT = 0.2
AIRTABLE_ENV = {
    "SCHEMA_SYNC_AIRTABLE_LOCKOUT": str(LOCKOUT),
    "SCHEMA_SYNC_AIRTABLE_BACKOFF": "0.01",
}


@pytest.fixture
def local_airtable() -> Iterator[LocalAirtable]:
    server = LocalAirtable(lockout=LOCKOUT).start()
    try:
        yield server
    finally:
        server.stop()
