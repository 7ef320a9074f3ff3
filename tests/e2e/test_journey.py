"""The journey, end to end: the seed's "Schema Change Workflow" played as one story.

Read this test first. It is the whole product in one place, against the local GitHub,
with the real entrypoint run as the runner runs it (in the image with
`SCHEMA_SYNC_E2E=container`). strukt-system holds the schema; strukt-app and strukt-web
keep synced copies. Every text a person would read along the way is read here too.

1. A pull request in strukt-system adds a field (v1.0.0 → v1.1.0). Its drift check
   passes: both consumers are `pending`, and the comment says a sync pull request
   opens in each after the merge.
2. It is merged. The sync workflow (on push to main) opens one pull request in each
   consumer: its title, body and labels say what it brings.
3. Each consumer's own drift check runs on its sync pull request. It is the sync, not
   an edit of the synced copy: the comment says "This pull request syncs … v1.0.0 →
   v1.1.0" and lists what the app must handle.
4. Both sync pull requests are merged. Status mode (the weekly schedule) finds both
   consumers in sync, measures the latency from the source commit to the merge, and
   keeps the dashboard issue.
5. The next change is breaking (a field's type, v2.0.0). Its second sync carries the
   breaking label, and the body says what to check before merging.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest

from tests.actionrun import CONSUMER, SOURCE, ActionRun, pull_request_event, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_pull_request import GATE
from tests.localgithub.gitstore import Person
from tests.specs import add_field, break_type, edited

WEB = "STRUKT1/strukt-web"
CONSUMERS = (CONSUMER, WEB)
BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
NOW = datetime.now(UTC)
CHANGED = "Code that reads or writes Meals › Calories (fldUOPuN6n39Aj1v7) must handle"


def at(moment: datetime) -> Person:
    return Person("Dev", "dev@example.com", f"{int(moment.timestamp())} +0000")


class Story:
    """The three repositories and a workspace for each, as their workflows check them out."""

    def __init__(self, github: Any, root: Path, current: bytes):
        self.github, self.root = github, root
        github.create_repo(WEB, {SPEC_PATH: current, "README.md": b"web\n"})
        self.workspaces = {repo: self._workspace(repo) for repo in (SOURCE, *CONSUMERS)}

    def _workspace(self, repo: str) -> Path:
        path = self.root / repo.split("/")[1]
        (path / "schema").mkdir(parents=True)
        return path

    def run(self, repo: str, inputs: dict[str, str], sha: str, **options: Any) -> ActionRun:
        """A workflow run in `repo` at commit `sha`, its file checked out there."""
        workspace = self.workspaces[repo]
        (workspace / SPEC_PATH).write_bytes(self.github.read(repo, sha, SPEC_PATH))
        env = {"GITHUB_SHA": sha, "GITHUB_RUN_ID": "7"}
        return run_action(workspace, self.github, inputs, repository=repo, env=env, **options)

    def source_pull(self, content: bytes, branch: str, when: datetime) -> tuple[int, ActionRun]:
        """Open a pull request in strukt-system and run its drift check (the recommended
        gate against both consumers)."""
        base = self.github.branch_sha(SOURCE, "main")
        head = self.github.commit(SOURCE, branch, {SPEC_PATH: content}, "spec", author=at(when))
        pull = self.github.open_pull(SOURCE, branch)
        event = pull_request_event(pull.number, base_sha=base, head_sha=head, head_ref=branch)
        inputs = {"peer-repos": "\n".join(CONSUMERS), **GATE}
        run = self.run(SOURCE, inputs, head, event_name="pull_request", event=event)
        return pull.number, run

    def merge_and_sync(self, number: int, when: datetime) -> ActionRun:
        """Merge the source's pull request; the sync workflow runs on the push to main."""
        main = self.github.merge_pull(SOURCE, number, at=when)
        return self.run(SOURCE, {"mode": "sync", "peer-repos": "\n".join(CONSUMERS)}, main)

    def sync_pull(self, consumer: str) -> Any:
        [pull] = self.github.pulls(consumer, "open")
        return pull

    def consumer_check(self, consumer: str) -> ActionRun:
        """The consumer's own drift check, on its sync pull request."""
        pull = self.sync_pull(consumer)
        base = self.github.branch_sha(consumer, "main")
        head = self.github.branch_sha(consumer, BRANCH)
        event = pull_request_event(
            pull.number, consumer, base_sha=base, head_sha=head, head_ref=BRANCH
        )
        inputs = {"peer-repos": SOURCE, "fail-on-drift": "false", "fail-on": "edited"}
        return self.run(consumer, inputs, head, event_name="pull_request", event=event)

    def status(self) -> ActionRun:
        inputs = {"mode": "status", "peer-repos": "\n".join(CONSUMERS), "dashboard": "true"}
        main = self.github.branch_sha(SOURCE, "main")
        return self.run(SOURCE, inputs, main, event_name="schedule")

    def comment(self, repo: str, number: int) -> str:
        [comment] = self.github.comments(repo, number)
        return str(comment.body)


