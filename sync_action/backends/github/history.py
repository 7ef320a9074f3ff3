"""The part of `GitHubHosting` that reads a file's history with plain REST requests:
which commit held some bytes, and what the file said at each recent commit. No PyGithub
here; the requests go through the `Transport` handed over."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any

from sync_action.backends.github.transport import Transport
from sync_action.core.hosting import RemoteFile

VERSION_SEARCH = 30  # commits walked to name the one an earlier copy came from


class History:
    """A file's history; `read_file` is the hosting's (one request per commit read)."""

    def __init__(
        self, transport: Transport, read_file: Callable[[str, str, str | None], RemoteFile]
    ):
        self.t = transport
        self.read_file = read_file

    def _commits(self, repo: str, path: str, ref: str | None) -> list[str]:
        """One request: the newest commits that touched `path` (up to `ref`)."""
        params: dict[str, Any] = {"path": path, "per_page": VERSION_SEARCH}
        if ref:
            params["sha"] = ref
        listed = self.t.request(
            f"reading the history of {path}",
            repo,
            "GET",
            f"/repos/{repo}/commits",
            params=params,
            expect=("sha",),
        )
        return [str(commit["sha"]) for commit in listed][:VERSION_SEARCH]

    def file_commits(self, repo: str, path: str, ref: str | None) -> list[str]:
        return self._commits(repo, path, ref)

    def find_version(self, repo: str, path: str, ref: str | None, blob_sha: str) -> str | None:
        """One GET settles "never held"; naming the commit walks at most 30 commits."""
        failure = self.t.attempt("GET", f"/repos/{repo}/git/blobs/{blob_sha}")
        if failure is not None:
            if failure.status in (404, 422):
                return None
            self.t.fail(failure, "looking up an earlier version", repo)
        for sha in self._commits(repo, path, ref):
            if self.read_file(repo, path, sha).blob_sha == blob_sha:
                return sha
        return ""

    def history(self, repo: str, path: str, ref: str | None) -> Iterator[bytes]:
        """One listing of the commits of `path`, then one read per commit walked."""
        for sha in self._commits(repo, path, ref):
            content = self.read_file(repo, path, sha).content
            if content is not None:
                yield content
