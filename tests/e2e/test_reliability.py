"""Faults, races and hostile timing, end to end: the real entrypoint against the local GitHub.

Each failure is produced for real by the local GitHub (`inject`, `limit_writes`,
latency) or by a second writer acting while the action's request is in flight;
nothing in the action is mocked or patched. What is checked is what users see
afterwards: exit code, outputs, summary, and the consumer's branches, pull
requests and comments, with nothing lost and nothing doubled. Every run is also
searched for the token by `run_action`.
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from calendar import timegm
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from sync_action.backends.github.hosting import GitHubHosting
from tests.actionrun import (
    CONSUMER,
    SOURCE,
    TOKEN,
    ActionRun,
    pull_request_event,
    run_action,
)
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec
from tests.localgithub.faults import Fault

BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
WEB, ADMIN = "STRUKT1/strukt-web", "STRUKT1/strukt-admin"
CONTENTS = r"/contents/"


def at_version(current: bytes, version: str) -> bytes:
    """The source spec moved on to `version`, with a field that only this version has."""
    data = yaml.safe_load(changed_spec(current))
    data["spec_version"] = version
    key = "v" + re.sub(r"\W", "_", version)
    data["tables"]["users"]["fields"][key] = {"name": key, "type": "string", "required": False}
    return yaml.safe_dump(data, sort_keys=False).encode()


@pytest.fixture
def source_spec(workspace, current_spec) -> bytes:
    content = at_version(current_spec, "v1.1.0")
    (workspace / SPEC_PATH).write_bytes(content)
    return content


def sync(workspace: Path, github, **inputs: str):
    return run_action(workspace, github, {"mode": "sync", "peer-repos": CONSUMER, **inputs})


def open_pulls(github, repo: str = CONSUMER):
    return github.pulls(repo, "open")


def statuses(github, method: str, path: str) -> list[int]:
    return [r.status for r in github.requests(method) if re.search(path, r.path)]


def commits_on_branch(github, repo: str = CONSUMER) -> int:
    git = github.repo(repo).git
    return git.count_between(git.branch_sha("main"), git.branch_sha(BRANCH))


def assert_created(run, github, content: bytes) -> None:
    assert run.returncode == 0, run.stdout + run.stderr
    assert run.outputs["sync-status"] == "created"
    [pull] = open_pulls(github)
    assert (pull.head, pull.base) == (BRANCH, "main")
    assert run.outputs["pr-urls"].endswith(f"/pull/{pull.number}")
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == content
    assert github.repo(CONSUMER).git.branches() == ["main", BRANCH]


def meanwhile(fault: Fault, action: Callable[[], object]) -> threading.Thread:
    """Run `action` from another thread as soon as a request reaches `fault`, while the
    fault's latency holds that request: another writer acting between reads and write."""

    def watch() -> None:
        give_up = time.monotonic() + 60
        while fault.hits == 0 and time.monotonic() < give_up:
            time.sleep(0.005)
        if fault.hits:
            action()
            watcher.acted = True  # type: ignore[attr-defined]

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.acted = False  # type: ignore[attr-defined]
    watcher.start()
    return watcher


# --- faults: server errors and dropped connections ------------------------------------------


def test_server_errors_on_reads_are_retried(workspace, github, source_spec):
    github.inject("GET", CONTENTS, status=502, times=2)
    github.inject("GET", r"/pulls$", status=503)
    github.inject("GET", r"/git/ref/heads/main$", status=500)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert statuses(github, "GET", CONTENTS)[:3] == [502, 502, 200]
    assert statuses(github, "GET", r"/pulls$") == [503, 200]


def test_server_errors_on_put_and_patch_are_retried(workspace, github, source_spec, current_spec):
    sync(workspace, github)
    newer = at_version(current_spec, "v1.2.0")
    (workspace / SPEC_PATH).write_bytes(newer)
    github.reset_log()
    github.inject("PUT", CONTENTS, status=502)
    github.inject("PATCH", r"/pulls/\d+$", status=503, times=2)
    run = sync(workspace, github)
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "updated"
    [pull] = open_pulls(github)
    assert "(v1.2.0)" in pull.title
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == newer
    assert commits_on_branch(github) == 2  # one per run, none doubled
    assert statuses(github, "PUT", CONTENTS) == [502, 200]
    assert statuses(github, "PATCH", r"/pulls/") == [503, 503, 200]


