"""What the engine's tests share: the real spec's data, fresh for each test."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from sync_action.spec.model import load_file
from tests.conftest import CURRENT


@pytest.fixture
def spec() -> dict[str, Any]:
    """A fresh copy of the current fixture's data, free to change."""
    return copy.deepcopy(load_file(CURRENT).data)
