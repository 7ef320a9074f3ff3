"""This repository's own history of the schema file: the checkout's when it is complete
(free), else the API's through comment-token's hosting (the action's image has no git).

One object per run, shared by the modes' threads: each question to the API is asked once
however many consumers share it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator
from concurrent.futures import Future
from pathlib import Path
from typing import TypeVar, cast

from sync_action.backends import git
from sync_action.backends.local import LocalHosting
from sync_action.core.errors import RemoteError
from sync_action.core.hosting import CommitInfo, Hosting, RemoteFile, SourcePull

V = TypeVar("V")


class CheckoutOrApi:
    """`SourceHistory` over a checkout, with the API behind it (None: checkouts only)."""

    def __init__(
        self, workspace: Path, path: str, repository: str, sha: str | None, api: Hosting | None
    ):
        self.workspace, self.path, self.sha, self.api = workspace, path, sha or None, api
        self._repository = repository
        self._complete = not git.is_shallow(workspace)
        self._lock = threading.Lock()
        self._answers: dict[tuple[str, str], Future[object]] = {}

    @property
    def repository(self) -> str:
        return self._repository

    @property
    def complete(self) -> bool:
        return self._complete

    @property
    def askable(self) -> bool:
        return self._complete or self._api() is not None

    def _api(self) -> Hosting | None:
        return self.api if self.api is not None and self._repository else None

    def _once(self, key: tuple[str, str], work: Callable[[], V]) -> V:
        """The first thread to ask does the work; the others wait for its answer."""
        with self._lock:
            pending = self._answers.get(key)
            mine = pending is None
            if pending is None:
                pending = self._answers[key] = Future()
        if mine:
            try:
                pending.set_result(work())
            except BaseException as exc:
                pending.set_exception(exc)
        return cast(V, pending.result())

    def file_at(self, commit: str) -> tuple[RemoteFile, str] | None:
        found = git.file_at(self.workspace, self.path, commit)
        if found is not None:
            return found, "checkout"
        api = self._api()
        if api is None:
            return None
        return api.read_file(self._repository, self.path, commit), "api"

    def commit_of(self, blob_sha: str) -> tuple[bool, str | None]:
        if self._complete:
            return True, git.file_version(self.workspace, self.path, "HEAD", blob_sha)
        api = self._api()
        if api is None:
            return False, None
        return True, api.find_version(self._repository, self.path, self.sha, blob_sha)

    def holds(self, blob_sha: str) -> tuple[bool, str | None]:
        if self._complete:
            return True, git.file_version(self.workspace, self.path, "HEAD", blob_sha)
        api = self._api()
        if api is None:
            return False, None
        held = self._once(("blob", blob_sha), lambda: api.has_blob(self._repository, blob_sha))
        return True, "" if held else None

    def contents(self) -> Iterator[bytes]:
        if self._complete:
            yield from git.file_history(self.workspace, self.path)
            return
        api = self._api()
        if api is None:
            return
        try:
            yield from api.history(self._repository, self.path, self.sha)
        except RemoteError:
            return

    def made(self, commit: str) -> CommitInfo | None:
        if self._complete:
            name = self._repository or "local"
            try:
                return LocalHosting({name: self.workspace}).last_commit(name, self.path, commit)
            except RemoteError:
                pass  # a commit the checkout lacks: ask GitHub
        api = self._api()
        if api is None:
            return None
        return self._once(
            ("made", commit), lambda: api.last_commit(self._repository, self.path, commit)
        )

    def changed_since(self, blob_sha: str | None, limit: int) -> list[str] | None:
        """From the checkout: one `git log`. Through the API: one listing, then one read per
        commit walked until the consumer's bytes are found (at most `limit` + 1)."""
        if self._complete:
            return git.changed_since(self.workspace, self.path, self.sha or "HEAD", blob_sha, limit)
        api = self._api()
        if api is None:
            return None
        return self._once(("since", blob_sha or ""), lambda: self._walk(api, blob_sha, limit))

    def _walk(self, api: Hosting, blob_sha: str | None, limit: int) -> list[str]:
        found: list[str] = []
        for commit in api.file_commits(self._repository, self.path, self.sha)[: limit + 1]:
            if blob_sha is not None and self._blob_at(api, commit) == blob_sha:
                break
            found.append(commit)
        return found[:limit]

    def _blob_at(self, api: Hosting, commit: str) -> str | None:
        return api.read_file(self._repository, self.path, commit).blob_sha

    def pulls_of(self, commit: str) -> list[SourcePull]:
        api = self._api()
        if api is None:
            return []
        return self._once(("pulls", commit), lambda: api.pulls_of_commit(self._repository, commit))

    def made_content(self, blob_sha: str) -> CommitInfo | None:
        def work() -> CommitInfo | None:
            known, commit = self.commit_of(blob_sha)
            return self.made(commit) if known and commit else None

        return self._once(("content", blob_sha), work)