def test_dropped_connections_are_retried(workspace, github, source_spec):
    github.inject("GET", r"/pulls$", reset_connection=True)
    github.inject("PUT", CONTENTS, reset_connection=True)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert statuses(github, "GET", r"/pulls$")[:2] == [0, 200]
    assert statuses(github, "PUT", CONTENTS) == [0, 200]


@pytest.mark.parametrize("lost", ["502", "reset"])
def test_a_commit_whose_answer_was_lost_is_not_doubled(workspace, github, source_spec, lost):
    """The PUT was performed, the answer lost: the retry meets a 409, the re-read finds
    this run's content, and the branch has exactly one commit."""
    if lost == "502":
        github.inject("PUT", CONTENTS, status=502, after=True)
    else:
        github.inject("PUT", CONTENTS, reset_connection=True, after=True)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert commits_on_branch(github) == 1
    assert statuses(github, "PUT", CONTENTS) == [0 if lost == "reset" else 502, 409]


@pytest.mark.parametrize("lost", ["502", "reset"])
def test_a_pull_request_whose_answer_was_lost_is_not_doubled(workspace, github, source_spec, lost):
    if lost == "502":
        github.inject("POST", r"/pulls$", status=502, after=True)
    else:
        github.inject("POST", r"/pulls$", reset_connection=True, after=True)
    github.inject("POST", r"/labels$", status=502, after=True)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert len(github.pulls(CONSUMER)) == 1
    assert sorted(open_pulls(github)[0].labels) == ["bot", "breaking-change", "schema-sync"]
    assert len(github.requests("POST", "/pulls")) == 1  # looked for it instead of resending


def test_a_branch_whose_answer_was_lost_is_not_doubled(workspace, github, source_spec):
    github.inject("POST", r"/git/refs$", status=502, after=True)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert commits_on_branch(github) == 1
    assert len(github.requests("POST", "/git/refs")) == 1


def test_a_drift_comment_whose_answer_was_lost_is_not_doubled(workspace, github, source_spec):
    github.open_pull(SOURCE, "feature")
    github.inject("POST", r"/issues/1/comments$", status=502, after=True)
    run = run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER},
        event_name="pull_request",
        event=pull_request_event(1),
    )
    assert run.returncode == 1  # drift, reported; the comment is in place
    [comment] = github.comments(SOURCE, 1)
    assert comment.body.startswith(f"<!-- schema-sync:drift:{SPEC_PATH} -->")
    assert not [w for w in run.commands("warning") if "comment" in w.lower()]


# --- faults: rate limits --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("method", "path", "limit"),
    [
        ("POST", r"/pulls$", {"status": 403, "retry_after": 1}),
        ("GET", CONTENTS, {"status": 429, "retry_after": 1}),
        ("PUT", CONTENTS, {"status": 403, "ratelimit_reset": 1}),
        ("GET", r"/pulls$", {"status": 429, "ratelimit_reset": 1}),
    ],
    ids=["403-retry-after-post", "429-retry-after", "403-ratelimit-reset", "429-ratelimit-reset"],
)
def test_rate_limits_are_waited_out(workspace, github, source_spec, method, path, limit):
    github.inject(method, path, **limit)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    limited, retried = [r for r in github.requests(method) if re.search(path, r.path)][:2]
    assert limited.status == limit["status"] and retried.status < 400
    assert retried.at - limited.at >= 1.0  # GitHub's wait was honoured, not guessed


def test_the_secondary_limit_on_writes_is_waited_out(workspace, github, source_spec):
    github.limit_writes(2, per_seconds=1)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert 403 in [w.status for w in github.writes()]
    assert sorted(open_pulls(github)[0].labels) == ["bot", "breaking-change", "schema-sync"]


def test_a_rate_limit_that_resets_in_an_hour_fails_at_once_naming_the_reset(
    workspace, github, source_spec
):
    github.inject("GET", CONTENTS, status=403, ratelimit_reset=3600, times=None)
    started = time.time()
    run = sync(workspace, github)
    took = time.time() - started
    assert run.returncode == 3
    assert len(github.requests("GET", "/contents/")) == 1  # no retry: nothing waited
    [error] = run.commands("error")
    assert "rate limit" in error
    found = re.search(r"resets at (\d{4}-\d\d-\d\d \d\d:\d\d:\d\d) UTC \(in 60 min\)", error)
    assert found, error
    reset = timegm(time.strptime(found.group(1), "%Y-%m-%d %H:%M:%S"))
    assert started + 3600 - 1 <= reset <= started + took + 3601
    assert run.outputs["sync-status"] == "failed"
    assert "rate limit" in run.summary


