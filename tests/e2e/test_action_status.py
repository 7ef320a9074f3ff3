"""Status mode end to end: a scheduled run of the real entrypoint against the local GitHub."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from tests.actionrun import CONSUMER, SOURCE, TOKEN, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec
from tests.localgithub.gitstore import Person

BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
SECOND = "STRUKT1/strukt-web"
MARKER = f"<!-- schema-sync:dashboard:{SPEC_PATH} -->"
NOW = datetime.now(UTC)


def at(moment: datetime) -> Person:
    return Person("Dev", "dev@example.com", f"{int(moment.timestamp())} +0000")


@pytest.fixture
def estate(github, workspace, current_spec):
    """The source moved to v1.1.0 30 days ago; strukt-web got it through a sync PR merged
    36 hours later; strukt-app is behind, its sync PR open for 10 days."""
    new = changed_spec(current_spec)
    (workspace / SPEC_PATH).write_bytes(new)
    made = github.commit(
        SOURCE, "main", {SPEC_PATH: new}, "Spec v1.1.0", author=at(NOW - timedelta(days=30))
    )
    github.commit(SOURCE, "main", {"README.md": b"docs\n"}, "Docs", author=at(NOW))
    # strukt-web: synced from `made` 30 days ago, merged 36 hours later.
    github.create_repo(SECOND, {"README.md": b"web\n"})
    github.commit(SECOND, BRANCH, {SPEC_PATH: new}, f"chore(schema): sync {SPEC_PATH} from x")
    pull = github.open_pull(
        SECOND,
        BRANCH,
        body=f"<!-- schema-sync:pr commit={made} -->",
        created_at=NOW - timedelta(days=30),
        user="github-actions[bot]",
    )
    github.merge_pull(SECOND, pull.number, at=NOW - timedelta(days=30) + timedelta(hours=36))
    # strukt-app: the sync PR for v1.1.0 has waited 10 days; someone pushed onto it.
    github.commit(CONSUMER, BRANCH, {SPEC_PATH: new}, f"chore(schema): sync {SPEC_PATH} from y")
    github.commit(CONSUMER, BRANCH, {"README.md": b"app!\n"}, "tweak", author=at(NOW))
    stale = github.open_pull(
        CONSUMER, BRANCH, created_at=NOW - timedelta(days=10), user="github-actions[bot]"
    )
    github.pull(CONSUMER, stale.number).requested_reviewers.append("octocat")
    github.pull(CONSUMER, stale.number).mergeable = True
    return {"made": made, "stale": stale.number, "merged": pull.number}


def status(workspace, github, **inputs):
    """A scheduled run: GITHUB_SHA is the source's default branch head, as on GitHub."""
    return run_action(
        workspace,
        github,
        {"mode": "status", "peer-repos": f"{CONSUMER}\n{SECOND}", **inputs},
        event_name="schedule",
        env={"GITHUB_SHA": github.branch_sha(SOURCE, "main")},
    )


def test_status_reports_each_consumer(workspace, github, estate):
    run = status(workspace, github)
    assert run.returncode == 0, run.stdout + run.stderr
    app, web = run.results
    assert app["status"] == "behind" and web["status"] == "in-sync"
    assert app["version"] == "v1.0.0" and web["version"] == "v1.1.0"
    assert app["pr_age_days"] == pytest.approx(10, abs=0.1)
    assert app["review_decision"] == "review-requested" and app["mergeable"] is True
    assert web["pr_age_days"] is None and web["pr_url"] == ""


def test_a_stale_sync_pr_warns(workspace, github, estate):
    run = status(workspace, github)
    [warning] = [w for w in run.commands("warning") if "stale-pr" in w]
    assert "open 10 days (max-pr-age: 7)" in warning
    assert "stale-pr" in run.results[0]["findings"]


def test_fail_on_stale_pr_fails_the_step(workspace, github, estate):
    run = status(workspace, github, **{"fail-on": "stale-pr"})
    assert run.returncode == 1
    assert any("stale-pr" in e for e in run.commands("error"))


def test_a_young_pull_request_is_not_stale(workspace, github, estate):
    run = status(workspace, github, **{"max-pr-age": "14", "fail-on": "stale-pr"})
    assert run.returncode == 0
    assert "stale-pr" not in run.results[0]["findings"]


def test_latency_runs_from_the_source_commit_to_the_merge(workspace, github, estate):
    run = status(workspace, github)
    web = run.results[1]
    assert web["sync_latency_hours"] == 36.0
    merged = github.pull(SECOND, estate["merged"]).merged_at
    assert web["last_sync_at"] == merged
    entry = run.report["peers"][1]["sync"]
    assert entry["source_commit"] == estate["made"]


def test_interventions_count_commits_by_others_and_unmerged_closes(workspace, github, estate):
    closed = github.open_pull(SECOND, BRANCH, created_at=NOW - timedelta(days=5))
    github.close_pull(SECOND, closed.number, at=NOW - timedelta(days=4))
    run = status(workspace, github)
    assert run.results[0]["interventions"] == 1  # the "tweak" pushed onto the sync branch
    assert run.results[1]["interventions"] == 1  # the pull request closed unmerged


