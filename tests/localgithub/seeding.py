"""Test-side seeding and inspection: repositories, commits, pull requests, comments,
labels, tokens and apps, and what status mode reads (merges, closes, reviews, issues,
runs).

Mixed into `LocalGitHub`; every change happens under the store's lock, as a
request would, and times can be set in the past to make old pull requests.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import UTC, datetime
from urllib.parse import quote

from .gitstore import Person
from .state import (
    SEED_AUTHOR,
    App,
    Installation,
    Issue,
    IssueComment,
    Pull,
    Repo,
    Review,
    Store,
    Token,
    WorkflowRun,
)
from .tracking import iso
from .wire import as_bytes

DEFAULT_LOGIN = "github-actions[bot]"


class Seeding:
    """Seed the server directly, without requests; read back what requests did."""

    store: Store
    port: int

    def create_repo(
        self,
        full_name: str,
        files: Mapping[str, bytes | str] | None = None,
        default_branch: str = "main",
        private: bool = False,
        archived: bool = False,
        actions_can_create_prs: bool = True,
    ) -> Repo:
        """A repository whose default branch holds one commit with `files`."""
        with self.store.lock:
            repo = self.store.add_repo(
                full_name, default_branch, private, archived, actions_can_create_prs
            )
            sha = repo.git.write_commit(None, as_bytes(files or {}), "Initial commit", SEED_AUTHOR)
            repo.git.update_ref(default_branch, sha)
        return repo

    def repo(self, full_name: str) -> Repo:
        """The repository's state; `private`, `archived`, `actions_can_create_prs` are settable."""
        return self.store.get(full_name)

    def commit(
        self,
        repo: str,
        branch: str,
        files: Mapping[str, bytes | str | None],
        message: str = "Update files",
        author: Person = SEED_AUTHOR,
    ) -> str:
        """Commit `files` (None deletes) on `branch`, created from the default branch if new."""
        with self.store.lock:
            state = self.store.get(repo)
            parent = state.git.branch_sha(branch) or state.git.branch_sha(state.default_branch)
            sha = state.git.write_commit(parent, as_bytes(files), message, author)
            state.git.update_ref(branch, sha)
        return sha

    def create_branch(self, repo: str, branch: str, from_ref: str | None = None) -> str:
        with self.store.lock:
            state = self.store.get(repo)
            sha = state.git.resolve(from_ref or state.default_branch)
            assert sha, f"unknown ref {from_ref}"
            state.git.update_ref(branch, sha)
        return sha

    def read(self, repo: str, ref: str, path: str) -> bytes | None:
        return self.store.get(repo).git.read(ref, path)

    def branch_sha(self, repo: str, branch: str) -> str | None:
        return self.store.get(repo).git.branch_sha(branch)

    def pulls(self, repo: str, state: str = "all") -> list[Pull]:
        found = self.store.get(repo).pulls.values()
        return [p for p in found if state in ("all", p.state)]

    def open_pull(
        self,
        repo: str,
        head: str,
        base: str | None = None,
        title: str = "PR",
        body: str = "",
        *,
        user: str = "octocat",
        created_at: datetime | None = None,
    ) -> Pull:
        """Seed an open pull request without going through the API."""
        with self.store.lock:
            state = self.store.get(repo)
            pull = Pull(
                self.store.next_id(),
                state.next_number,
                title,
                body,
                head,
                base or state.default_branch,
                user,
            )
            if created_at is not None:
                pull.created_at = pull.updated_at = iso(created_at)
            state.pulls[pull.number] = pull
            state.next_number += 1
        return pull

    def comments(self, repo: str, number: int) -> list[IssueComment]:
        found = self.store.get(repo).comments.values()
        return sorted((c for c in found if c.number == number), key=lambda c: c.id)

    def add_comment(self, repo: str, number: int, body: str, user: str = "octocat") -> IssueComment:
        with self.store.lock:
            item = IssueComment(self.store.next_id(), number, body, user)
            self.store.get(repo).comments[item.id] = item
        return item

    def labels(self, repo: str) -> list[str]:
        return [label.name for label in self.store.get(repo).labels.values()]

    def add_label(self, repo: str, name: str, color: str = "ededed") -> None:
        with self.store.lock:
            self.store.ensure_label(self.store.get(repo), name, color)

    def add_collaborator(self, repo: str, login: str) -> None:
        """A user with push access: may be asked to review and be assigned."""
        with self.store.lock:
            self.store.get(repo).collaborators.add(login.lower())

    def add_team(self, repo: str, slug: str) -> None:
        """A team of the repository's owner with access to it: may be asked to review."""
        with self.store.lock:
            self.store.get(repo).teams[slug] = self.store.next_id()

    def add_token(
        self,
        token: str,
        repos: Mapping[str, str] | None = None,
        login: str = DEFAULT_LOGIN,
        expiration: str | None = None,
    ) -> Token:
        """Register a token; `repos` maps owner/name to "read" or "write" (None: write to all).

        `expiration` is sent as `github-authentication-token-expiration` on every answer to
        the token, as GitHub does for a personal access token that expires
        (`2026-01-31 23:00:00 UTC` or `2026-01-31 23:00:00 +0200`).
        """
        grants = None if repos is None else {k.lower(): v for k, v in repos.items()}
        assert grants is None or set(grants.values()) <= {"read", "write"}, grants
        self.store.tokens[token] = Token(token, login, grants, expiration_header=expiration)
        return self.store.tokens[token]

    def add_app(
        self,
        app_id: int,
        public_key_pem: str | bytes,
        installations: Mapping[str, int] | None = None,
        slug: str = "schema-sync",
        kind: str = "Organization",
        token_lifetime: float = 3600,
    ) -> App:
        """Register a GitHub App by its public key, installed on each owner (owner -> id).

        Its JWTs buy installation tokens at `POST /app/installations/{id}/access_tokens`:
        write access to that owner's repositories, for an hour (`token_lifetime` seconds).
        """
        pem = public_key_pem.decode() if isinstance(public_key_pem, bytes) else public_key_pem
        app = App(app_id, slug, pem, token_lifetime=token_lifetime)
        for owner, installation_id in (installations or {}).items():
            app.installations[owner.lower()] = Installation(installation_id, owner, kind)
        with self.store.lock:
            self.store.apps[app_id] = app
        return app

    def installation_tokens(self, owner: str | None = None) -> list[Token]:
        """The installation tokens minted so far (for `owner` only, when given)."""
        with self.store.lock:
            minted = [t for t in self.store.tokens.values() if t.owner is not None]
        return [t for t in minted if owner is None or str(t.owner).lower() == owner.lower()]

    def git_url(self, repo: str, token: str | None = None) -> str:
        auth = f"x-access-token:{quote(token, safe='')}@" if token else ""
        return f"http://{auth}127.0.0.1:{self.port}/{self.store.get(repo).full_name}.git"

    # --- status mode ---------------------------------------------------------------------

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
