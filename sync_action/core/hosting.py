"""The small interface that drift and sync are written against.

Two backends satisfy it: `github.GitHubHosting` (the REST API) and
`local.LocalHosting` (git checkouts on disk), so both modes behave the same
whichever side holds the peers. Repositories are named `owner/name`; the local
backend maps each name to a checkout. Every method raises `errors.RemoteError`
(or a subclass) on failure, never a library exception.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol


@dataclass(frozen=True)
class RemoteFile:
    """A file as stored in a repository at a ref; `content is None` when it does not exist."""

    repository: str
    path: str
    ref: str
    content: bytes | None
    blob_sha: str | None

    @property
    def missing(self) -> bool:
        return self.content is None


@dataclass(frozen=True)
class PullRequest:
    """An open pull request (or, locally, the sync branch standing in for one)."""

    number: int
    url: str
    head_ref: str
    head_sha: str
    base_ref: str
    title: str
    body: str
    labels: tuple[str, ...] = ()
    reviewers: tuple[str, ...] = ()  # users whose review is requested (not those who reviewed)
    teams: tuple[str, ...] = ()  # team slugs whose review is requested
    assignees: tuple[str, ...] = ()
    author: str = ""


@dataclass(frozen=True)
class Refusal:
    """A reviewer or assignee GitHub would not take, and what it said."""

    name: str
    message: str


@dataclass(frozen=True)
class Comment:
    id: int
    body: str
    url: str


@dataclass(frozen=True)
class SyncPull:
    """A pull request from the sync branch in any state, for status mode's history."""

    number: int
    url: str
    state: str  # "open" or "closed"
    created_at: datetime
    closed_at: datetime | None
    merged_at: datetime | None
    body: str
    draft: bool = False
    requested_reviewers: tuple[str, ...] = ()


@dataclass(frozen=True)
class PullState:
    """What GitHub says of an open pull request: can it merge, and what reviewers decided."""

    mergeable: bool | None  # None: GitHub has not computed it yet
    mergeable_state: str
    reviews: tuple[tuple[str, str], ...]  # (reviewer, state) in submission order


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    date: datetime  # the committer date
    message: str


@dataclass(frozen=True)
class SourcePull:
    """A pull request GitHub associates with a commit: what the sync names as its origin."""

    number: int
    url: str
    title: str
    author: str
    body: str
    merged: bool


@dataclass(frozen=True)
class Issue:
    number: int
    url: str
    body: str
    state: str


