"""Local git checkouts as peers: drift and sync on one machine with no network.

Files are read from commits (never the working tree), and sync commits with
git plumbing into the sync branch without touching the checkout's files. A
sync branch stands in for the pull request a remote peer would get.
"""

from __future__ import annotations

import os
import re
import subprocess
import tempfile
from collections.abc import Sequence
from pathlib import Path

from sync_action.errors import Conflict, NotFound, RemoteError, UsageError
from sync_action.hosting import Comment, PullRequest, Refusal, RemoteFile

IDENTITY = {
    "GIT_AUTHOR_NAME": "schema-sync",
    "GIT_AUTHOR_EMAIL": "schema-sync@users.noreply.github.com",
    "GIT_COMMITTER_NAME": "schema-sync",
    "GIT_COMMITTER_EMAIL": "schema-sync@users.noreply.github.com",
}
_REMOTE = re.compile(r"[:/]([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$")


def repo_name(path: Path) -> str:
    """`owner/name` from the checkout's origin URL, else `local/<directory>`."""
    try:
        url = _git(path, "remote", "get-url", "origin").decode().strip()
    except RemoteError:
        url = ""
    match = _REMOTE.search(url)
    if match:
        return f"{match.group(1)}/{match.group(2)}"
    name = re.sub(r"[^A-Za-z0-9._-]", "-", path.name) or "peer"
    return f"local/{name}"


