"""Git plumbing: one `git` call, and what the action asks a checkout's history.

Used by `local.LocalHosting` (checkouts as peers) and by `provenance` and `action`
(this repository's own clone). Every failure is an `errors.RemoteError`.
"""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

from sync_action.core.errors import RemoteError, UsageError
from sync_action.core.hosting import RemoteFile

_REMOTE = re.compile(r"[:/]([A-Za-z0-9-]+)/([A-Za-z0-9._-]+?)(?:\.git)?/?$")


def repo_name(path: Path) -> str:
    """`owner/name` from the checkout's origin URL, else `local/<directory>`."""
    try:
        url = git(path, "remote", "get-url", "origin").decode().strip()
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
        return git(path, "rev-parse", "--verify", "--quiet", "HEAD").decode().strip()
    except RemoteError:
        return ""


def file_version(checkout: Path, path: str, ref: str, blob_sha: str) -> str | None:
    """The newest commit where `path` held `blob_sha`, from the checkout's own history.

    None when no commit in the history had it, which is only conclusive in a
    full clone; see `is_shallow`.
    """
    try:
        log = git(
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
    """The contents `path` had in the checkout's history, newest first (at most `limit`);
    none without git or history."""
    try:
        log = git(checkout, "log", f"--max-count={limit}", "--format=%H", ref, "--", path)
    except (RemoteError, UsageError):
        return []
    found: list[bytes] = []
    for commit in log.decode().split():
        try:
            found.append(git(checkout, "show", f"{commit}:{path}"))
        except RemoteError:
            continue  # the commit removed the file
    return found


def commits_of(checkout: Path, path: str, ref: str, limit: int) -> list[str]:
    """The newest commits that changed `path` (up to `ref`), newest first."""
    try:
        log = git(checkout, "log", f"--max-count={limit}", "--format=%H", ref, "--", path)
    except (RemoteError, UsageError):
        return []
    return log.decode().split()


def changed_since(
    checkout: Path, path: str, ref: str, blob_sha: str | None, limit: int
) -> list[str]:
    """The commits that changed `path` after the newest one that left it as `blob_sha`,
    newest first, at most `limit`: one `git log --raw`, whose lines name each new blob."""
    try:
        log = git(
            checkout,
            "log",
            f"--max-count={limit + 1}",
            "--format=%x00%H",
            "--raw",
            "--no-abbrev",
            ref,
            "--",
            path,
        )
    except (RemoteError, UsageError):
        return []
    found: list[str] = []
    for entry in log.decode().split("\0")[1:]:
        sha, _, raw = entry.partition("\n")
        blobs = [line.split()[3] for line in raw.splitlines() if line.startswith(":")]
        if blob_sha is not None and blob_sha in blobs:
            break
        found.append(sha.strip())
    return found[:limit]


def is_shallow(checkout: Path) -> bool:
    """A shallow clone (actions/checkout's default) does not know the older versions."""
    try:
        answer = git(checkout, "rev-parse", "--is-shallow-repository").decode().strip()
    except (RemoteError, UsageError):
        # No git (the action's image has none), or a checkout git refuses to read
        # (another user's): no history to read here, so the caller asks the API.
        return True
    return answer != "false"


def file_at(checkout: Path, path: str, commit: str) -> RemoteFile | None:
    """`path` at `commit` from the checkout's own objects, so reading it costs no request.

    None when git is not installed, the workspace is not a checkout, or the checkout
    lacks that commit (a shallow clone): then the API has to answer.
    """
    if _quiet_git(checkout, "cat-file", "-e", f"{commit}^{{commit}}") is None:
        return None
    listing = _quiet_git(checkout, "ls-tree", "-z", commit, "--", path)
    if listing is None:
        return None
    if not listing:
        return RemoteFile("", path, commit, None, None)
    meta = listing.decode(errors="replace").partition("\t")[0].split()
    if len(meta) != 3 or meta[1] != "blob":
        return None
    content = _quiet_git(checkout, "cat-file", "blob", meta[2])
    return None if content is None else RemoteFile("", path, commit, content, meta[2])


def _quiet_git(cwd: Path, *args: str) -> bytes | None:
    """git's output, or None for any failure: for reads that have another way to answer.

    The workspace belongs to the runner's user while the container runs as root, so
    git's ownership check is lifted for these reads."""
    try:
        done = subprocess.run(
            ["git", "-c", "safe.directory=*", *args], cwd=cwd, capture_output=True, check=False
        )
    except OSError:
        return None
    return done.stdout if done.returncode == 0 else None


def git(
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
