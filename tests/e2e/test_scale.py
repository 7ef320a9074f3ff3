"""Many consumers: request counts that grow exactly with the consumers, writes paced to a
budget, and the fan-out bound.

Nothing here measures time: `benchmarks/run.py` does (see docs/performance.md). The
pacer's arithmetic is checked with a hand-driven clock; the end-to-end runs go through
the real entrypoint against the local GitHub and read its request log.
"""

from __future__ import annotations

from typing import Any

import pytest

from sync_action.backends.github.pacing import WRITE_LIMITS, WritePacer
from sync_action.core.errors import UsageError
from sync_action.modes.context import MAX_WORKERS
from sync_action.settings.config import write_limits
from tests.actionrun import SOURCE, TOKEN, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec

BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"

# --- the pacer, on a clock the test moves ------------------------------------------------------


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def write(pacer: WritePacer) -> None:
    """One write that fits now (the pacer must not hold it back)."""
    assert pacer.delay() == 0
    with pacer.write():
        pass


def test_a_burst_within_the_budget_goes_through_unhindered() -> None:
    clock = Clock()
    pacer = WritePacer([(5, 10.0)], clock=clock)
    for _ in range(5):
        write(pacer)
        clock.now += 0.1
    assert pacer.waited == 0


def test_past_the_budget_a_write_waits_until_the_oldest_ages_out() -> None:
    clock = Clock()
    pacer = WritePacer([(3, 10.0)], clock=clock)
    for _ in range(3):
        write(pacer)
        clock.now += 1.0
    # writes finished at 1000, 1001, 1002; it is 1003: the first leaves the window at 1010
    assert pacer.delay() == pytest.approx(7.0)
    clock.now = 1010.0
    write(pacer)
    assert pacer.delay() == pytest.approx(1.0)  # the next one waits for 1001 to age out


def test_every_window_must_have_room() -> None:
    clock = Clock()
    pacer = WritePacer([(10, 1.0), (3, 60.0)], clock=clock)
    for _ in range(3):
        write(pacer)
    clock.now += 2.0
    assert pacer.delay() == pytest.approx(58.0)  # the minute window is full, not the second


def test_writes_in_flight_count_until_they_finish() -> None:
    clock = Clock()
    pacer = WritePacer([(2, 10.0)], clock=clock)
    with pacer.write():
        write(pacer)
        assert pacer.delay() == pytest.approx(10.0)  # one finished, one still in flight
    clock.now += 3.0
    # both count from when they finished: the one that was in flight finished later
    assert pacer.delay() == pytest.approx(7.0)


def test_a_budget_taken_by_writes_in_flight_waits_for_one_to_land() -> None:
    pacer = WritePacer([(1, 10.0)], clock=Clock())
    with pacer.write():
        assert pacer.delay() == float("inf")


def test_no_limits_means_no_pacing() -> None:
    pacer = WritePacer([])
    for _ in range(1000):
        with pacer.write():
            pass
    assert pacer.waited == 0


def test_the_default_budget_is_githubs() -> None:
    assert WRITE_LIMITS == ((80, 60.0), (500, 3600.0))


@pytest.mark.parametrize(
    ("value", "limits"),
    [
        ("", None),
        ("off", ()),
        (" OFF ", ()),
        ("80/min,500/h", ((80, 60.0), (500, 3600.0))),
        ("20/2s", ((20, 2.0),)),
        ("200 / min\n2000/h", ((200, 60.0), (2000, 3600.0))),
        ("5/s", ((5, 1.0),)),
        ("30/0.5min", ((30, 30.0),)),
    ],
)
def test_the_write_limit_setting(value: str, limits: Any) -> None:
    assert write_limits(value) == limits


@pytest.mark.parametrize("value", ["fast", "80", "0/min", "80/0s", "80/day", "-1/min", "80/min;"])
def test_a_malformed_write_limit_is_bad_input(value: str) -> None:
    with pytest.raises(UsageError, match="SCHEMA_SYNC_WRITE_LIMIT"):
        write_limits(value)