def head_commit(path: Path) -> str:
    """The checkout's HEAD commit, or "" when it is not a git checkout or has none."""
    try:
        return _git(path, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip()
    except RemoteError:
        return ""


def file_version(checkout: Path, path: str, ref: str, blob_sha: str) -> str | None:
    """The newest commit where `path` held `blob_sha`, from the checkout's own history.

    None when no commit in the history had it, which is only conclusive in a
    full clone; see `is_shallow`.
    """
    try:
        log = _git(
            checkout,
            "log",
            "--format=commit %H",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            ref,
            "--",
            path,
        ).decode()
    except RemoteError:
        return None
    commit = ""
    for line in log.splitlines():
        if line.startswith("commit "):
            commit = line[7:].strip()
        elif line.startswith(":") and line.split()[3] == blob_sha:
            return commit
    return None


def file_history(checkout: Path, path: str, ref: str = "HEAD", limit: int = 200) -> list[bytes]:
    """The contents `path` had in the checkout's history, newest first (at most `limit`)."""
    try:
        log = _git(checkout, "log", f"--max-count={limit}", "--format=%H", ref, "--", path)
    except RemoteError:
        return []
    found: list[bytes] = []
    for commit in log.decode().split():
        try:
            found.append(_git(checkout, "show", f"{commit}:{path}"))
        except RemoteError:
            continue  # the commit removed the file
    return found


def is_shallow(checkout: Path) -> bool:
    """A shallow clone (actions/checkout's default) does not know the older versions."""
    try:
        answer = _git(checkout, "rev-parse", "--is-shallow-repository").decode().strip()
    except (RemoteError, UsageError):
        # No git (the action's image has none), or a checkout git refuses to read
        # (another user's): no history to read here, so the caller asks the API.
        return True
    return answer != "false"


def _git(
    cwd: Path, *args: str, stdin: bytes | None = None, env: dict[str, str] | None = None
) -> bytes:
    try:
        done = subprocess.run(
            ["git", *args],
            cwd=cwd,
            input=stdin,
            capture_output=True,
            env={**os.environ, **(env or {})},
            check=False,
        )
    except FileNotFoundError:
        raise UsageError("git is not installed; --peer-dir needs it") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise RemoteError(f"git {args[0]} failed in {cwd}: {message[-1] if message else ''}")
    return done.stdout


class LocalHosting:
    """The Hosting interface over checkouts named by `owner/name`."""

    def __init__(self, checkouts: dict[str, Path]):
        self.checkouts = checkouts
        for name, path in checkouts.items():
            if not (path / ".git").exists():
                try:
                    _git(path, "rev-parse", "--git-dir")
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
            return _git(self._dir(repo), "symbolic-ref", "--short", "HEAD").decode().strip()
        except RemoteError:
            raise RemoteError(f"{repo}: the checkout is not on a branch (detached HEAD)") from None

    def read_file(self, repo: str, path: str, ref: str | None) -> RemoteFile:
        where = self._dir(repo)
        ref = ref or self.default_branch(repo)
        commit = self._resolve(repo, ref)
        listing = _git(where, "ls-tree", "-z", commit, "--", path).decode()
        if not listing:
            return RemoteFile(repo, path, ref, None, None)
        meta, _, _ = listing.partition("\t")
        _, kind, sha = meta.split()
        if kind != "blob":
            raise RemoteError(f"{repo}:{path} is a directory, not a file")
        return RemoteFile(repo, path, ref, _git(where, "cat-file", "blob", sha), sha)

    def _resolve(self, repo: str, ref: str) -> str:
        try:
            return (
                _git(self._dir(repo), "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}")
                .decode()
                .strip()
            )
        except RemoteError:
            raise NotFound(f"{repo} has no branch, tag or commit '{ref}'") from None

    def branch_head(self, repo: str, branch: str) -> str | None:
        try:
            return (
                _git(self._dir(repo), "rev-parse", "--verify", "--quiet", f"refs/heads/{branch}")
                .decode()
                .strip()
            )
        except RemoteError:
            return None

    def find_version(self, repo: str, path: str, ref: str | None, blob_sha: str) -> str | None:
        return file_version(self._dir(repo), path, ref or "HEAD", blob_sha)

    def find_pull(self, repo: str, branch: str) -> PullRequest | None:
        """Locally the sync branch itself stands in for the pull request."""
        head = self.branch_head(repo, branch)
        if head is None:
            return None
        return PullRequest(0, "", branch, head, self.default_branch(repo), "", "", ())

    def create_branch(self, repo: str, branch: str, sha: str) -> None:
        if self.branch_head(repo, branch) is not None:
            raise Conflict(f"{repo}: branch {branch} already exists")
        _git(self._dir(repo), "update-ref", f"refs/heads/{branch}", sha, "")

    def reset_branch(self, repo: str, branch: str, sha: str) -> None:
        self._refuse_checked_out(repo, branch)
        _git(self._dir(repo), "update-ref", f"refs/heads/{branch}", sha)

    def delete_branch(self, repo: str, branch: str) -> None:
        self._refuse_checked_out(repo, branch)
        _git(self._dir(repo), "update-ref", "-d", f"refs/heads/{branch}")

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
        blob = _git(where, "hash-object", "-w", "--stdin", stdin=content).decode().strip()
        with tempfile.TemporaryDirectory() as tmp:
            env = {"GIT_INDEX_FILE": str(Path(tmp) / "index"), **IDENTITY}
            _git(where, "read-tree", parent, env=env)
            _git(where, "update-index", "--add", "--cacheinfo", f"100644,{blob},{path}", env=env)
            tree = _git(where, "write-tree", env=env).decode().strip()
        commit = (
            _git(where, "commit-tree", tree, "-p", parent, "-m", message, env=IDENTITY)
            .decode()
            .strip()
        )
        _git(where, "update-ref", f"refs/heads/{branch}", commit, parent)
        return commit

    def _refuse_checked_out(self, repo: str, branch: str) -> None:
        try:
            current = _git(self._dir(repo), "symbolic-ref", "--short", "HEAD").decode().strip()
        except RemoteError:
            return
        if current == branch:
            raise UsageError(
                f"{repo}: the sync branch {branch} is checked out; switch the "
                "checkout to its base branch first"
            )

    # Pull requests, labels and comments do not exist locally.

    def open_pull(self, repo: str, branch: str, base: str, title: str, body: str) -> PullRequest:
        head = self.branch_head(repo, branch) or ""
        return PullRequest(0, "", branch, head, base, title, body, ())

    def edit_pull(self, repo: str, number: int, title: str, body: str) -> None:
        return None

    def close_pull(self, repo: str, number: int, comment: str) -> None:
        return None

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        return None

    def remove_label(self, repo: str, number: int, label: str) -> None:
        return None

    def request_reviewers(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> list[Refusal]:
        return []

    def add_assignees(self, repo: str, number: int, users: Sequence[str]) -> list[Refusal]:
        return []

    def find_comment(self, repo: str, number: int, marker: str) -> Comment | None:
        return None

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        return Comment(0, body, "")

    def edit_comment(self, repo: str, comment_id: int, body: str) -> None:
        return None