@pytest.fixture
def story(github, tmp_path, current_spec) -> Story:
    return Story(github, tmp_path / "journey", current_spec)


def test_the_schema_change_workflow_end_to_end(story, github, current_spec):
    # (1) A pull request in the source adds a field: pending in both consumers.
    v110 = edited(current_spec, "v1.1.0", add_field)
    number, check = story.source_pull(v110, "add-timezone", NOW - timedelta(hours=6))
    assert check.returncode == 0, check.stdout
    assert [p["status"] for p in check.report["peers"]] == ["pending", "pending"]
    said = story.comment(SOURCE, number)
    assert (
        f"This pull request changes `{SPEC_PATH}`: 3 changes (1 added, 2 changed); "
        "2 consumers get it after merge"
    ) in said
    assert "This check **passes**" in said
    for consumer in CONSUMERS:
        assert f"After merge, a sync pull request opens in {consumer}." in said
    assert "Users › Timezone (fldTz7Qm2LkP9xWv3): field added" in said

    # (2) Merged: sync opens one pull request in each consumer.
    sync = story.merge_and_sync(number, NOW - timedelta(hours=5))
    assert sync.returncode == 0, sync.stdout
    assert sync.outputs["sync-status"] == f"{CONSUMER}=created\n{WEB}=created"
    main = github.branch_sha(SOURCE, "main")
    for consumer in CONSUMERS:
        pull = story.sync_pull(consumer)
        assert pull.title == f"chore(schema): sync {SPEC_PATH} from {SOURCE} (v1.1.0)"
        assert sorted(pull.labels) == ["bot", "safe-to-merge", "schema-sync"]
        assert f"source={main}" in pull.body.splitlines()[0]
        assert (
            f"### 🟢 Sync `{SPEC_PATH}` from {SOURCE}: `v1.0.0` → `v1.1.0`, "
            "3 changes (1 added, 2 changed)"
        ) in pull.body
        assert f"in {consumer} identical to the copy in" in pull.body
        assert "Nothing here is breaking" in pull.body
        assert "Users › Timezone (fldTz7Qm2LkP9xWv3): field added" in pull.body

    # (3) Each consumer's own check of its sync pull request: a sync, not an edit.
    for consumer in CONSUMERS:
        own = story.consumer_check(consumer)
        assert own.returncode == 0, own.stdout
        assert own.report["pull_request"]["findings"] == []
        assert own.report["pull_request"]["syncs_from"] == SOURCE
        said = story.comment(consumer, story.sync_pull(consumer).number)
        assert f"This pull request syncs `{SPEC_PATH}` from {SOURCE}: v1.0.0 → v1.1.0" in said
        assert f"What {consumer} must handle" in said
        assert "Users › Timezone (fldTz7Qm2LkP9xWv3): field added" in said
        assert "make the change in" not in said and "edits-synced-copy" not in own.stdout

    # (4) Both sync pull requests merged: status finds both in sync, with their latency.
    for consumer in CONSUMERS:
        github.merge_pull(consumer, story.sync_pull(consumer).number, at=NOW - timedelta(hours=1))
    status = story.status()
    assert status.returncode == 0, status.stdout
    assert [r["status"] for r in status.results] == ["in-sync", "in-sync"]
    assert [r["version"] for r in status.results] == ["v1.1.0", "v1.1.0"]
    # From the commit that wrote v1.1.0 (6 hours ago) to the sync's merge (1 hour ago).
    assert [r["sync_latency_hours"] for r in status.results] == [5.0, 5.0]
    assert "latency: 5 h" in status.stdout and "None" not in status.stdout
    [issue] = github.issues(SOURCE)
    assert "🟢 2 consumers of `schema/AIRTABLE_SPEC.yaml`: 2 in sync." in issue.body
    assert issue.body.count("| 5 h |") == 2

    # (5) The next change is breaking: its second sync says so, and what to check.
    v200 = edited(v110, "v2.0.0", break_type, updated="2025-10-01T00:00:00Z")
    number, check = story.source_pull(v200, "calories-as-text", NOW)
    assert check.returncode == 0, check.stdout  # a breaking change with its major bump
    assert any("breaking" in w for w in check.commands("warning"))
    sync = story.merge_and_sync(number, NOW)
    assert sync.returncode == 0, sync.stdout
    for consumer in CONSUMERS:
        pull = story.sync_pull(consumer)
        assert "breaking-change" in pull.labels and "safe-to-merge" not in pull.labels
        assert f"### 🟡 Sync `{SPEC_PATH}` from {SOURCE}: `v1.1.0` → `v2.0.0`" in pull.body
        assert f"- [ ] {CHANGED} string instead of number." in pull.body
    own = story.consumer_check(CONSUMER)
    assert own.returncode == 0 and own.report["pull_request"]["findings"] == []
    said = story.comment(CONSUMER, story.sync_pull(CONSUMER).number)
    assert f"This pull request syncs `{SPEC_PATH}` from {SOURCE}: v1.1.0 → v2.0.0" in said
    assert "Meals › Calories (fldUOPuN6n39Aj1v7): type number → string — **breaking**" in said
