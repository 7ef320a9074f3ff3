"""The GitHub REST API behind the `Hosting` interface; the only module that imports PyGithub.

Request economy and safe retries are the point of this module:

- each method is one request where GitHub allows it (the numbers are tested);
- GET/HEAD/PUT/PATCH/DELETE are retried on 5xx and connection errors with
  exponential backoff and jitter, within a bounded total time;
- rate limits (403/429 with `Retry-After`, or `x-ratelimit-remaining: 0` with
  `x-ratelimit-reset`) are waited out for every method, since GitHub did not act;
- a POST is never resent blindly: after an ambiguous failure (5xx, timeout,
  dropped connection) the create looks for what the first attempt may have
  made before it tries again, so a pull request or comment is never doubled.

With a GitHub App (`GitHubHosting.for_app`) every owner's repositories are
reached through that owner's installation, with an installation token minted
once per owner and shared by the threads; the app's JWT never leaves the minting.

Errors come out as `errors.RemoteError` subclasses whose messages say how to fix
the cause and never contain the token.
"""

from __future__ import annotations

import base64
import os
import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from email.utils import parsedate_to_datetime
from typing import Any, NoReturn, TypedDict, TypeVar, Unpack
from urllib.parse import parse_qs, quote, urlsplit

import requests
from github import Auth, Github, GithubException, GithubIntegration
from github.ContentFile import ContentFile
from github.PullRequest import PullRequest as GhPull
from github.Repository import Repository
from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from sync_action.errors import Conflict, Forbidden, NotFound, RemoteError, UsageError
from sync_action.hosting import Comment, PullRequest, Refusal, RemoteFile

T = TypeVar("T")


class Settings(TypedDict, total=False):
    """Transport settings shared by the token and the GitHub App constructions."""

    timeout: float
    retries: int
    backoff: float
    max_retry_time: float
    create_attempts: int
    write_limits: Sequence[tuple[int, float]] | None


IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})
# GitHub's secondary limits on content-creating requests: (writes, seconds) windows.
WRITE_LIMITS: tuple[tuple[int, float], ...] = ((80, 60.0), (500, 3600.0))
USER_AGENT = "schema-sync-action"
VERSION_SEARCH = 30  # commits walked to name the one an earlier copy came from
ACTIONS_BOT = "github-actions[bot]"  # who writes with a workflow's GITHUB_TOKEN
APP_PERMISSIONS = (
    "The app needs the repository permissions Contents, Pull requests and Issues: read "
    "and write (Metadata: read comes with them); after changing them, accept the new "
    "permissions in each installation"
)
TOKEN_REFRESH = timedelta(minutes=5)  # mint anew when an installation token has less left
ACTIONS_PR_DOCS = (
    "https://docs.github.com/repositories/managing-your-repositorys-settings-and-features/"
    "enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository"
    "#preventing-github-actions-from-creating-or-approving-pull-requests"
)


def rate_limit_wait(headers: Mapping[str, str]) -> float | None:
    """Seconds GitHub asks us to wait before retrying, or None when this is no rate limit."""
    lower = {k.lower(): v for k, v in headers.items()}
    retry_after = lower.get("retry-after", "").strip()
    if retry_after:
        if retry_after.isdigit():
            return float(retry_after)
        try:
            return max(parsedate_to_datetime(retry_after).timestamp() - time.time(), 0.0)
        except (TypeError, ValueError):
            return None
    reset = lower.get("x-ratelimit-reset", "")
    if lower.get("x-ratelimit-remaining") == "0" and reset.isdigit():
        return max(int(reset) - time.time(), 0.0) + 0.5
    return None


