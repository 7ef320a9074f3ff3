"""Local git checkouts as peers: drift and sync on one machine with no network.

Files are read from commits (never the working tree), and sync commits with
git plumbing into the sync branch without touching the checkout's files. A
sync branch stands in for the pull request a remote peer would get.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterator, Sequence
from datetime import datetime
from pathlib import Path

from sync_action.backends.git import commits_of, file_history, file_version, git, repo_name
from sync_action.core.errors import Conflict, NotFound, RemoteError, UsageError, no_such_ref
from sync_action.core.hosting import (
    Comment,
    CommitInfo,
    Issue,
    PullRequest,
    PullState,
    Refusal,
    RemoteFile,
    SourcePull,
    SyncPull,
)

IDENTITY = {
    "GIT_AUTHOR_NAME": "schema-sync",
    "GIT_AUTHOR_EMAIL": "schema-sync@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "schema-sync",
    "GIT_COMMITTER_EMAIL": "schema-sync@users.noreply.github.com",
}


class LocalHosting:
    """The Hosting interface over checkouts named by `owner/name`."""

    def __init__(self, checkouts: dict[str, Path]):
        self.checkouts = checkouts
        for name, path in checkouts.items():
            if not (path / ".git").exists():
                try:
                    git(path, "rev-parse", "--git-dir")
                except RemoteError:
                    raise UsageError(f"--peer-dir: {path} ({name}) is not a git checkout") from None

    @classmethod
    def from_dirs(cls, dirs: Sequence[Path], names: Sequence[str]) -> LocalHosting:
        """Pair `--peer-dir`s with `--peer-repos` in order, or name them from git."""
        if names and len(names) != len(dirs):
            raise UsageError(
                f"--peer-repos names {len(names)} repositories but --peer-dir gives {len(dirs)}; "
                "give one name per directory, or no names"
            )
        return cls(dict(zip(names or [repo_name(d) for d in dirs], dirs, strict=True)))

    def _dir(self, repo: str) -> Path:
        try:
            return self.checkouts[repo]
        except KeyError:
            raise NotFound(f"{repo} is not one of the --peer-dir checkouts") from None

    def default_branch(self, repo: str) -> str:
        """The checkout's current branch stands for a hosted repository's default."""
        try:
            return git(self._dir(repo), "symbolic-ref", "--short", "HEAD").decode().strip()
        except RemoteError:
            raise RemoteError(f"{repo}: the checkout is not on a branch (detached HEAD)") from None

    def read_file(self, repo: str, path: str, ref: str | None) -> RemoteFile:
        where = self._dir(repo)
        ref = ref or self.default_branch(repo)
        commit = self._resolve(repo, ref)
        listing = git(where, "ls-tree", "-z", commit, "--", path).decode()
        if not listing:
            return RemoteFile(repo, path, ref, None, None)
        meta, _, _ = listing.partition("\t")
        _, kind, sha = meta.split()
        if kind != "blob":
            raise RemoteError(f"{repo}:{path} is a directory, not a file")
        return RemoteFile(repo, path, ref, git(where, "cat-file", "blob", sha), sha)

    def _resolve(self, repo: str, ref: str) -> str:
        try:
            return (
                git(self._dir(repo), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
                .decode()
                .strip()
            )
        except RemoteError:
            raise no_such_ref(repo, ref) from None

    def branch_head(self, repo: str, branch: str) -> str | None:
        try:
            return (
                git(self._dir(repo), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
                .decode()
                .strip()
            )
        except RemoteError:
            return None

    def find_version(self, repo: str, path: str, ref: str | None, blob_sha: str) -> str | None:
        return file_version(self._dir(repo), path, ref or "HEAD", blob_sha)

    def history(self, repo: str, path: str, ref: str | None) -> Iterator[bytes]:
        yield from file_history(self._dir(repo), path, ref or "HEAD")

    def find_pull(self, repo: str, branch: str) -> PullRequest | None:
        """Locally the sync branch itself stands in for the pull request."""
        head = self.branch_head(repo, branch)
        if head is None:
            return None
        return PullRequest(0, "", branch, head, self.default_branch(repo), "", "", ())

    def file_commits(self, repo: str, path: str, ref: str | None) -> list[str]:
        return commits_of(self._dir(repo), path, ref or "HEAD", 30)

    def pulls_of_commit(self, repo: str, sha: str) -> list[SourcePull]:
        """Checkouts have no pull requests."""
        return []

    def create_branch(self, repo: str, branch: str, sha: str) -> None:
        if self.branch_head(repo, branch) is not None:
            raise Conflict(f"{repo}: branch {branch} already exists")
        git(self._dir(repo), "update-ref", f"refs/heads/{branch}", sha, "")

    def reset_branch(self, repo: str, branch: str, sha: str) -> None:
        self._refuse_checked_out(repo, branch)
        git(self._dir(repo), "update-ref", f"refs/heads/{branch}", sha)

    def delete_branch(self, repo: str, branch: str) -> None:
        self._refuse_checked_out(repo, branch)
        git(self._dir(repo), "update-ref", "-d", f"refs/heads/{branch}")

    def commit_file(
        self, repo: str, branch: str, path: str, content: bytes, message: str, replaces: str | None
    ) -> str:
        """Commit through a temporary index; compare-and-swap the ref like the API's `sha`."""
        where = self._dir(repo)
        self._refuse_checked_out(repo, branch)
        parent = self.branch_head(repo, branch)
        if parent is None:
            raise NotFound(f"{repo} has no branch {branch}")
        if self.read_file(repo, path, parent).blob_sha != replaces:
            raise Conflict(f"{repo}:{path} changed on {branch} meanwhile")
        blob = git(where, "hash-object", "-w", "--stdin", stdin=content).decode().strip()
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), **IDENTITY}
            git(where, "read-tree", parent, env=env)
            git(where, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = git(where, "write-tree", env=env).decode().strip()
        commit = (
            git(where, "commit-tree", tree, "-p", parent, "-m", message, env=IDENTITY)
            .decode()
            .strip()
        )
        git(where, "update-ref", f"refs/heads/{branch}", commit, parent)
        return commit

    def _refuse_checked_out(self, repo: str, branch: str) -> None:
        """A checked-out branch is not ours to move: that peer fails, the others go on."""
        try:
            current = git(self._dir(repo), "symbolic-ref", "--short", "HEAD").decode().strip()
        except RemoteError:
            return
        if current == branch:
            raise Conflict(
                f"{repo}: the sync branch {branch} is checked out; switch the "
                "checkout to its base branch first"
            )

    # Pull requests, labels and comments do not exist locally.

    def open_pull(self, repo: str, branch: str, base: str, title: str, body: str) -> PullRequest:
        head = self.branch_head(repo, branch) or ""
        return PullRequest(0, "", branch, head, base, title, body, ())

    def edit_pull(self, repo: str, number: int, title: str, body: str) -> None:
        """Nothing to edit: the sync branch stands in for the pull request."""

    def close_pull(self, repo: str, number: int, comment: str) -> None:
        """Nothing to close: a local sync opens no pull request."""

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        """Nothing to label: checkouts have no labels."""

    def find_comment(self, repo: str, number: int, marker: str) -> Comment | None:
        """Checkouts have no comments."""
        return None

    def remove_label(self, repo: str, number: int, label: str) -> None:
        """Nothing to unlabel: checkouts have no labels."""

    def request_reviewers(
        self,
        repo: str,
        number: int,
        users: Sequence[str],
        teams: Sequence[str],
    ) -> list[Refusal]:
        """Checkouts have no reviewers."""
        return []

    def add_assignees(self, repo: str, number: int, users: Sequence[str]) -> list[Refusal]:
        """Checkouts have no assignees."""
        return []

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        """Checkouts have no comments: the body is handed back, written nowhere."""
        return Comment(0, body, "")

    def edit_comment(self, repo: str, comment_id: int, body: str) -> None:
        """Checkouts have no comments."""

    # --- status mode: what a checkout can answer -------------------------------------

    def sync_pulls(self, repo: str, branch: str) -> list[SyncPull]:
        """Checkouts have no pull requests, so no sync history: status reads content only."""
        self._dir(repo)
        return []

    def pull_state(self, repo: str, number: int) -> PullState:
        raise UsageError(_NO_PULLS)

    def pull_commits(self, repo: str, number: int) -> list[CommitInfo]:
        raise UsageError(_NO_PULLS)

    def has_blob(self, repo: str, blob_sha: str) -> bool:
        try:
            git(self._dir(repo), "cat-file", "-e", blob_sha)
        except RemoteError:
            return False
        return True

    def last_commit(self, repo: str, path: str, ref: str) -> CommitInfo | None:
        out = git(self._dir(repo), "log", "-1", "--format=%H%x00%cI%x00%B", ref, "--", path)
        if not out.strip():
            return None
        sha, date, message = out.decode().split("\0", 2)
        return CommitInfo(sha, datetime.fromisoformat(date), message.strip())

    def failed_runs(self, repo: str, workflow: str, since: datetime) -> int:
        raise UsageError(
            "Input 'sync-workflow' is not supported with --peer-dir (no workflow runs)"
        )

    def find_issue(self, repo: str, marker: str) -> Issue | None:
        raise UsageError(_NO_DASHBOARD)

    def create_issue(self, repo: str, title: str, body: str) -> Issue:
        raise UsageError(_NO_DASHBOARD)

    def edit_issue(self, repo: str, number: int, body: str, reopen: bool) -> None:
        raise UsageError(_NO_DASHBOARD)

    def notices(self) -> list[str]:
        """Checkouts never move."""
        return []

    def token_expiration(self) -> str | None:
        return None


_NO_PULLS = "Pull requests are not supported with --peer-dir"
_NO_DASHBOARD = "Input 'dashboard' is not supported with --peer-dir (it writes a GitHub issue)"
