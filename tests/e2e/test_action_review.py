"""Sync pull requests people can merge with confidence, end to end: labels that follow
breaking, reviewers and assignees asked once, and the comment written with comment-token."""

from __future__ import annotations

import pytest

from tests.actionrun import CONSUMER, SOURCE, TOKEN, pull_request_event, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec

RUN_ENV = {"GITHUB_RUN_ID": "4242"}


def sync(workspace, github, **inputs):
    values = {"mode": "sync", "peer-repos": CONSUMER, **inputs}
    return run_action(workspace, github, values, env=RUN_ENV)


@pytest.fixture
def breaking(workspace, current_spec) -> bytes:
    content = changed_spec(current_spec)  # changes Meals › Calories' type
    (workspace / SPEC_PATH).write_bytes(content)
    return content


def safe(current: bytes, version: str = "v1.1.0") -> bytes:
    import yaml

    data = yaml.safe_load(current)
    data["spec_version"] = version
    data["tables"]["users"]["fields"]["timezone"] = {"name": "Timezone", "type": "string"}
    return yaml.safe_dump(data, sort_keys=False).encode()


def the_pull(github):
    [pull] = github.pulls(CONSUMER, "open")
    return pull


# --- labels ---------------------------------------------------------------------------------


def test_a_breaking_sync_gets_the_breaking_labels(workspace, github, breaking):
    sync(workspace, github)

    assert sorted(the_pull(github).labels) == ["bot", "breaking-change", "schema-sync"]


def test_a_safe_sync_gets_the_safe_labels(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(safe(current_spec))
    sync(workspace, github)

    assert sorted(the_pull(github).labels) == ["bot", "safe-to-merge", "schema-sync"]


def test_an_update_that_becomes_breaking_flips_the_labels(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(safe(current_spec))
    sync(workspace, github)
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec).replace(b"v1.1.0", b"v1.2.0"))
    run = sync(workspace, github)

    assert run.outputs["sync-status"] == "updated"
    assert sorted(the_pull(github).labels) == ["bot", "breaking-change", "schema-sync"]


def test_a_flip_keeps_labels_a_person_put_there(workspace, github, current_spec):
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    sync(workspace, github)
    pull = the_pull(github)
    github.add_label(CONSUMER, "safe-to-merge")
    github.repo(CONSUMER).pulls[pull.number].labels.append("safe-to-merge")  # by a person
    (workspace / SPEC_PATH).write_bytes(safe(current_spec, "v1.2.0"))
    sync(workspace, github)

    labels = the_pull(github).labels
    assert "breaking-change" not in labels
    assert "safe-to-merge" in labels


def test_custom_label_inputs_are_used(workspace, github, breaking):
    sync(workspace, github, labels="schema", **{"breaking-labels": "risky, needs-care"})

    assert sorted(the_pull(github).labels) == ["needs-care", "risky", "schema"]


# --- reviewers and assignees ----------------------------------------------------------------


def test_reviewers_teams_and_assignees_are_requested_on_creation(workspace, github, breaking):
    github.add_collaborator(CONSUMER, "alice")
    github.add_team(CONSUMER, "app-devs")
    run = sync(
        workspace, github, reviewers="alice", **{"team-reviewers": "app-devs", "assignees": "alice"}
    )

    assert run.returncode == 0, run.stdout
    pull = the_pull(github)
    assert pull.requested_reviewers == ["alice"]
    assert pull.requested_teams == ["app-devs"]
    assert pull.assignees == ["alice"]


def test_nothing_is_written_when_all_are_there(workspace, github, breaking):
    github.add_collaborator(CONSUMER, "alice")
    inputs = {"reviewers": "alice", "assignees": "alice"}
    sync(workspace, github, **inputs)
    (workspace / SPEC_PATH).write_bytes(breaking.replace(b"v1.1.0", b"v1.2.0"))
    github.reset_log()
    run = sync(workspace, github, **inputs)

    assert run.outputs["sync-status"] == "updated"
    assert github.requests(path_contains="requested_reviewers") == []
    assert github.requests(path_contains="assignees") == []


def test_a_missing_reviewer_is_requested_again_on_update(workspace, github, breaking):
    github.add_collaborator(CONSUMER, "alice")
    sync(workspace, github, reviewers="alice")
    github.repo(CONSUMER).pulls[the_pull(github).number].requested_reviewers.clear()
    (workspace / SPEC_PATH).write_bytes(breaking.replace(b"v1.1.0", b"v1.2.0"))
    sync(workspace, github, reviewers="alice")

    assert the_pull(github).requested_reviewers == ["alice"]


def test_an_assignee_added_since_is_assigned_on_an_unchanged_run(workspace, github, breaking):
    github.add_collaborator(CONSUMER, "alice")
    sync(workspace, github)
    run = sync(workspace, github, assignees="alice")

    assert run.outputs["sync-status"] == "unchanged"
    assert the_pull(github).assignees == ["alice"]