def test_status_writes_nothing_without_the_dashboard(workspace, github, estate):
    github.reset_log()
    status(workspace, github)
    assert github.writes() == []


def test_the_dashboard_is_one_issue_kept_across_runs(workspace, github, estate):
    github.create_issue(SOURCE, "Schema sync dashboard", MARKER + "\nforged", user="octocat")
    first = status(workspace, github, dashboard="true")
    assert first.returncode == 0, first.stdout
    ours = [i for i in github.issues(SOURCE) if i.user == "github-actions[bot]"]
    [issue] = ours
    assert issue.title == "Schema sync dashboard" and issue.body.startswith(MARKER + "\n")
    assert "2 consumers" in issue.body and f"[#{estate['stale']}]" in issue.body
    github.reset_log()
    status(workspace, github, dashboard="true")
    assert github.writes() == []  # nothing changed, nothing written
    github.merge_pull(CONSUMER, estate["stale"])
    status(workspace, github, dashboard="true")
    assert [w.method for w in github.writes()] == ["PATCH"]
    assert len(github.issues(SOURCE)) == 2
    assert "2 in sync" in github.issues(SOURCE)[1].body


def test_failed_sync_runs_are_counted(workspace, github, estate):
    github.add_run(SOURCE, "schema-sync.yml", "failure", at=NOW - timedelta(days=3))
    github.add_run(SOURCE, "schema-sync.yml", "failure", at=NOW - timedelta(days=200))
    github.add_run(SOURCE, "schema-sync.yml", "success", at=NOW - timedelta(days=2))
    run = status(workspace, github, **{"sync-workflow": "schema-sync.yml"})
    assert run.report["status"]["failed_syncs"] == 1
    assert "Failed runs of [schema-sync.yml]" in run.summary


@pytest.mark.parametrize(
    "header", ["{:%Y-%m-%d %H:%M:%S} UTC", "{:%Y-%m-%d %H:%M:%S} +0000"], ids=["utc", "offset"]
)
def test_the_token_expiring_in_five_days_warns(workspace, github, estate, header):
    expires = (NOW + timedelta(days=5)).replace(microsecond=0)
    github.add_token(TOKEN, expiration=header.format(expires))
    run = status(workspace, github)
    assert run.outputs["token-expires-at"] == expires.strftime("%Y-%m-%dT%H:%M:%SZ")
    [warning] = [w for w in run.commands("warning") if "Token expiring" in w]
    assert "in 5 days" in warning


def test_a_numeric_offset_is_converted_to_utc(workspace, github, estate):
    github.add_token(TOKEN, expiration="2099-04-26 23:23:18 +0200")
    run = status(workspace, github)
    assert run.outputs["token-expires-at"] == "2099-04-26T21:23:18Z"
    assert not [w for w in run.commands("warning") if "Token expiring" in w]


def test_fail_on_token_expiring_fails_in_drift_mode_too(workspace, github, current_spec):
    soon = (NOW + timedelta(days=2)).strftime("%Y-%m-%d %H:%M:%S UTC")
    github.add_token(TOKEN, expiration=soon)
    run = run_action(workspace, github, {"peer-repos": CONSUMER, "fail-on": "token-expiring"})
    assert run.returncode == 1
    assert any("Token expiring" in e for e in run.commands("error"))


def test_no_header_means_no_expiry(workspace, github, estate):
    run = status(workspace, github)
    assert run.outputs["token-expires-at"] == ""
    assert not [w for w in run.commands("warning") if "Token expiring" in w]


def test_latency_is_found_by_the_content_not_by_the_body(workspace, github, estate):
    """The body's marker names the consumer's own sync-branch commit, which the source
    never had: the latency still comes from the source commit that made the content."""
    own = github.branch_sha(SECOND, BRANCH)
    pull = github.pull(SECOND, estate["merged"])
    pull.body = f"<!-- schema-sync:pr commit={own} source={'f' * 40} -->"
    run = status(workspace, github)
    assert run.returncode == 0, run.stdout
    assert run.results[1]["sync_latency_hours"] == 36.0
    assert run.report["peers"][1]["sync"]["source_commit"] == estate["made"]


def test_a_latency_that_cannot_be_measured_is_null_with_a_note(workspace, github, estate):
    run = run_action(
        workspace,
        github,
        {"mode": "status", "peer-repos": SECOND},
        event_name="schedule",
        env={"GITHUB_SHA": "f" * 40},  # a commit the source's history cannot be read at
    )
    assert run.returncode == 0, run.stdout
    [web] = run.results
    assert web["status"] == "in-sync" and web["sync_latency_hours"] is None
    assert "not measured" in run.report["peers"][0]["sync"]["notes"]["sync_latency_hours"]
    assert "latency: None" not in run.stdout
