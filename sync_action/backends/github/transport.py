"""The requests to GitHub's REST API, made in one place for every part of the adapter.

A `Transport` is what PyGithub's `Requester` is to its resources: `GitHubHosting` makes
one and hands it to its parts (`history.History`, `review.Reviews`, `status.StatusReads`).
It holds the clients (one per thread, and per installation token with a GitHub App), the
retry policy, the write pacing, the wire below PyGithub, and what GitHub said in passing
(the token's expiry, repositories seen under a new name).

Request economy and safe retries are kept here:

- idempotent requests are retried by `retry.GitHubRetry`, rate limits waited out by
  `wire`, writes paced to GitHub's secondary limits by `pacing`;
- a POST is never resent blindly: after an ambiguous failure (5xx, timeout, dropped
  connection) `create` looks for what the first attempt may have made before it tries
  again, so a pull request or comment is never doubled.
"""

from __future__ import annotations

import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from typing import Any, NoReturn, TypeVar
from urllib.parse import urlsplit

import requests
from github import Auth, Github, GithubException
from github.Repository import Repository

from sync_action.backends.github import answers, wire
from sync_action.backends.github.app import AppTokens
from sync_action.backends.github.errors import Failure, github_message, translate
from sync_action.backends.github.pacing import WRITE_LIMITS, WritePacer
from sync_action.backends.github.retry import GitHubRetry, ca_bundle
from sync_action.core.errors import RemoteError

T = TypeVar("T")
USER_AGENT = "schema-sync-action"
EXPIRATION = "github-authentication-token-expiration"


@contextmanager
def failures() -> Iterator[None]:
    """Turn PyGithub and transport exceptions into `Failure`."""
    try:
        yield
    except GithubException as exc:
        status, data, headers = exc.status, exc.data, exc.headers or {}
        raise Failure(status, github_message(data), status >= 500, headers, data) from None
    except wire.Unreadable as exc:  # a success or a 5xx may have been performed: say so
        unsure = exc.status < 300 or exc.status >= 500
        raise Failure(exc.status, exc.text, unsure, {}, unreadable=True) from None
    except requests.exceptions.ConnectTimeout:
        raise Failure(None, "could not connect (timed out)", False, {}) from None
    except requests.exceptions.Timeout:
        raise Failure(None, "no answer in time", True, {}) from None
    except requests.exceptions.RequestException as exc:
        raise Failure(None, f"connection failed ({type(exc).__name__})", True, {}) from None