# --- many consumers, end to end ------------------------------------------------------------------


@pytest.fixture
def github(local_github, current_spec):
    local_github.create_repo(SOURCE, {SPEC_PATH: current_spec})
    local_github.add_token(TOKEN)
    return local_github


@pytest.fixture
def source_spec(workspace, current_spec) -> bytes:
    content = changed_spec(current_spec)
    (workspace / SPEC_PATH).write_bytes(content)
    return content


def consumers(github, prefix: str, count: int, content: bytes) -> list[str]:
    names = [f"STRUKT1/{prefix}-{i:02d}" for i in range(count)]
    for name in names:
        github.create_repo(name, {SPEC_PATH: content})
    return names


def sync(workspace, github, peers: list[str], **env: str):
    run = run_action(workspace, github, {"mode": "sync", "peer-repos": "\n".join(peers)}, env=env)
    assert run.returncode == 0, run.stdout + run.stderr
    return run


def statuses(run) -> list[str]:
    return [result["status"] for result in run.results]


def test_twenty_consumers_within_a_write_budget_get_no_403(
    workspace, github, source_spec, current_spec
):
    peers = consumers(github, "app", 20, current_spec)
    github.latency = 0.01
    github.limit_writes(20, per_seconds=2)
    github.reset_log()
    run = sync(workspace, github, peers, SCHEMA_SYNC_WRITE_LIMIT="20/2s")
    assert statuses(run) == ["created"] * 20
    assert all(len(github.pulls(p, "open")) == 1 for p in peers)
    assert all(github.read(p, BRANCH, SPEC_PATH) == source_spec for p in peers)
    assert len(github.writes()) == 20 * 4  # the budget was needed four times over
    assert [r for r in github.requests() if r.status in (403, 429)] == []
    assert 1 < github.max_concurrency <= MAX_WORKERS


def test_without_pacing_the_same_budget_is_exceeded(workspace, github, source_spec, current_spec):
    """The counter-check: the budget above really bites when writes are not paced."""
    peers = consumers(github, "app", 8, current_spec)
    github.limit_writes(8, per_seconds=2)
    github.reset_log()
    run = sync(workspace, github, peers, SCHEMA_SYNC_WRITE_LIMIT="off")
    assert statuses(run) == ["created"] * 8  # waited out after GitHub's 403, but it came
    assert any(r.status == 403 for r in github.writes())


def test_ten_consumers_cost_ten_times_one(workspace, github, source_spec, current_spec):
    [one] = consumers(github, "one", 1, current_spec)
    ten = consumers(github, "ten", 10, current_spec)
    github.latency = 0.01

    def counted(peers: list[str], status: str) -> tuple[int, int]:
        github.reset_log()
        assert statuses(sync(workspace, github, peers)) == [status] * len(peers)
        return len(github.reads()), len(github.writes())

    created = counted([one], "created")
    reads, writes = counted(ten, "created")
    # The source's history is asked once per question, however many consumers share it.
    assert reads <= 10 * created[0]
    assert writes == 10 * created[1]
    assert 1 < github.max_concurrency <= MAX_WORKERS
    unchanged = counted([one], "unchanged")
    assert unchanged[1] == 0
    assert counted(ten, "unchanged") == (10 * unchanged[0], 0)


def test_a_malformed_write_limit_stops_the_run_with_exit_2(workspace, github, source_spec):
    run = run_action(
        workspace,
        github,
        {"mode": "sync", "peer-repos": "STRUKT1/app"},
        env={"SCHEMA_SYNC_WRITE_LIMIT": "as fast as possible"},
    )
    assert run.returncode == 2
    assert any("SCHEMA_SYNC_WRITE_LIMIT" in line for line in run.commands("error"))
    assert github.requests() == []
