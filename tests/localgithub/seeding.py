"""Test-side seeding of what status mode reads: merges, closes, reviews, issues, runs.

Mixed into `LocalGitHub`; every change happens under the store's lock, as a
request would, and times can be set in the past to make old pull requests.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .gitstore import Person
from .state import Issue, Pull, Review, Store, WorkflowRun
from .tracking import iso


class Seeding:
    store: Store

    def pull(self, repo: str, number: int) -> Pull:
        """A pull request's state; `mergeable`, `mergeable_state`, `requested_reviewers`,
        `assignees`, `created_at` are settable."""
        return self.store.get(repo).pulls[number]

    def merge_pull(self, repo: str, number: int, at: datetime | None = None) -> str:
        """Merge like GitHub's merge button: a merge commit on the base, the pull closed."""
        with self.store.lock:
            state = self.store.get(repo)
            pull = state.pulls[number]
            base, head = state.git.branch_sha(pull.base), state.git.branch_sha(pull.head)
            assert base and head and pull.state == "open", "only an open pull with both branches"
            tree = state.git.out("rev-parse", f"{head}^{{tree}}")
            when = at or datetime.now(UTC)
            person = Person(
                state.owner, f"{state.owner}@localgithub.invalid", f"{int(when.timestamp())} +0000"
            )
            merge = state.git.commit_tree(
                tree, [base, head], f"Merge pull request #{number} from {pull.head}", person, None
            )
            state.git.update_ref(pull.base, merge, base)
            pull.state, pull.closed_head_sha, pull.merge_commit_sha = "closed", head, merge
            pull.merged_at = pull.closed_at = pull.updated_at = iso(when)
        return merge

    def close_pull(self, repo: str, number: int, at: datetime | None = None) -> None:
        """Close a pull request without merging it."""
        with self.store.lock:
            state = self.store.get(repo)
            pull = state.pulls[number]
            pull.state, pull.closed_head_sha = "closed", state.git.branch_sha(pull.head)
            pull.closed_at = pull.updated_at = iso(at or datetime.now(UTC))

    def add_review(self, repo: str, number: int, user: str, state: str) -> Review:
        """A submitted review: APPROVED, CHANGES_REQUESTED, COMMENTED or DISMISSED."""
        with self.store.lock:
            found = self.store.get(repo)
            item = Review(
                self.store.next_id(), number, user, state, found.head_sha(found.pulls[number])
            )
            found.reviews.append(item)
        return item

    def create_issue(self, repo: str, title: str, body: str = "", user: str = "octocat") -> Issue:
        """Seed a plain issue, written by `user`."""
        with self.store.lock:
            state = self.store.get(repo)
            item = Issue(self.store.next_id(), state.next_number, title, body, user)
            state.issues[item.number] = item
            state.next_number += 1
        return item

    def issues(self, repo: str, state: str = "all") -> list[Issue]:
        found = self.store.get(repo).issues.values()
        return [i for i in found if state in ("all", i.state)]

    def add_run(
        self,
        repo: str,
        workflow: str,
        conclusion: str | None = "success",
        at: datetime | None = None,
        branch: str | None = None,
    ) -> WorkflowRun:
        """A finished run of `.github/workflows/<workflow>` (conclusion None: in progress)."""
        with self.store.lock:
            state = self.store.get(repo)
            head = branch or state.default_branch
            run = WorkflowRun(
                self.store.next_id(),
                len(state.runs) + 1,
                workflow,
                head,
                state.git.branch_sha(head) or "",
                status="completed" if conclusion else "in_progress",
                conclusion=conclusion,
                created_at=iso(at or datetime.now(UTC)),
            )
            state.runs.append(run)
        return run