def test_a_persistent_server_error_gives_up_within_bounded_time(workspace, github, source_spec):
    github.inject("GET", CONTENTS, status=500, times=None)
    run = sync(workspace, github)
    assert run.returncode == 3
    assert run.outputs["sync-status"] == "failed"
    assert statuses(github, "GET", CONTENTS) == [500] * 5  # the first try and 4 retries
    asked = [r.at for r in github.requests("GET") if re.search(CONTENTS, r.path)]
    waits = [later - earlier for earlier, later in itertools.pairwise(asked)]
    assert all(wait >= 0.25 * 2**i for i, wait in enumerate(waits)), waits  # doubling backoff
    [error] = run.commands("error")
    assert "500" in error and "after retries" in error
    assert github.writes() == []


def test_a_persistent_server_error_on_the_pull_request_leaves_nothing_behind(
    workspace, github, source_spec
):
    github.inject("POST", r"/pulls$", status=500, times=None)
    run = sync(workspace, github)
    assert run.returncode == 3
    assert github.pulls(CONSUMER) == []
    assert github.branch_sha(CONSUMER, BRANCH) is None  # the branch it made is removed
    assert len(github.requests("POST", "/pulls")) == 3  # tried, looked, tried again


def test_a_failed_run_never_deletes_a_branch_someone_else_moved_on(workspace, github, source_spec):
    """Nothing half-written, but nothing lost: the branch this run created is removed when
    its pull request cannot be opened, unless another writer has committed there since."""
    failing = github.inject("POST", r"/pulls$", status=500, times=None, latency=0.5)
    theirs: list[str] = []
    other = meanwhile(
        failing, lambda: theirs.append(github.commit(CONSUMER, BRANCH, {"NOTES.md": b"mine\n"}))
    )
    run = sync(workspace, github)
    other.join(5)
    assert run.returncode == 3
    assert github.branch_sha(CONSUMER, BRANCH) == theirs[0]


def test_a_request_that_times_out_is_retried(github, source_spec):
    """At the hosting level, not through the entrypoint: the action's client timeout is
    30 s, so an end-to-end timeout costs over 30 s; here the same client times out at 1 s."""
    host = GitHubHosting(github.api_url, TOKEN, timeout=1)
    slow = github.inject("GET", CONTENTS, latency=1.5)
    assert host.read_file(CONSUMER, SPEC_PATH, "main").content is not None
    answered = [r for r in github.requests("GET") if re.search(CONTENTS, r.path) and not r.injected]
    assert slow.hits == 1 and len(answered) == 1  # gave up on the slow answer, asked again
    github.commit(CONSUMER, BRANCH, {SPEC_PATH: source_spec})
    github.inject("POST", r"/pulls$", latency=1.1)  # performed after the client gave up
    pull = host.open_pull(CONSUMER, BRANCH, "main", "Sync", "body")
    assert [p.number for p in github.pulls(CONSUMER)] == [pull.number]


# --- races ----------------------------------------------------------------------------------


def test_a_pull_request_opened_meanwhile_is_found_and_updated(workspace, github, source_spec):
    slow = github.inject("POST", r"/pulls$", latency=1.0)
    other = meanwhile(slow, lambda: github.open_pull(CONSUMER, BRANCH, title="other run"))
    run = sync(workspace, github)
    other.join(5)
    assert other.acted
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "updated"
    [pull] = github.pulls(CONSUMER)
    assert pull.title.endswith("(v1.1.0)") and "SHA-256" in pull.body
    assert run.outputs["pr-urls"].endswith(f"/pull/{pull.number}")
    assert statuses(github, "POST", r"/pulls$") == [422]
    assert sorted(pull.labels) == ["bot", "breaking-change", "schema-sync"]


