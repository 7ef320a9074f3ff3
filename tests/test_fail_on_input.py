"""The `fail-on` input: its words, `never`, and `fail-on-drift` as its shorthand."""

from __future__ import annotations

import pytest

from sync_action.config import fail_on
from sync_action.errors import UsageError
from sync_action.vocabulary import FailOn


def test_fail_on_drift_is_shorthand_when_fail_on_is_unset() -> None:
    assert fail_on("", True) == {FailOn.DRIFT}
    assert fail_on("", False) == set()
    assert fail_on("never", True) == set()


def test_fail_on_reads_commas_newlines_and_any_case() -> None:
    assert fail_on("Drift,\nbreaking , VERSION-too-small", False) == {
        FailOn.DRIFT,
        FailOn.BREAKING,
        FailOn.VERSION_TOO_SMALL,
    }


def test_an_unknown_fail_on_word_is_a_usage_error() -> None:
    with pytest.raises(UsageError, match="unknown condition 'drfit'"):
        fail_on("drfit", True)


def test_never_stands_alone() -> None:
    with pytest.raises(UsageError, match="'never' cannot be combined"):
        fail_on("never,drift", True)