class GitHubRetry(Retry):
    """urllib3 retry policy for GitHub: see the module docstring.

    A 403/429 that is not a rate limit (a permission error) is handed back at
    once; so is any answer once `deadline` seconds have passed since the first try.
    """

    def __init__(self, *, deadline: float = 120.0, started: float | None = None, **kw: Any):
        kw.setdefault("allowed_methods", IDEMPOTENT)
        kw.setdefault("status_forcelist", frozenset(range(500, 600)))
        kw.setdefault("raise_on_status", False)
        kw.setdefault("raise_on_redirect", False)
        super().__init__(**kw)
        self.deadline = deadline
        self.started = started
        self.wait = 0.0

    def new(self, **kw: Any) -> GitHubRetry:
        kw.setdefault("deadline", self.deadline)
        kw.setdefault("started", self.started)
        return super().new(**kw)  # type: ignore[return-value]

    def is_retry(self, method: str, status_code: int, has_retry_after: bool = False) -> bool:
        if status_code in (403, 429):
            return bool(self.total)  # `increment` tells a rate limit from a refusal
        return super().is_retry(method, status_code, has_retry_after)

    def increment(  # type: ignore[override]
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> GitHubRetry:
        started = self.started if self.started is not None else time.monotonic()
        wait = rate_limit_wait(response.headers) if response is not None else None
        if response is not None and response.status in (403, 429) and wait is None:
            raise MaxRetryError(_pool, url or "", ResponseError("not a rate limit"))
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        new.started = started
        new.wait = wait if wait is not None else new.backoff()
        if time.monotonic() + new.wait - started > self.deadline:
            raise MaxRetryError(_pool, url or "", error or ResponseError("retry time exhausted"))
        return new

    def backoff(self) -> float:
        """Exponential backoff with equal jitter: base/2 .. base, base doubling per retry."""
        base = min(self.backoff_factor * 2 ** max(len(self.history) - 1, 0), self.backoff_max)
        return base / 2 + random.uniform(0, base / 2)

    def sleep(self, response: Any = None) -> None:
        if self.wait > 0:
            time.sleep(self.wait)


class WritePacer:
    """GitHub's limits on content-creating requests, kept on our side for one run.

    GitHub allows 80 such requests a minute and 500 an hour, and answers more with a
    403 and a wait of a minute or longer. One pacer is shared by every thread of a run:
    a write goes at once while every window of `limits` ((writes, seconds) pairs) has
    room, and otherwise waits just until the oldest write of the full window ages out.
    A write counts from when it finished (while in flight, as now), so the server, which
    counts it somewhere in between, never sees more than the budget. No limits: no pacing.
    """

    def __init__(
        self,
        limits: Sequence[tuple[int, float]] = WRITE_LIMITS,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.limits = tuple((int(n), float(s)) for n, s in limits if n > 0 and s > 0)
        self.waited = 0.0  # seconds writes were held back, all threads together
        self._clock = clock
        self._done: deque[float] = deque()  # when earlier writes finished, oldest first
        self._flying = 0
        self._ready = threading.Condition()

    @contextmanager
    def write(self) -> Iterator[None]:
        """Hold one write until it fits every window, and count it."""
        if not self.limits:
            yield
            return
        with self._ready:
            started = self._clock()
            while (delay := self.delay()) > 0:
                self._ready.wait(None if delay == float("inf") else delay)
            self.waited += self._clock() - started
            self._flying += 1
        try:
            yield
        finally:
            with self._ready:
                self._flying -= 1
                self._done.append(self._clock())
                self._ready.notify_all()

    def delay(self) -> float:
        """Seconds until one more write fits every window (0: now; inf: when one lands)."""
        now = self._clock()
        horizon = max(span for _, span in self.limits)
        while self._done and now - self._done[0] >= horizon:
            self._done.popleft()
        delay = 0.0
        for limit, span in self.limits:
            recent = [t for t in self._done if now - t < span]
            room = limit - self._flying  # finished writes this window holds besides ours
            if len(recent) < room:
                continue
            delay = max(delay, recent[-room] + span - now if room > 0 else float("inf"))
        return delay


class _Failure(Exception):
    """A failed request, reduced to what messages need; never carries the token."""

    def __init__(
        self, status: int | None, message: str, ambiguous: bool, headers: Mapping[str, str]
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.ambiguous = ambiguous  # the server may have performed the request
        self.headers = headers


def ca_bundle() -> str | bool:
    """The CA file to trust: an Enterprise Server with a private CA is reached by setting
    REQUESTS_CA_BUNDLE or SSL_CERT_FILE (requests itself reads only the former)."""
    for name in ("REQUESTS_CA_BUNDLE", "SSL_CERT_FILE", "CURL_CA_BUNDLE"):
        path = os.environ.get(name)
        if path:
            if not os.path.isfile(path):
                raise UsageError(f"{name}={path}: no such CA file")
            return path
    return True


def _github_message(data: Any) -> str:
    if not isinstance(data, dict):
        return str(data or "")
    parts = [str(data.get("message") or data.get("data") or "")]
    for item in data.get("errors") or []:
        text = item.get("message") if isinstance(item, dict) else str(item)
        if not text and isinstance(item, dict):
            text = " ".join(str(item.get(k, "")) for k in ("resource", "field", "code")).strip()
        if text:
            parts.append(str(text))
    return ": ".join(p for p in parts if p)


@contextmanager
def _requests() -> Iterator[None]:
    """Turn PyGithub and transport exceptions into `_Failure`."""
    try:
        yield
    except GithubException as exc:
        status = exc.status
        raise _Failure(
            status, _github_message(exc.data), status >= 500, exc.headers or {}
        ) from None
    except requests.exceptions.ConnectTimeout:
        raise _Failure(None, "could not connect (timed out)", False, {}) from None
    except requests.exceptions.Timeout:
        raise _Failure(None, "no answer in time", True, {}) from None
    except requests.exceptions.RequestException as exc:
        raise _Failure(None, f"connection failed ({type(exc).__name__})", True, {}) from None


class GitHubHosting:
    """`Hosting` over GitHub's REST API (github.com, GitHub Enterprise Server, or a local fake).

    Safe to share between threads: each thread gets its own PyGithub client and
    connection pool (one per installation token with a GitHub App); the shared
    state is a cache of default branch names and the app's minted tokens.
    """

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
    ):
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._timeout = max(int(timeout + 0.999), 1)  # PyGithub takes whole seconds
        self._retry = GitHubRetry(
            total=retries,
            connect=retries,
            read=retries,
            status=retries,
            backoff_factor=backoff,
            backoff_max=max(backoff * 32, 1.0),
            deadline=max_retry_time,
        )
        self._backoff = backoff
        self._create_attempts = max(create_attempts, 1)
        self._local = threading.local()
        self._defaults: dict[str, str] = {}
        self._defaults_lock = threading.Lock()
        self._app: _AppTokens | None = None
        self.pacer = WritePacer(WRITE_LIMITS if write_limits is None else write_limits)

    @classmethod
    def for_app(
        cls, api_url: str, app_id: str | int, private_key: str, **settings: Unpack[Settings]
    ) -> GitHubHosting:
        """Authenticate as a GitHub App instead of with one token.

        GitHub scopes an installation token to one owner, so each owner's repositories
        get their own, minted on first use. The key is checked here: a malformed one is
        bad input (UsageError) before any request, a key GitHub refuses a RemoteError.
        """
        host = cls(api_url, "", **settings)
        minting = host._pygithub()
        # Unlike other POSTs, a token request is safe to repeat: a second token is harmless.
        minting["retry"] = host._retry.new(allowed_methods=IDEMPOTENT | {"POST"})
        host._app = _AppTokens(str(app_id), _pem(private_key), minting)
        return host

    # --- plumbing ---------------------------------------------------------------------

    def _pygithub(self) -> dict[str, Any]:
        """What every PyGithub client here shares: no throttling sleeps, our retry policy."""
        return {
            "base_url": self.api_url,
            "timeout": self._timeout,
            "user_agent": USER_AGENT,
            "per_page": 100,
            "retry": self._retry,
            "seconds_between_requests": None,
            "seconds_between_writes": None,
            "lazy": True,
            "verify": ca_bundle(),
        }

    def _client(self, repo: str) -> Github:
        """This thread's client for `repo` (with an app: for its owner's installation)."""
        token = self._app.token(repo) if self._app else self._token
        clients: dict[str, Github] = self._local.__dict__.setdefault("clients", {})
        client = clients.get(token)  # a refreshed token gets a client of its own
        if client is None:
            client = clients[token] = Github(auth=Auth.Token(token), **self._pygithub())
        return client

    def _repo(self, repo: str) -> Repository:
        return self._client(repo).get_repo(repo)  # lazy: no request

    def _raw(
        self, verb: str, url: str, body: Any = None, params: dict[str, Any] | None = None
    ) -> Any:
        owner, name = url.split("/")[2:4]  # every URL here is /repos/{owner}/{repo}/...
        requester = self._client(f"{owner}/{name}").requester
        if verb in ("GET", "HEAD"):
            return requester.requestJsonAndCheck(verb, url, parameters=params, input=body)[1]
        with self.pacer.write():
            return requester.requestJsonAndCheck(verb, url, parameters=params, input=body)[1]

    def _write(self, work: Callable[[], T]) -> T:
        """A write through PyGithub's objects, paced like every other write."""
        with self.pacer.write():
            return work()

    def _fail(self, failure: _Failure, action: str, repo: str) -> NoReturn:
        secret = self._app.current(repo) if self._app else self._token
        raise _translate(failure, action, repo, secret, app=self._app is not None) from None

    def _call(self, action: str, repo: str, work: Callable[[], T]) -> T:
        try:
            with _requests():
                return work()
        except _Failure as failure:
            self._fail(failure, action, repo)

    def _create(
        self, action: str, repo: str, attempt: Callable[[], T], recover: Callable[[], T | None]
    ) -> T:
        """Run a POST; after an ambiguous failure look for its result before trying again."""
        for number in range(self._create_attempts):
            try:
                with _requests():
                    return attempt()
            except _Failure as failure:
                if not failure.ambiguous or number == self._create_attempts - 1:
                    self._fail(failure, action, repo)
            time.sleep(self._backoff * 2**number * random.uniform(0.5, 1.0))
            found = self._call(action, repo, recover)
            if found is not None:
                return found
        raise AssertionError("unreachable")

    # --- reading ----------------------------------------------------------------------

    def default_branch(self, repo: str) -> str:
        with self._defaults_lock:
            known = self._defaults.get(repo.lower())
        if known:
            return known
        name = self._call("reading", repo, lambda: self._repo(repo).default_branch)
        self._remember_default(repo, name)
        return name

    def _remember_default(self, repo: str, name: str) -> None:
        with self._defaults_lock:
            self._defaults[repo.lower()] = name

    def read_file(self, repo: str, path: str, ref: str | None) -> RemoteFile:
        where = f"reading {path}" + (f" at {ref}" if ref else "")
        try:
            with _requests():
                found = (
                    self._repo(repo).get_contents(path, ref)
                    if ref
                    else self._repo(repo).get_contents(path)
                )
        except _Failure as failure:
            if failure.status != 404:
                self._fail(failure, where, repo)
            if ref and "no commit found" in failure.message.lower():
                raise NotFound(f"{repo} has no branch, tag or commit '{ref}'", status=404) from None
            # A missing file and an invisible repository both answer 404; tell them apart.
            branch = self.default_branch(repo)
            return RemoteFile(repo, path, ref or branch, None, None)
        if isinstance(found, list) or found.type == "dir":
            raise RemoteError(f"{repo}:{path} is a directory, not a file; check peer-path")
        if found.type != "file":
            raise RemoteError(
                f"{repo}:{path} is a {found.type}, not a regular file; check peer-path"
            )
        return RemoteFile(
            repo, path, ref or self._ref_of(repo, found), self._content(repo, found), found.sha
        )

    def _ref_of(self, repo: str, found: ContentFile) -> str:
        """GitHub names the ref it served in the file's `url` (`?ref=main`): the default branch."""
        served = parse_qs(urlsplit(found.url or "").query).get("ref", [""])[0]
        if served:
            self._remember_default(repo, served)
        return served

    def _content(self, repo: str, found: ContentFile) -> bytes:
        """The bytes; files over 1 MB come without content and are fetched as a git blob."""
        if found.encoding == "base64" and (found.content or found.size == 0):
            return base64.b64decode(found.content or "")
        blob = self._call(
            f"reading {found.path}", repo, lambda: self._repo(repo).get_git_blob(found.sha)
        )
        return (
            base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()
        )

    def branch_head(self, repo: str, branch: str) -> str | None:
        try:
            with _requests():
                data = self._raw("GET", f"/repos/{repo}/git/ref/heads/{quote(branch)}")
        except _Failure as failure:
            if failure.status == 404:
                return None
            self._fail(failure, f"reading branch {branch}", repo)
        return str(data["object"]["sha"])

    def find_pull(self, repo: str, branch: str) -> PullRequest | None:
        owner = repo.split("/")[0]

        def first() -> PullRequest | None:
            for pull in self._repo(repo).get_pulls(state="open", head=f"{owner}:{branch}"):
                if pull.head.ref == branch:
                    return _pull(pull)
            return None

        return self._call(f"looking for the open pull request from {branch}", repo, first)

    def own_login(self) -> str | None:
        """The account this hosting writes as, when the token says so without a request.

        A workflow's GITHUB_TOKEN (an installation token, `ghs_`) writes as
        github-actions[bot]; GitHub does not answer `GET /user` for it. For other
        tokens None: every comment with the marker is taken as the action's own.
        """
        if self._app is None and self._token.startswith("ghs_"):
            return ACTIONS_BOT
        return None

    def find_comment(self, repo: str, number: int, marker: str) -> Comment | None:
        login = self.own_login()

        def ours(user: Any) -> bool:
            return login is None or (user is not None and str(user.login).lower() == login.lower())

        def walk() -> Comment | None:
            for item in self._repo(repo).get_issue(number).get_comments():
                if (item.body or "").startswith(marker) and ours(item.user):
                    return Comment(item.id, item.body, item.html_url)
            return None

        return self._call(f"reading the comments of #{number}", repo, walk)

    # --- writing ----------------------------------------------------------------------

    def create_branch(self, repo: str, branch: str, sha: str) -> None:
        def recover() -> bool | None:
            head = self.branch_head(repo, branch)
            if head is not None and head != sha:
                raise Conflict(f"{repo}: branch {branch} already exists at another commit")
            return True if head == sha else None

        ref = f"refs/heads/{branch}"
        self._create(
            f"creating branch {branch}",
            repo,
            lambda: self._write(lambda: bool(self._repo(repo).create_git_ref(ref, sha))),
            recover,
        )

    def reset_branch(self, repo: str, branch: str, sha: str) -> None:
        url = f"/repos/{repo}/git/refs/heads/{quote(branch)}"
        self._call(
            f"resetting branch {branch}",
            repo,
            lambda: self._raw("PATCH", url, {"sha": sha, "force": True}),
        )

    def find_version(self, repo: str, path: str, ref: str | None, blob_sha: str) -> str | None:
        """One GET settles "never held"; naming the commit walks at most 30 commits."""
        try:
            with _requests():
                self._raw("GET", f"/repos/{repo}/git/blobs/{blob_sha}")
        except _Failure as failure:
            if failure.status in (404, 422):
                return None
            self._fail(failure, "looking up an earlier version", repo)

        def walk() -> str:
            gh = self._repo(repo)
            commits = gh.get_commits(sha=ref, path=path) if ref else gh.get_commits(path=path)
            for number, commit in enumerate(commits):
                if number >= VERSION_SEARCH:
                    break
                if self.read_file(repo, path, commit.sha).blob_sha == blob_sha:
                    return str(commit.sha)
            return ""

        return self._call(f"reading the history of {path}", repo, walk)

    def delete_branch(self, repo: str, branch: str) -> None:
        """Remove a branch (e.g. one left by a sync that could not open its PR); gone is fine."""
        try:
            with _requests():
                self._raw("DELETE", f"/repos/{repo}/git/refs/heads/{quote(branch)}")
        except _Failure as failure:
            if failure.status != 422 or "does not exist" not in failure.message.lower():
                self._fail(failure, f"deleting branch {branch}", repo)

    def commit_file(
        self, repo: str, branch: str, path: str, content: bytes, message: str, replaces: str | None
    ) -> str:
        def put() -> str:
            gh = self._repo(repo)
            if replaces is None:
                done = gh.create_file(path, message, content, branch=branch)
            else:
                done = gh.update_file(path, message, content, replaces, branch=branch)
            return str(done["commit"].sha)

        return self._call(f"committing {path} to {branch}", repo, lambda: self._write(put))

    def open_pull(self, repo: str, branch: str, base: str, title: str, body: str) -> PullRequest:
        def create() -> PullRequest:
            return _pull(
                self._repo(repo).create_pull(base=base, head=branch, title=title, body=body)
            )

        def recover() -> PullRequest | None:
            found = self.find_pull(repo, branch)
            return found if found is not None and found.base_ref == base else None

        action = f"opening a pull request from {branch}"
        return self._create(action, repo, lambda: self._write(create), recover)

    def edit_pull(self, repo: str, number: int, title: str, body: str) -> None:
        self._call(
            f"updating pull request #{number}",
            repo,
            lambda: self._raw(
                "PATCH", f"/repos/{repo}/pulls/{number}", {"title": title, "body": body}
            ),
        )

    def close_pull(self, repo: str, number: int, comment: str) -> None:
        self.create_comment(repo, number, comment)
        self._call(
            f"closing pull request #{number}",
            repo,
            lambda: self._raw("PATCH", f"/repos/{repo}/pulls/{number}", {"state": "closed"}),
        )

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        """One request: GitHub creates the labels the repository lacks. Adding is idempotent."""
        if not labels:
            return
        url = f"/repos/{repo}/issues/{number}/labels"
        self._create(
            f"labelling pull request #{number}",
            repo,
            lambda: self._raw("POST", url, {"labels": list(labels)}),
            lambda: None,
        )

    def remove_label(self, repo: str, number: int, label: str) -> None:
        """One request; a label that is no longer there (404) is fine."""
        url = f"/repos/{repo}/issues/{number}/labels/{quote(label, safe='')}"
        try:
            with _requests():
                self._raw("DELETE", url)
        except _Failure as failure:
            if failure.status != 404:
                self._fail(failure, f"removing label {label} from #{number}", repo)

    def request_reviewers(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> list[Refusal]:
        """One request; when GitHub refuses it (422: someone is not a collaborator), each
        name is asked alone, so the others are still requested."""
        if not users and not teams:
            return []
        asks = [(u, {"reviewers": [u]}) for u in users]
        asks += [(f"team {t}", {"team_reviewers": [t]}) for t in teams]
        whole = {"reviewers": list(users), "team_reviewers": list(teams)}
        said = self._review_request(repo, number, whole)
        if said is None:
            return []
        if len(asks) == 1:
            return [Refusal(asks[0][0], said)]
        refused = []
        for name, body in asks:
            said = self._review_request(repo, number, body)
            if said is not None:
                refused.append(Refusal(name, said))
        return refused

    def _review_request(self, repo: str, number: int, body: dict[str, Any]) -> str | None:
        """None when GitHub took the request, else what it said (422 only; others raise)."""
        url = f"/repos/{repo}/pulls/{number}/requested_reviewers"
        try:
            with _requests():
                self._raw("POST", url, body)
        except _Failure as failure:
            if failure.status != 422:
                self._fail(failure, f"requesting reviews on #{number}", repo)
            return failure.message
        return None

    def add_assignees(self, repo: str, number: int, users: Sequence[str]) -> list[Refusal]:
        """One request; GitHub silently skips users who cannot be assigned, so the answer
        is compared with the request."""
        if not users:
            return []
        url = f"/repos/{repo}/issues/{number}/assignees"
        data = self._create(
            f"assigning #{number}",
            repo,
            lambda: self._raw("POST", url, {"assignees": list(users)}),
            lambda: None,
        )
        got = {str(a.get("login", "")).lower() for a in (data or {}).get("assignees") or []}
        return [
            Refusal(u, f"GitHub did not assign {u}: not a collaborator of {repo}")
            for u in users
            if u.lower() not in got
        ]

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        def create() -> Comment:
            item = self._repo(repo).get_issue(number).create_comment(body)
            return Comment(item.id, item.body, item.html_url)

        def recover() -> Comment | None:
            found = None
            for item in self._repo(repo).get_issue(number).get_comments():
                if item.body == body:
                    found = Comment(item.id, item.body, item.html_url)
            return found

        return self._create(f"commenting on #{number}", repo, lambda: self._write(create), recover)

    def edit_comment(self, repo: str, comment_id: int, body: str) -> None:
        url = f"/repos/{repo}/issues/comments/{comment_id}"
        self._call("updating a comment", repo, lambda: self._raw("PATCH", url, {"body": body}))


def _pull(pull: GhPull) -> PullRequest:
    return PullRequest(
        number=pull.number,
        url=pull.html_url,
        head_ref=pull.head.ref,
        head_sha=pull.head.sha,
        base_ref=pull.base.ref,
        title=pull.title or "",
        body=pull.body or "",
        labels=tuple(label.name for label in pull.labels),
        reviewers=tuple(user.login for user in pull.requested_reviewers or []),
        teams=tuple(team.slug for team in pull.requested_teams or []),
        assignees=tuple(user.login for user in pull.assignees or []),
        author=pull.user.login if pull.user else "",
    )


def _translate(
    failure: _Failure, action: str, repo: str, token: str, *, app: bool = False
) -> RemoteError:
    """A user-facing error for a failed request, saying how to fix it where we know."""
    status, said = failure.status, failure.message
    lowered = said.lower()
    where = f"{action} in {repo}"
    kind: type[RemoteError] = RemoteError
    if status is None:
        text = f"{where}: {said} after retries; GitHub may be unreachable or overloaded"
    elif status == 401:
        kind = Forbidden
        text = (
            f"{where}: GitHub rejected the token (401 {said or 'Bad credentials'}). It is "
            "invalid or expired; check the `token` input (or app-id/app-private-key)"
        )
    elif "not permitted to create or approve pull requests" in lowered:
        kind = Forbidden
        text = (
            f"{where}: {said} Allow it in {repo} under Settings → Actions → General → "
            "Workflow permissions → 'Allow GitHub Actions to create and approve pull "
            f"requests' (or the organisation's settings), or use a PAT or GitHub App "
            f"token. See {ACTIONS_PR_DOCS}"
        )
    elif "archived" in lowered:
        kind = Forbidden
        text = f"{where}: {repo} is archived, so read-only; unarchive it or drop it from peer-repos"
    elif status in (403, 429) and (
        "rate limit" in lowered or rate_limit_wait(failure.headers) is not None
    ):
        wait = rate_limit_wait(failure.headers)
        when = "try again later"
        if wait is not None:
            at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(time.time() + wait))
            left = f"{wait:.0f} s" if wait < 90 else f"{wait / 60:.0f} min"
            when = f"it resets at {at} (in {left}); re-run the job after that"
        text = f"{where}: GitHub's rate limit is used up ({said}); {when}"
    elif status == 403 and app:
        kind = Forbidden
        text = f"{where}: the GitHub App lacks the permission for this ({said}). " + APP_PERMISSIONS
    elif status == 403:
        kind = Forbidden
        text = (
            f"{where}: the token lacks the permission for this ({said}). It needs "
            "`contents: write` and `pull-requests: write` on that repository; the workflow's "
            "GITHUB_TOKEN only covers its own repository, so use a PAT or GitHub App token "
            "for others"
        )
    elif status == 404:
        kind = NotFound
        text = (
            f"{where}: not found (404 {said}). Check that {repo} exists and that the "
            "token can see it (private repositories need a token with access)"
        )
    elif status == 409 or (
        status == 422 and ("already exists" in lowered or "wasn't supplied" in lowered)
    ):
        kind = Conflict
        text = f"{where}: changed meanwhile ({status} {said})"
    elif status >= 500:
        text = f"{where}: GitHub answered {status} {said} after retries"
    else:
        text = f"{where}: GitHub answered {status} {said}"
    return kind(text.replace(token, "***") if token else text, status=status)


def _pem(private_key: str) -> str:
    """The app's key as PEM text, checked to be an unencrypted RSA private key.

    A key pasted with its line breaks escaped (`\\n`) is accepted, as many secret
    stores keep it that way. Messages never quote the key.
    """
    from cryptography.exceptions import UnsupportedAlgorithm
    from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
    from cryptography.hazmat.primitives.serialization import load_pem_private_key

    text = private_key.strip().replace("\r\n", "\n")
    if "\n" not in text and "\\n" in text:
        text = text.replace("\\n", "\n")
    hint = (
        "paste the whole .pem file GitHub generated for the app (Settings → Developer "
        "settings → GitHub Apps → Private keys), from -----BEGIN to -----END"
    )
    try:
        key = load_pem_private_key(text.encode(), password=None)
    except TypeError:
        raise UsageError(f"Input 'app-private-key' is encrypted; {hint}, unchanged") from None
    except (ValueError, UnsupportedAlgorithm):
        raise UsageError(f"Input 'app-private-key' is not a PEM private key; {hint}") from None
    if not isinstance(key, RSAPrivateKey):
        raise UsageError(f"Input 'app-private-key' is not an RSA key; {hint}")
    return text + "\n"


class _AppTokens:
    """One GitHub App's installation tokens: one per owner, minted once, shared by threads.

    A lock per owner makes peers of one owner, synced in parallel, wait for a single
    mint instead of each minting their own; owners do not wait for each other.
    """

    def __init__(self, app_id: str, private_key: str, pygithub: dict[str, Any]):
        self.app_id = app_id
        self._auth = Auth.AppAuth(app_id, private_key)
        self._pygithub = pygithub
        self._lock = threading.Lock()
        self._owner_locks: dict[str, threading.Lock] = {}
        self._installations: dict[str, int] = {}
        self._tokens: dict[str, tuple[str, datetime]] = {}

    def token(self, repo: str) -> str:
        """The installation token for `repo`'s owner, minted when missing or nearly expired."""
        owner = repo.split("/")[0].lower()
        with self._lock:
            lock = self._owner_locks.setdefault(owner, threading.Lock())
        with lock:
            held = self._tokens.get(owner)
            if held is None or held[1] - datetime.now(UTC) < TOKEN_REFRESH:
                held = self._tokens[owner] = self._mint(repo)
            return held[0]

    def current(self, repo: str) -> str:
        """The token already held for `repo`'s owner, or ""; never mints."""
        return self._tokens.get(repo.split("/")[0].lower(), ("", None))[0]

    def _mint(self, repo: str) -> tuple[str, datetime]:
        """Two requests the first time for an owner (find the installation, mint), then one."""
        owner, name = repo.split("/", 1)
        with GithubIntegration(auth=self._auth, **self._pygithub) as integration:
            installation = self._installations.get(owner.lower())
            if installation is None:
                action = "looking up the GitHub App's installation"
                try:
                    with _requests():
                        installation = integration.get_repo_installation(owner, name).id
                except _Failure as failure:
                    raise self._refused(failure, action, owner, repo) from None
                self._installations[owner.lower()] = installation
            try:
                with _requests():
                    grant = integration.get_access_token(installation)
            except _Failure as failure:
                action = f"minting the GitHub App's installation token for {owner}"
                raise self._refused(failure, action, owner, repo) from None
        expires = grant.expires_at
        if expires.tzinfo is None:
            expires = expires.replace(tzinfo=UTC)
        return grant.token, expires

    def _refused(self, failure: _Failure, action: str, owner: str, repo: str) -> RemoteError:
        """Say which part of the app's setup to fix; a key GitHub refuses is a remote error."""
        status, said = failure.status, failure.message
        limited = rate_limit_wait(failure.headers) is not None or "rate limit" in said.lower()
        app, where = f"GitHub App {self.app_id}", f"{action} for {repo}"
        if status == 401:
            text = (
                f"{where}: GitHub refused the {app}'s JWT (401 {said}). Check that "
                "app-id is that app's id and app-private-key one of its current private "
                "keys (a deleted key, or the key of another app, is refused)"
            )
            if "claim" in said:
                text += "; the runner's clock may also be off"
            return Forbidden(text, status=status)
        if status == 404:
            return NotFound(
                f"{where}: the {app} is not installed on {owner}, or its installation "
                f"cannot see {repo} (404 {said}). Install the app on {owner} (the app's "
                f"page → Install App) for all repositories or at least {repo}, and check "
                f"that {repo} exists. {APP_PERMISSIONS}",
                status=status,
            )
        if status == 403 and not limited:
            return Forbidden(
                f"{where}: GitHub refused an installation token for {owner} (403 {said}); "
                f"the installation may be suspended. {APP_PERMISSIONS}",
                status=status,
            )
        return _translate(failure, action, repo, "", app=True)