class Hosting(Protocol):
    """What drift and sync need from wherever the peers live."""

    def default_branch(self, repo: str) -> str:
        """The repository's default branch name."""
        ...

    def read_file(self, repo: str, path: str, ref: str | None) -> RemoteFile:
        """The file at `ref` (None: the default branch); missing files are not errors.

        `RemoteFile.ref` is the ref asked for, or "" when None was given and the
        backend did not need to learn the default branch's name.
        """
        ...

    def branch_head(self, repo: str, branch: str) -> str | None:
        """The commit SHA a branch points at, or None when the branch does not exist."""
        ...

    def history(self, repo: str, path: str, ref: str | None) -> Iterator[bytes]:
        """The contents `path` had, newest commit first (up to `ref`), read one at a time
        so a caller that finds what it wants stops the walk; a bounded number of commits."""
        ...

    def find_version(self, repo: str, path: str, ref: str | None, blob_sha: str) -> str | None:
        """The newest commit (up to `ref`) at which `path` held exactly `blob_sha`.

        None when the repository never held those bytes; "" when it did but the
        commit could not be named within a bounded search.
        """
        ...

    def find_pull(self, repo: str, branch: str) -> PullRequest | None:
        """The open pull request whose head is `branch` of `repo` itself, if any."""
        ...

    def file_commits(self, repo: str, path: str, ref: str | None) -> list[str]:
        """The newest commits (up to `ref`) that changed `path`, newest first: one request,
        a bounded number (30)."""
        ...

    def pulls_of_commit(self, repo: str, sha: str) -> list[SourcePull]:
        """The pull requests associated with a commit (one request; none for a checkout)."""
        ...

    def create_branch(self, repo: str, branch: str, sha: str) -> None:
        """Create `branch` at `sha`; raises `Conflict` when it already exists."""
        ...

    def reset_branch(self, repo: str, branch: str, sha: str) -> None:
        """Force `branch` to `sha` (force-sync only)."""
        ...

    def delete_branch(self, repo: str, branch: str) -> None:
        """Remove a branch this run created and could not use (nothing half-written)."""
        ...

    def commit_file(
        self,
        repo: str,
        branch: str,
        path: str,
        content: bytes,
        message: str,
        replaces: str | None,
    ) -> str:
        """Commit `content` at `path` on top of `branch`; return the new commit SHA.

        `replaces` is the blob SHA the file has on the branch now (None when it
        does not exist there); a stale one raises `Conflict`, so a concurrent
        writer is never overwritten blindly.
        """
        ...

    def open_pull(self, repo: str, branch: str, base: str, title: str, body: str) -> PullRequest:
        """Open a pull request from `branch` into `base`; `Conflict` if one already exists."""
        ...

    def edit_pull(self, repo: str, number: int, title: str, body: str) -> None:
        """Refresh the title and body of an open pull request."""
        ...

    def close_pull(self, repo: str, number: int, comment: str) -> None:
        """Comment on and close a pull request that is no longer needed."""
        ...

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        """Add labels to a pull request, creating the ones the repository lacks."""
        ...

    def remove_label(self, repo: str, number: int, label: str) -> None:
        """Take one label off a pull request; one that is not there is no error."""
        ...

    def request_reviewers(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> list[Refusal]:
        """Ask users and teams (slugs) to review; return those GitHub refused, with why."""
        ...

    def add_assignees(self, repo: str, number: int, users: Sequence[str]) -> list[Refusal]:
        """Assign users; return those GitHub did not assign (not collaborators)."""
        ...

    def find_comment(self, repo: str, number: int, marker: str) -> Comment | None:
        """The first comment on the pull request whose body starts with `marker`, among
        those written by this hosting's own account (others' comments are never ours)."""
        ...

    def create_comment(self, repo: str, number: int, body: str) -> Comment: ...

    def edit_comment(self, repo: str, comment_id: int, body: str) -> None: ...

    # --- status mode (reads, and the dashboard issue) ----------------------------------

    def sync_pulls(self, repo: str, branch: str) -> list[SyncPull]:
        """Pull requests from `branch` of `repo` in every state, newest first (one page)."""
        ...

    def pull_state(self, repo: str, number: int) -> PullState:
        """Mergeability and submitted reviews of an open pull request."""
        ...

    def pull_commits(self, repo: str, number: int) -> list[CommitInfo]:
        """The pull request's commits, oldest first."""
        ...

    def has_blob(self, repo: str, blob_sha: str) -> bool:
        """Did the repository ever hold these bytes (one request, no history walk)?"""
        ...

    def last_commit(self, repo: str, path: str, ref: str) -> CommitInfo | None:
        """The newest commit at or before `ref` that changed `path`."""
        ...

    def failed_runs(self, repo: str, workflow: str, since: datetime) -> int:
        """How many runs of the workflow file `workflow` failed since `since`."""
        ...

    def find_issue(self, repo: str, marker: str) -> Issue | None:
        """The issue (any state) written by this token's account whose body starts with `marker`."""
        ...

    def create_issue(self, repo: str, title: str, body: str) -> Issue: ...

    def edit_issue(self, repo: str, number: int, body: str, reopen: bool) -> None: ...

    def token_expiration(self) -> str | None:
        """GitHub's `github-authentication-token-expiration` header as last seen, if any."""
        ...

    def notices(self) -> list[str]:
        """What the run should warn about that no one call failed on (a repository that
        answers under a new name), each once a run; the caller logs them."""
        ...


WRITES = frozenset(
    {
        "create_branch",
        "reset_branch",
        "delete_branch",
        "commit_file",
        "open_pull",
        "edit_pull",
        "close_pull",
        "add_labels",
        "remove_label",
        "request_reviewers",
        "add_assignees",
        "create_comment",
        "edit_comment",
        "create_issue",
        "edit_issue",
    }
)


class ReadOnly:
    """Wraps a Hosting for dry runs: any write is a bug, stopped before it leaves."""

    def __init__(self, inner: Hosting):
        self._inner = inner

    def __getattr__(self, name: str) -> object:
        if name in WRITES:
            raise AssertionError(f"dry run attempted a write: {name}")
        return getattr(self._inner, name)


class SourceHistory(Protocol):
    """This repository's own history of the schema file, as the modes ask it.

    Built by the entry point (the checkout when its history is complete, else the API),
    so the modes never import git or a backend to ask it.
    """

    @property
    def repository(self) -> str:
        """This repository's `owner/name` ("" when unknown)."""
        ...

    @property
    def complete(self) -> bool:
        """The checkout has the whole history (free answers)."""
        ...

    @property
    def askable(self) -> bool:
        """Something can answer: a complete checkout, or the API with a repository to ask."""
        ...

    def file_at(self, commit: str) -> tuple[RemoteFile, str] | None:
        """The file at `commit` and where it came from (`checkout` or `api`); None when
        nothing can read it."""
        ...

    def commit_of(self, blob_sha: str) -> tuple[bool, str | None]:
        """(known, commit): the newest commit whose file had these bytes, "" when held but
        unnamed, None when never held; known is False when nothing can tell."""
        ...

    def holds(self, blob_sha: str) -> tuple[bool, str | None]:
        """Like `commit_of`, at the cost of one cheap question through the API (the commit is
        named only from the checkout)."""
        ...

    def contents(self) -> Iterator[bytes]:
        """The file's contents, newest first."""
        ...

    def made(self, commit: str) -> CommitInfo | None:
        """The newest commit at or before `commit` that changed the file."""
        ...

    def changed_since(self, blob_sha: str | None, limit: int) -> list[str] | None:
        """The commits that changed the file after the newest one whose file had these bytes
        (None: a consumer without the file), newest first, at most `limit`; None when
        nothing can tell."""
        ...

    def pulls_of(self, commit: str) -> list[SourcePull]:
        """The pull requests GitHub associates with one of this repository's commits."""

    def made_content(self, blob_sha: str) -> CommitInfo | None:
        """The commit that gave the file these bytes (found by their blob in the history);
        None when the history never held them or cannot name the commit."""
        ...