class Transport:
    """Requests with one token (or a GitHub App's tokens); safe to share between threads."""

    def __init__(
        self,
        api_url: str,
        token: str,
        *,
        timeout: float = 30.0,
        retries: int = 4,
        backoff: float = 0.5,
        max_retry_time: float = 120.0,
        create_attempts: int = 3,
        write_limits: Sequence[tuple[int, float]] | None = None,
        say: Callable[[str], None] | None = None,
        wait_scale: float = 1.0,
        longest_wait: float = 900.0,
    ):
        self.api_url = api_url.rstrip("/")
        self.token = token
        self.app: AppTokens | None = None
        self.timeout = max(int(timeout + 0.999), 1)  # PyGithub takes whole seconds
        self.https = urlsplit(self.api_url).scheme == "https"
        self.wire = wire.Wire(
            say=say or (lambda _text: None),
            prefix=urlsplit(self.api_url).path,
            scale=wait_scale,
            longest=longest_wait,
        )
        self.retry = GitHubRetry(
            wire=self.wire,
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            backoff_max=max(backoff * 32, 1.0),
            deadline=max_retry_time,
        )
        self.backoff = backoff
        self.create_attempts = max(create_attempts, 1)
        self.pacer = WritePacer(WRITE_LIMITS if write_limits is None else write_limits)
        self.expiration: str | None = None
        self._local = threading.local()
        self._lock = threading.Lock()
        self._names: dict[int, str] = {}  # a moved repository's id -> its name now
        self._announced: set[str] = set()

    # --- clients ------------------------------------------------------------------------

    def pygithub(self) -> dict[str, Any]:
        """What every PyGithub client here shares: no throttling sleeps, our retry policy."""
        return {
            "base_url": self.api_url,
            "timeout": self.timeout,
            "user_agent": USER_AGENT,
            "per_page": 100,
            "retry": self.retry,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "lazy": True,
            "verify": ca_bundle(),
        }

    def client(self, repo: str) -> Github:
        """This thread's client for `repo` (with an app: for its owner's installation)."""
        token = self.app.token(repo) if self.app else self.token
        clients: dict[str, Github] = self._local.__dict__.setdefault("clients", {})
        client = clients.get(token)  # a refreshed token gets a client of its own
        if client is None:
            client = clients[token] = Github(auth=Auth.Token(token), **self.pygithub())
            wire.attach(client.requester, self.https)
        return client

    def repo(self, repo: str) -> Repository:
        return self.client(repo).get_repo(repo)  # lazy: no request

    def saw(self, headers: Mapping[str, Any]) -> None:
        """Keep what GitHub says of the token's expiry (only a user's token gets it)."""
        if self.app is None and headers.get(EXPIRATION):
            self.expiration = str(headers[EXPIRATION])

    # --- requests -----------------------------------------------------------------------

    def send(
        self,
        repo: str,
        verb: str,
        url: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        expect: Sequence[str] = (),
    ) -> Any:
        """One request with `repo`'s client (writes paced); raises PyGithub's errors, and
        `Failure` for an answer without the keys in `expect` (dotted for nested ones)."""
        requester = self.client(repo).requester
        if verb in ("GET", "HEAD"):
            status, headers, output = requester.requestJson(verb, url, params, None, body)
        else:
            with self.pacer.write():
                status, headers, output = requester.requestJson(verb, url, params, None, body)
        data = json.loads(output) if output else None  # the wire let JSON through only
        if status >= 400:
            raise GithubException(status, data, headers)
        self.saw(headers)
        lacking = answers.lacking(data, expect)
        if lacking is not None:
            said = f"{verb} {url} with {status} but without `{lacking}`"
            raise Failure(status, said, True, headers, data, unreadable=True)
        return data

    def raw(
        self, verb: str, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        owner, name = url.split("/")[2:4]  # every URL here is /repos/{owner}/{repo}/...
        return self.send(f"{owner}/{name}", verb, url, body, params)

    def request(
        self,
        action: str,
        repo: str,
        verb: str,
        url: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
        expect: Sequence[str] = (),
    ) -> Any:
        """`send` with its failure as a `RemoteError` naming `action`."""
        return self.call(action, repo, lambda: self.send(repo, verb, url, body, params, expect))

    def attempt(self, verb: str, url: str, body: Any = None) -> Failure | None:
        """One raw request; its failure handed back rather than raised."""
        try:
            with failures():
                self.raw(verb, url, body)
        except Failure as failure:
            return failure
        return None

    def fail(self, failure: Failure, action: str, repo: str, race: bool = False) -> NoReturn:
        secret = self.app.current(repo) if self.app else self.token
        app = self.app is not None
        raise translate(failure, action, repo, secret, app=app, race=race) from None

    def call(self, action: str, repo: str, work: Callable[[], T], race: bool = False) -> T:
        """`work`'s failure as a `RemoteError`; `race`: a 409 is a `Conflict`."""
        try:
            with failures():
                return work()
        except Failure as failure:
            self.fail(failure, action, repo, race)

    def create(
        self, action: str, repo: str, attempt: Callable[[], T], recover: Callable[[], T | None]
    ) -> T:
        """Run a POST; after an ambiguous failure look for its result before trying again."""
        for number in range(self.create_attempts):
            try:
                with failures():
                    return attempt()
            except Failure as failure:
                if not failure.ambiguous or number == self.create_attempts - 1:
                    self.fail(failure, action, repo)
            time.sleep(self.backoff * 2**number * random.uniform(0.5, 1.0))
            found = self.call(action, repo, recover)
            if found is not None:
                return found
        raise AssertionError("unreachable")

    # --- moved repositories -------------------------------------------------------------

    def current_name(self, repo: str) -> str:
        """The name GitHub knows `repo` by now: itself, unless it was seen redirected."""
        repo_id = self.wire.moved_id(repo)
        if repo_id is None:
            return repo
        with self._lock:
            known = self._names.get(repo_id)
        if known is None:
            url = f"/repositories/{repo_id}"
            found = self.call(
                "reading its new name",
                repo,
                lambda: self.send(repo, "GET", url, expect=("full_name",)),
            )
            known = str(found["full_name"])
            with self._lock:
                self._names[repo_id] = known
        return known

    def notices(self) -> list[str]:
        """Each repository seen under a new name, once a run: peer-repos should say it."""
        said = []
        for old, repo_id in self.wire.moves():
            with self._lock:
                if old.lower() in self._announced:
                    continue
                self._announced.add(old.lower())
            try:
                new = self.current_name(old)
            except RemoteError:
                new = f"the repository with id {repo_id}"
            said.append(f"{old} is now {new}: update peer-repos")
        return said
