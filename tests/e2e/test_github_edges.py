"""GitHub's edges, end to end: the real entrypoint against the local GitHub, which answers
each edge as GitHub does (`tests/localgithub/breakage.py`, `edges.py`).

Every run syncs two consumers, one of them meeting the edge: the other is always synced.
Rate-limit waits are counted in the log ("waiting 60 s: ..."), never slept:
`SCHEMA_SYNC_WAIT_SCALE=0` makes the action sleep none of what it says it waits.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
import requests

from tests.actionrun import CONSUMER, TOKEN, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec

BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
OTHER = "STRUKT1/strukt-admin"
RENAMED = "STRUKT1/strukt-mobile"
EMPTY = "STRUKT1/strukt-new"
NO_SLEEP = {"SCHEMA_SYNC_WAIT_SCALE": "0"}
CONTENTS = rf"^/repos/{CONSUMER}/contents/"


@pytest.fixture
def source_spec(workspace: Path, current_spec: bytes) -> bytes:
    content = changed_spec(current_spec)
    (workspace / SPEC_PATH).write_bytes(content)
    return content


@pytest.fixture
def other(github, current_spec):
    github.create_repo(OTHER, {SPEC_PATH: current_spec})
    return OTHER


def sync(workspace: Path, github, *peers: str):
    inputs = {"mode": "sync", "peer-repos": "\n".join(peers)}
    return run_action(workspace, github, inputs, env=NO_SLEEP)


def statuses(run) -> dict[str, str]:
    return dict(line.split("=", 1) for line in run.outputs["sync-status"].splitlines())


def waits(run) -> list[str]:
    return re.findall(r"^waiting (\d+ s: .*)$", run.stdout, flags=re.MULTILINE)


def assert_synced(github, repo: str, content: bytes) -> None:
    [pull] = github.pulls(repo, "open")
    assert (pull.head, pull.base) == (BRANCH, "main")
    assert github.read(repo, BRANCH, SPEC_PATH) == content


def logged(github, method: str, pattern: str) -> list[int]:
    return [r.status for r in github.requests(method) if re.search(pattern, r.path)]


# --- renamed and transferred repositories -------------------------------------------------


def test_a_renamed_consumer_gets_its_pull_request_and_a_warning_to_update_peer_repos(
    workspace, github, other, source_spec
):
    github.rename_repo(CONSUMER, "strukt-mobile")
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 0, run.stdout
    assert statuses(run) == {CONSUMER: "created", other: "created"}
    assert_synced(github, RENAMED, source_spec)
    assert_synced(github, other, source_spec)
    moved = [w for w in run.commands("warning") if "update peer-repos" in w]
    assert len(moved) == 1
    assert moved[0].endswith(f"{CONSUMER} is now {RENAMED}: update peer-repos")


def test_drift_reads_a_renamed_consumer_and_warns_once(workspace, github, other):
    github.rename_repo(CONSUMER, "strukt-mobile")
    inputs = {"mode": "drift", "peer-repos": f"{CONSUMER}\n{other}"}
    run = run_action(workspace, github, inputs, env=NO_SLEEP)
    assert run.returncode == 0, run.stdout
    assert [r["status"] for r in run.results] == ["in-sync", "in-sync"]
    [moved] = [w for w in run.commands("warning") if "update peer-repos" in w]
    assert moved.endswith(f"{CONSUMER} is now {RENAMED}: update peer-repos")


def test_a_renamed_consumer_costs_one_redirect_a_run(workspace, github, source_spec):
    github.rename_repo(CONSUMER, "strukt-mobile")
    run = sync(workspace, github, CONSUMER)
    assert run.returncode == 0, run.stdout
    [moved] = [r for r in github.requests() if r.status in (301, 307)]
    assert moved.path.startswith(f"/repos/{CONSUMER}/")
    later = github.requests()[github.requests().index(moved) + 1 :]
    assert [r.path for r in later if r.path.startswith(f"/repos/{CONSUMER}")] == []


def test_a_transferred_consumer_is_synced_under_its_new_owner_and_found_again(
    workspace, github, other, source_spec
):
    github.transfer_repo(CONSUMER, "STRUKT2")
    first = sync(workspace, github, CONSUMER, other)
    assert first.returncode == 0, first.stdout
    assert_synced(github, "STRUKT2/strukt-app", source_spec)
    assert any("is now STRUKT2/strukt-app" in w for w in first.commands("warning"))
    again = sync(workspace, github, CONSUMER, other)
    assert statuses(again) == {CONSUMER: "unchanged", other: "unchanged"}
    assert len(github.pulls("STRUKT2/strukt-app")) == 1


# --- rate limits ------------------------------------------------------------------------


def test_a_secondary_limit_without_retry_after_waits_a_minute_and_succeeds(
    workspace, github, other, source_spec
):
    github.inject_secondary_limit("POST", rf"^/repos/{CONSUMER}/pulls$")
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 0, run.stdout
    assert waits(run) == ["60 s: GitHub's secondary rate limit"]
    assert logged(github, "POST", rf"^/repos/{CONSUMER}/pulls$") == [403, 201]
    assert_synced(github, CONSUMER, source_spec)
    assert_synced(github, other, source_spec)


def test_a_secondary_limit_with_retry_after_waits_what_github_says(workspace, github, source_spec):
    github.inject_secondary_limit("PUT", CONTENTS, status=429, retry_after=7)
    run = sync(workspace, github, CONSUMER)
    assert run.returncode == 0, run.stdout
    assert waits(run) == ["7 s: GitHub's secondary rate limit"]
    assert logged(github, "PUT", CONTENTS) == [429, 200]


def test_a_repeated_secondary_limit_waits_longer_and_gives_up_after_three_attempts(
    workspace, github, other, source_spec
):
    github.inject_secondary_limit("PUT", CONTENTS, times=None)
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    assert waits(run) == [
        "60 s: GitHub's secondary rate limit",
        "120 s: GitHub's secondary rate limit",
    ]
    assert logged(github, "PUT", CONTENTS) == [403, 403, 403]
    assert statuses(run) == {CONSUMER: "failed", other: "created"}
    [error] = run.commands("error")
    assert CONSUMER in error and "rate limit" in error
    assert github.branch_sha(CONSUMER, BRANCH) is None  # nothing half-written
    assert_synced(github, other, source_spec)


def test_a_spent_limit_that_resets_within_15_minutes_is_waited_for(workspace, github, source_spec):
    github.inject_primary_limit("GET", CONTENTS, reset_in=300)
    run = sync(workspace, github, CONSUMER)
    assert run.returncode == 0, run.stdout
    [wait] = waits(run)
    until = r"until it resets at \d\d:\d\d:\d\d UTC"
    assert re.fullmatch(rf"30[01] s: GitHub's rate limit, {until}", wait)
    assert_synced(github, CONSUMER, source_spec)


# --- rulesets and push protection --------------------------------------------------------


def test_a_ruleset_refusing_the_sync_branch_is_one_attempt_and_an_error_naming_the_rule(
    workspace, github, other, source_spec
):
    github.inject_rule_violation("POST", rf"^/repos/{CONSUMER}/git/refs$", rule="creation")
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    assert logged(github, "POST", rf"^/repos/{CONSUMER}/git/refs$") == [422]
    [error] = run.commands("error")
    assert f"a ruleset in {CONSUMER} refuses creating branch {BRANCH}" in error
    assert "Cannot create ref due to creations being restricted." in error
    assert "`schema-sync/*`" in error
    assert statuses(run) == {CONSUMER: "failed", other: "created"}
    assert_synced(github, other, source_spec)


def test_push_protection_refusing_the_file_is_no_conflict_and_leaves_no_branch(
    workspace, github, other, source_spec
):
    github.inject_rule_violation("PUT", CONTENTS, rule="secret_scanning")
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    assert logged(github, "PUT", CONTENTS) == [409]  # not re-read and retried as a race
    [error] = run.commands("error")
    assert f"push protection in {CONSUMER} refuses committing" in error
    assert "Push cannot contain secrets" in error and "changed meanwhile" not in error
    assert github.branch_sha(CONSUMER, BRANCH) is None
    assert_synced(github, other, source_spec)


def test_a_409_that_is_no_stale_sha_is_an_error_with_githubs_message(
    workspace, github, other, source_spec
):
    github.inject("POST", rf"^/repos/{CONSUMER}/git/refs$", status=409)
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    [error] = run.commands("error")
    assert "GitHub answered 409 Conflict" in error and "changed meanwhile" not in error
    assert logged(github, "POST", rf"^/repos/{CONSUMER}/git/refs$") == [409]
    assert_synced(github, other, source_spec)


# --- empty repositories -------------------------------------------------------------------


def test_an_empty_consumer_is_missing_in_drift(workspace, github, current_spec):
    github.create_empty_repo(EMPTY)
    inputs = {"mode": "drift", "peer-repos": f"{CONSUMER}\n{EMPTY}", "fail-on-drift": "false"}
    run = run_action(workspace, github, inputs, env=NO_SLEEP)
    assert run.returncode == 0, run.stdout
    assert {r["repository"]: r["status"] for r in run.results} == {
        CONSUMER: "in-sync",
        EMPTY: "missing",
    }
    assert run.commands("error") == []


def test_sync_to_an_empty_consumer_fails_it_and_writes_nothing_there(
    workspace, github, source_spec
):
    github.create_empty_repo(EMPTY)
    run = sync(workspace, github, EMPTY, CONSUMER)
    assert run.returncode == 3, run.stdout
    assert statuses(run) == {EMPTY: "failed", CONSUMER: "created"}
    [error] = run.commands("error")
    assert (
        f"{EMPTY} is empty: it needs a first commit on its default branch before a sync "
        "pull request can be opened"
    ) in error
    assert [w for w in github.writes() if w.path.startswith(f"/repos/{EMPTY}/")] == []
    assert_synced(github, CONSUMER, source_spec)


# --- answers without what was asked for --------------------------------------------------


def test_a_commit_answered_without_commit_fails_that_consumer_naming_it(
    workspace, github, other, source_spec
):
    github.inject_malformed("PUT", CONTENTS, "without-fields", drop=("commit",))
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    [error] = run.commands("error")
    assert CONSUMER in error
    assert (
        f"GitHub answered PUT /repos/{CONSUMER}/contents/{SPEC_PATH} with 200 but without `commit`"
    ) in error
    assert statuses(run) == {CONSUMER: "failed", other: "created"}
    assert_synced(github, other, source_spec)


def test_an_html_page_from_a_proxy_fails_that_consumer_without_showing_the_page(
    workspace, github, other, source_spec
):
    github.inject_malformed("GET", rf"^/repos/{CONSUMER}/pulls$", "html", times=None)
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    [error] = run.commands("error")
    assert f"GitHub answered GET /repos/{CONSUMER}/pulls with 502 but an HTML page" in error
    assert "<html" not in run.stdout and "Traceback" not in run.stdout + run.stderr
    assert statuses(run) == {CONSUMER: "failed", other: "created"}
    assert_synced(github, other, source_spec)


def test_a_body_that_is_not_json_fails_that_consumer(workspace, github, other, source_spec):
    github.inject_malformed("GET", rf"^/repos/{CONSUMER}/git/ref/heads/main$", "not-json")
    run = sync(workspace, github, CONSUMER, other)
    assert run.returncode == 3, run.stdout
    [error] = run.commands("error")
    assert "with 200 but a body that is not JSON" in error
    assert "JSONDecodeError" not in run.stdout and "Traceback" not in run.stderr
    assert statuses(run) == {CONSUMER: "failed", other: "created"}
    assert_synced(github, other, source_spec)


def test_an_answer_without_what_status_mode_counts_fails_that_count_not_the_run(
    workspace, github, other
):
    github.add_run("STRUKT1/strukt-system", "schema-sync.yml", "failure")
    runs = r"/actions/workflows/schema-sync\.yml/runs$"
    github.inject_malformed("GET", runs, "without-fields", drop=("total_count",))
    inputs = {
        "mode": "status",
        "peer-repos": f"{CONSUMER}\n{other}",
        "sync-workflow": "schema-sync.yml",
    }
    run = run_action(workspace, github, inputs, env=NO_SLEEP)
    assert run.returncode == 3, run.stdout
    [error] = run.commands("error")
    assert "with 200 but without `total_count`" in error
    assert [r["status"] for r in run.results] == ["in-sync", "in-sync"]
    assert "Traceback" not in run.stderr and "KeyError" not in run.stdout


# --- whatever else goes wrong inside one peer's work ------------------------------------------


def test_an_answer_the_action_cannot_use_fails_that_peer_only_without_a_traceback(
    workspace, github, other, current_spec
):
    """A file whose `content` is not base64 breaks decoding, an error no answer check
    names: that consumer fails with a plain sentence, the other is still compared."""
    url = f"{github.api_url}/repos/{CONSUMER}/contents/{SPEC_PATH}"
    real = requests.get(url, headers={"Authorization": f"token {TOKEN}"}, timeout=10).json()
    github.inject("GET", CONTENTS, status=200, body={**real, "content": "%%% not base64 %%%"})
    run = run_action(workspace, github, {"peer-repos": f"{CONSUMER}\n{other}"}, env=NO_SLEEP)
    assert run.returncode == 3, run.stdout
    [error] = run.commands("error")
    assert CONSUMER in error and "could not finish its work here" in error
    assert [r["status"] for r in run.results] == ["failed", "in-sync"]
    said = run.stdout + run.stderr
    assert "Traceback" not in said and "binascii" not in said and "Error:" not in said