def test_a_branch_moved_meanwhile_is_reread_and_the_commit_redone(workspace, github, source_spec):
    slow = github.inject("PUT", CONTENTS, latency=1.0)
    theirs: list[str] = []
    other = meanwhile(
        slow,
        lambda: theirs.append(
            github.commit(CONSUMER, BRANCH, {SPEC_PATH: b"tables: {}\n"}, "someone's edit")
        ),
    )
    run = sync(workspace, github)
    other.join(5)
    assert_created(run, github, source_spec)
    assert statuses(github, "PUT", CONTENTS) == [409, 200]
    git = github.repo(CONSUMER).git
    assert git.is_ancestor(theirs[0], git.branch_sha(BRANCH))  # their commit is kept
    assert commits_on_branch(github) == 2


def test_a_newer_version_committed_meanwhile_is_not_written_over(
    workspace, github, source_spec, current_spec
):
    """The write names the blob it replaces, so a newer sync landing between this run's
    read and its write turns the write into a 409; the re-read sees the newer version."""
    newer = at_version(current_spec, "v1.2.0")
    slow = github.inject("PUT", CONTENTS, latency=1.0)
    other = meanwhile(slow, lambda: github.commit(CONSUMER, BRANCH, {SPEC_PATH: newer}))
    run = sync(workspace, github)
    other.join(5)
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "unchanged"
    assert statuses(github, "PUT", CONTENTS) == [409]
    assert github.read(CONSUMER, BRANCH, SPEC_PATH) == newer
    assert github.pulls(CONSUMER) == []  # the newer run's to open
    assert "v1.2.0" in run.commands("warning")[0]


def test_a_run_that_died_before_opening_the_pull_request_is_finished(
    workspace, github, source_spec
):
    left = github.commit(CONSUMER, BRANCH, {SPEC_PATH: source_spec}, "sync, then the runner died")
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert github.branch_sha(CONSUMER, BRANCH) == left  # no extra commit
    assert [w.path.rsplit("/", 1)[-1] for w in github.writes()] == ["refs", "pulls", "labels"]


def test_a_run_that_died_after_creating_the_branch_is_finished(workspace, github, source_spec):
    github.create_branch(CONSUMER, BRANCH)
    run = sync(workspace, github)
    assert_created(run, github, source_spec)
    assert commits_on_branch(github) == 1


def test_an_older_run_never_overwrites_a_newer_sync(workspace, github, current_spec, tmp_path):
    newer = at_version(current_spec, "v1.10.0")
    (workspace / SPEC_PATH).write_bytes(newer)
    assert sync(workspace, github).outputs["sync-status"] == "created"
    [pull] = open_pulls(github)
    head, title, body = github.branch_sha(CONSUMER, BRANCH), pull.title, pull.body
    older = tmp_path / "older"
    (older / "schema").mkdir(parents=True)
    (older / SPEC_PATH).write_bytes(at_version(current_spec, "v1.9.0"))
    github.reset_log()
    run = sync(older, github)
    assert run.returncode == 0, run.stdout
    assert run.outputs["sync-status"] == "unchanged"
    assert github.writes() == []
    assert github.branch_sha(CONSUMER, BRANCH) == head
    assert (open_pulls(github)[0].title, open_pulls(github)[0].body) == (title, body)
    [warning] = run.commands("warning")
    assert "v1.10.0" in warning and "newer than this v1.9.0" in warning
    assert "v1.10.0" in run.summary
    forced = sync(older, github, **{"force-sync": "true"})
    assert forced.outputs["sync-status"] == "updated"  # force-sync is the way to go back
    assert b"v1.9.0" in github.read(CONSUMER, BRANCH, SPEC_PATH)


def test_an_older_run_does_not_close_a_newer_pull_request(workspace, github, current_spec):
    older = at_version(current_spec, "v1.1.0")
    github.commit(CONSUMER, "main", {SPEC_PATH: older}, "v1.1.0 merged")
    github.commit(CONSUMER, BRANCH, {SPEC_PATH: at_version(current_spec, "v1.2.0")}, "v1.2.0")
    github.open_pull(CONSUMER, BRANCH, title="sync v1.2.0")
    (workspace / SPEC_PATH).write_bytes(older)
    github.reset_log()
    run = sync(workspace, github)
    assert run.returncode == 0
    assert run.outputs["sync-status"] == "unchanged"
    assert [p.title for p in open_pulls(github)] == ["sync v1.2.0"]
    assert github.writes() == []


