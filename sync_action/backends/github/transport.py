"""What the REST mixins of `GitHubHosting` (`github_history`, `github_review`,
`github_status`) call, declared once; `github.GitHubHosting` supplies every method.
No PyGithub here."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, NoReturn, TypeVar

from sync_action.backends.github.errors import Failure
from sync_action.core.hosting import Comment, RemoteFile

T = TypeVar("T")


class Transport:
    """The requests a mixin may make; each is implemented by `GitHubHosting`."""

    _token: str
    _app: object | None

    def _raw(
        self, verb: str, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        raise NotImplementedError

    def _send(
        self, repo: str, verb: str, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        raise NotImplementedError

    def _request(
        self,
        action: str,
        repo: str,
        verb: str,
        url: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        raise NotImplementedError

    def _attempt(self, verb: str, url: str, body: Any = None) -> Failure | None:
        raise NotImplementedError

    def _fail(self, failure: Failure, action: str, repo: str) -> NoReturn:
        raise NotImplementedError

    def _call(self, action: str, repo: str, work: Callable[[], T]) -> T:
        raise NotImplementedError

    def _create(
        self, action: str, repo: str, attempt: Callable[[], T], recover: Callable[[], T | None]
    ) -> T:
        raise NotImplementedError

    def read_file(self, repo: str, path: str, ref: str | None) -> RemoteFile:
        raise NotImplementedError

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        raise NotImplementedError

    def own_login(self, repo: str) -> str:
        raise NotImplementedError

    def current_name(self, repo: str) -> str:
        raise NotImplementedError