def test_an_unchanged_run_writes_nothing_when_all_are_there(workspace, github, breaking):
    github.add_collaborator(CONSUMER, "alice")
    inputs = {"reviewers": "alice", "assignees": "alice"}
    sync(workspace, github, **inputs)
    github.reset_log()
    run = sync(workspace, github, **inputs)

    assert run.outputs["sync-status"] == "unchanged"
    assert github.writes() == []


def test_a_reviewer_who_reviewed_is_not_asked_again_on_an_unchanged_run(
    workspace, github, breaking
):
    github.add_collaborator(CONSUMER, "alice")
    sync(workspace, github, reviewers="alice")
    number = the_pull(github).number
    github.repo(CONSUMER).pulls[number].requested_reviewers.clear()  # as GitHub does on review
    github.add_review(CONSUMER, number, "alice", "APPROVED")
    github.reset_log()
    run = sync(workspace, github, reviewers="alice")

    assert run.outputs["sync-status"] == "unchanged"
    assert github.requests(path_contains="requested_reviewers") == []
    assert the_pull(github).requested_reviewers == []


def test_a_refused_reviewer_is_a_warning_and_the_others_are_asked(workspace, github, breaking):
    github.add_collaborator(CONSUMER, "alice")
    run = sync(workspace, github, reviewers="alice, mallory", assignees="mallory")

    assert run.returncode == 0
    assert run.outputs["sync-status"] == "created"
    assert the_pull(github).requested_reviewers == ["alice"]
    warnings = run.commands("warning")
    assert any("mallory" in w and "not a collaborator" in w for w in warnings), warnings
    assert len([w for w in warnings if "mallory" in w]) == 2


# --- the body -------------------------------------------------------------------------------


def test_the_body_says_what_to_check_and_links_the_run(workspace, github, breaking):
    sync(workspace, github)
    body = the_pull(github).body

    assert "- [ ] Code that reads or writes Meals › Calories (fldUOPuN6n39Aj1v7)" in body
    assert "| Spec version | `v1.0.0` | `v1.1.0` |" in body
    assert f"{github.server_url}/{SOURCE}/actions/runs/4242" in body


# --- comment-token --------------------------------------------------------------------------


def test_the_comment_is_written_with_comment_token(workspace, github, breaking):
    github.add_token(
        "ghp_readOnlyHere0123456789abcdefABCDEF0",
        {SOURCE: "read", CONSUMER: "read"},
        login="cross-repo-bot",
    )
    github.add_token("ghs_commentToken0123456789abcdefABCDEF")
    github.open_pull(SOURCE, "feature")
    run = run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER, "comment-token": "ghs_commentToken0123456789abcdefABCDEF"},
        event_name="pull_request",
        event=pull_request_event(1),
        token="ghp_readOnlyHere0123456789abcdefABCDEF0",
    )

    assert run.returncode == 1
    [comment] = github.comments(SOURCE, 1)
    assert comment.user == "github-actions[bot]"
    assert not [w for w in run.commands("warning") if "comment" in w.lower()]
    assert "ghs_commentToken0123456789abcdefABCDEF" not in run.stdout.replace(
        "::add-mask::ghs_commentToken0123456789abcdefABCDEF", ""
    )


def test_a_comment_by_someone_else_with_the_marker_is_never_edited(workspace, github, breaking):
    token = "ghs_commentToken0123456789abcdefABCDEF"
    github.add_token(token)
    github.open_pull(SOURCE, "feature")
    marker = f"<!-- schema-sync:drift:{SPEC_PATH} -->"
    theirs = github.add_comment(SOURCE, 1, f"{marker}\nnot the action's", user="octocat")
    run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER, "comment-token": token},
        event_name="pull_request",
        event=pull_request_event(1),
    )

    comments = github.comments(SOURCE, 1)
    assert len(comments) == 2
    assert comments[0].id == theirs.id and comments[0].body.endswith("not the action's")
    assert comments[1].user == "github-actions[bot]"


def test_a_personal_token_edits_only_its_own_accounts_comment(workspace, github, breaking):
    """A personal access token's account is what GET /user answers: a comment with the
    marker by anyone else is left alone, the action's own is edited in place."""
    token = "ghp_personalToken0123456789abcdefABCDEF"
    github.add_token(token, login="schema-bot")
    github.open_pull(SOURCE, "feature")
    marker = f"<!-- schema-sync:drift:{SPEC_PATH} -->"
    theirs = github.add_comment(SOURCE, 1, f"{marker}\nnot the action's", user="octocat")
    inputs = {"peer-repos": CONSUMER, "comment-token": token}
    for _ in range(2):
        run_action(
            workspace, github, inputs, event_name="pull_request", event=pull_request_event(1)
        )

    comments = github.comments(SOURCE, 1)
    assert [c.user for c in comments] == ["octocat", "schema-bot"]
    assert comments[0].id == theirs.id and comments[0].body.endswith("not the action's")
    assert len(github.requests("GET", "/user")) == 2  # once a run


def test_an_empty_comment_token_means_token(workspace, github, breaking):
    github.open_pull(SOURCE, "feature")
    run = run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER, "comment-token": ""},
        event_name="pull_request",
        event=pull_request_event(1),
        token=TOKEN,
    )

    assert run.returncode == 1
    assert len(github.comments(SOURCE, 1)) == 1