@pytest.mark.parametrize("first", ["newer", "older"])
def test_two_runs_at_once_leave_one_pull_request_with_the_newer_version(
    workspace, github, current_spec, tmp_path, first
):
    """Two runs from different source commits, started together, each syncing three
    consumers: whatever the interleaving, each consumer ends with one pull request whose
    branch and title carry the newer version (the older run either loses its races or
    is written over)."""
    newer, older = at_version(current_spec, "v1.3.0"), at_version(current_spec, "v1.2.5")
    places = {"newer": workspace, "older": tmp_path / "older"}
    (places["older"] / "schema").mkdir(parents=True)
    places["older"].joinpath(SPEC_PATH).write_bytes(older)
    workspace.joinpath(SPEC_PATH).write_bytes(newer)
    github.latency = 0.02  # requests interleave, as they do on github.com
    consumers = [f"STRUKT1/consumer-{i}" for i in range(3)]
    for name in consumers:
        github.create_repo(name, {SPEC_PATH: current_spec})
    runs: dict[str, ActionRun] = {}

    def go(which: str) -> None:
        peers = {"mode": "sync", "peer-repos": ",".join(consumers)}
        runs[which] = run_action(places[which], github, peers)

    order = [first, "older" if first == "newer" else "newer"]
    threads = [threading.Thread(target=go, args=(which,)) for which in order]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(120)
    for which in order:
        assert runs[which].returncode == 0, runs[which].stdout
    assert set(runs["newer"].outputs["sync-status"].split()) <= {
        f"{name}={status}" for name in consumers for status in ("created", "updated")
    }
    for name in consumers:
        [pull] = github.pulls(name)
        assert pull.state == "open"
        assert github.read(name, BRANCH, SPEC_PATH) == newer, name
        assert pull.title.endswith("(v1.3.0)"), (name, pull.title)


# --- many consumers, one failing ------------------------------------------------------------


def _forbid(github) -> None:
    github.add_token(TOKEN, {SOURCE: "write", CONSUMER: "write", WEB: "write", ADMIN: "read"})


def _allow(github) -> None:
    github.add_token(TOKEN)


def _hide(github) -> None:
    github.repo(ADMIN).private = True
    github.add_token(TOKEN, {SOURCE: "write", CONSUMER: "write", WEB: "write"})


def _break(github) -> None:
    github.inject("*", rf"^/repos/{ADMIN}/", status=500, times=None)


@pytest.mark.parametrize(
    ("fault", "fix", "why"),
    [
        (_forbid, _allow, "lacks the permission"),
        (_hide, _allow, "not found"),
        (_break, lambda github: github.clear_faults(), "500"),
    ],
    ids=["403", "404", "500-persistent"],
)
def test_one_failing_consumer_of_three_and_the_rerun_after_the_fix(
    workspace, github, source_spec, current_spec, fault, fix, why
):
    for name in (WEB, ADMIN):
        github.create_repo(name, {SPEC_PATH: current_spec})
    fault(github)
    peers = {"peer-repos": "\n".join([CONSUMER, ADMIN, WEB])}
    run = sync(workspace, github, **peers)
    assert run.returncode == 3, run.stdout
    assert run.outputs["sync-status"].splitlines() == [
        f"{CONSUMER}=created",
        f"{ADMIN}=failed",
        f"{WEB}=created",
    ]
    [error] = run.commands("error")
    assert ADMIN in error and why in error
    assert ADMIN in run.summary and why in run.summary
    assert [len(open_pulls(github, r)) for r in (CONSUMER, WEB)] == [1, 1]
    assert github.pulls(ADMIN) == [] and github.branch_sha(ADMIN, BRANCH) is None

    fix(github)
    github.reset_log()
    again = sync(workspace, github, **peers)
    assert again.returncode == 0, again.stdout
    assert again.outputs["sync-status"].splitlines() == [
        f"{CONSUMER}=unchanged",
        f"{ADMIN}=created",
        f"{WEB}=unchanged",
    ]
    assert {w.path.split("/")[3] for w in github.writes()} == {ADMIN.split("/")[1]}
    for name in (CONSUMER, ADMIN, WEB):
        [pull] = open_pulls(github, name)
        assert pull.title.endswith("(v1.1.0)")
        assert github.read(name, BRANCH, SPEC_PATH) == source_spec
