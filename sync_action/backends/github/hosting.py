"""The GitHub REST API behind the `Hosting` interface; the only module that imports PyGithub.

Request economy and safe retries are the point of this module:

- each method is one request where GitHub allows it (the numbers are tested);
- idempotent requests are retried and rate limits waited out by `github_retry`;
- writes are paced to GitHub's secondary limits by `pacing`;
- a POST is never resent blindly: after an ambiguous failure (5xx, timeout,
  dropped connection) the create looks for what the first attempt may have
  made before it tries again, so a pull request or comment is never doubled.

With a GitHub App (`GitHubHosting.for_app`), an installation token is minted once
per owner and shared by the threads (`github_app`).

Errors come out as `errors.RemoteError` subclasses (worded by `github_errors`)
whose messages say how to fix the cause and never contain the token.
"""

from __future__ import annotations

import base64
import json
import random
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime
from typing import Any, NoReturn, TypeVar, Unpack
from urllib.parse import parse_qs, quote, urlsplit

import requests
from github import Auth, Github, GithubException, GithubIntegration
from github.ContentFile import ContentFile
from github.PullRequest import PullRequest as GhPull
from github.Repository import Repository

from sync_action.backends.github import answers, wire
from sync_action.backends.github.app import AppTokens, pem
from sync_action.backends.github.errors import Failure, github_message, translate
from sync_action.backends.github.history import HistoryReads
from sync_action.backends.github.pacing import WRITE_LIMITS, WritePacer
from sync_action.backends.github.retry import IDEMPOTENT, GitHubRetry, Settings, ca_bundle
from sync_action.backends.github.review import ReviewsAndLabels
from sync_action.backends.github.status import StatusReads
from sync_action.core.errors import Conflict, RemoteError, no_such_ref
from sync_action.core.hosting import Comment, PullRequest, RemoteFile

T = TypeVar("T")


USER_AGENT = "schema-sync-action"


@contextmanager
def _requests() -> Iterator[None]:
    """Turn PyGithub and transport exceptions into `Failure`."""
    try:
        yield
    except GithubException as exc:
        status, data = exc.status, exc.data
        raise Failure(
            status, github_message(data), status >= 500, exc.headers or {}, data
        ) from None
    except wire.Unreadable as exc:  # the request may have been performed: say so
        unsure = exc.status < 400 or exc.status >= 500
        raise Failure(exc.status, exc.text, unsure, {}, unreadable=True) from None
    except requests.exceptions.ConnectTimeout:
        raise Failure(None, "could not connect (timed out)", False, {}) from None
    except requests.exceptions.Timeout:
        raise Failure(None, "no answer in time", True, {}) from None
    except requests.exceptions.RequestException as exc:
        raise Failure(None, f"connection failed ({type(exc).__name__})", True, {}) from None


class GitHubHosting(StatusReads, ReviewsAndLabels, HistoryReads):
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
        say: Callable[[str], None] | None = None,
        wait_scale: float = 1.0,
        longest_wait: float = 900.0,
    ):
        self.api_url = api_url.rstrip("/")
        self._token = token
        self._timeout = max(int(timeout + 0.999), 1)  # PyGithub takes whole seconds
        wire.install()
        self.wire = wire.Wire(
            say=say or (lambda _text: None),
            prefix=urlsplit(self.api_url).path,
            scale=wait_scale,
            longest=longest_wait,
        )
        self._names: dict[int, str] = {}  # a moved repository's id -> its name now
        self._announced: set[str] = set()
        self._retry = GitHubRetry(
            wire=self.wire,
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
        self._app: AppTokens | None = None
        self._expiration: str | None = None
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
        auth = Auth.AppAuth(str(app_id), pem(private_key))

        def find_installation(owner: str, name: str) -> int:
            with _requests(), GithubIntegration(auth=auth, **minting) as integration:
                return int(integration.get_repo_installation(owner, name).id)

        def mint(installation: int) -> tuple[str, datetime]:
            with _requests(), GithubIntegration(auth=auth, **minting) as integration:
                grant = integration.get_access_token(installation)
            return grant.token, grant.expires_at

        host._app = AppTokens(str(app_id), find_installation, mint)
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
        return self._send(f"{owner}/{name}", verb, url, body, params)

    def _send(
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
        requester = self._client(repo).requester
        if verb in ("GET", "HEAD"):
            status, headers, output = requester.requestJson(verb, url, params, None, body)
        else:
            with self.pacer.write():
                status, headers, output = requester.requestJson(verb, url, params, None, body)
        data = json.loads(output) if output else None  # the wire let JSON through only
        if status >= 400:
            raise GithubException(status, data, headers)
        self.saw(headers, app=self._app is not None)
        lacking = answers.lacking(data, expect)
        if lacking is not None:
            said = f"{verb} {url} with {status} but without `{lacking}`"
            raise Failure(status, said, True, headers, data, unreadable=True)
        return data

    def _request(
        self,
        action: str,
        repo: str,
        verb: str,
        url: str,
        body: Any = None,
        params: dict[str, Any] | None = None,
    ) -> Any:
        return self._call(action, repo, lambda: self._send(repo, verb, url, body, params))

    def _attempt(self, verb: str, url: str, body: Any = None) -> Failure | None:
        """One raw request; its failure handed back rather than raised."""
        try:
            with _requests():
                self._raw(verb, url, body)
        except Failure as failure:
            return failure
        return None

    def _fail(self, failure: Failure, action: str, repo: str, race: bool = False) -> NoReturn:
        secret = self._app.current(repo) if self._app else self._token
        app = self._app is not None
        raise translate(failure, action, repo, secret, app=app, race=race) from None

    def _call(self, action: str, repo: str, work: Callable[[], T], race: bool = False) -> T:
        """`work`'s failure as a `RemoteError`; `race`: a 409 is a `Conflict`."""
        try:
            with _requests():
                return work()
        except Failure as failure:
            self._fail(failure, action, repo, race)

    def _create(
        self, action: str, repo: str, attempt: Callable[[], T], recover: Callable[[], T | None]
    ) -> T:
        """Run a POST; after an ambiguous failure look for its result before trying again."""
        for number in range(self._create_attempts):
            try:
                with _requests():
                    return attempt()
            except Failure as failure:
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
        url = f"/repos/{repo}"
        found = self._call(
            "reading", repo, lambda: self._send(repo, "GET", url, expect=("default_branch",))
        )
        name = str(found["default_branch"])
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
        except Failure as failure:
            if failure.status != 404:
                self._fail(failure, where, repo)
            if ref and answers.NO_COMMIT in failure.message.lower():
                raise no_such_ref(repo, ref) from None
            # A missing file and an invisible repository both answer 404; tell them apart.
            branch = self.default_branch(repo)
            return RemoteFile(repo, path, ref or branch, None, None)
        if not isinstance(found, list):
            self.saw(found.raw_headers, app=self._app is not None)
        if not isinstance(found, list) and (found.type is None or found.sha is None):
            url = f"/repos/{repo}/contents/{path}"
            lacking = "type" if found.type is None else "sha"
            said = f"GET {url} with 200 but without `{lacking}`"
            self._fail(Failure(200, said, False, {}, unreadable=True), where, repo)
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
                url = f"/repos/{repo}/git/ref/heads/{quote(branch)}"
                data = self._send(repo, "GET", url, expect=("object.sha",))
        except Failure as failure:
            if failure.status == 404:
                return None
            self._fail(failure, f"reading branch {branch}", repo)
        return str(data["object"]["sha"])

    def find_pull(self, repo: str, branch: str) -> PullRequest | None:
        owner = self.current_name(repo).split("/")[0]  # GitHub filters by the owner now

        def first() -> PullRequest | None:
            for pull in self._repo(repo).get_pulls(state="open", head=f"{owner}:{branch}"):
                if pull.head.ref == branch:
                    return _pull(pull)
            return None

        return self._call(f"looking for the open pull request from {branch}", repo, first)

    def find_comment(self, repo: str, number: int, marker: str) -> Comment | None:
        login = self.comment_author(repo)

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

        url, body = f"/repos/{repo}/git/refs", {"ref": f"refs/heads/{branch}", "sha": sha}
        self._create(
            f"creating branch {branch}",
            repo,
            lambda: bool(self._send(repo, "POST", url, body, expect=("object.sha",))),
            recover,
        )

    def reset_branch(self, repo: str, branch: str, sha: str) -> None:
        url = f"/repos/{repo}/git/refs/heads/{quote(branch)}"
        self._call(
            f"resetting branch {branch}",
            repo,
            lambda: self._raw("PATCH", url, {"sha": sha, "force": True}),
        )

    def delete_branch(self, repo: str, branch: str) -> None:
        """Remove a branch (e.g. one left by a sync that could not open its PR); gone is fine."""
        try:
            with _requests():
                self._raw("DELETE", f"/repos/{repo}/git/refs/heads/{quote(branch)}")
        except Failure as failure:
            if failure.status != 422 or answers.REF_MISSING not in failure.message.lower():
                self._fail(failure, f"deleting branch {branch}", repo)

    def commit_file(
        self, repo: str, branch: str, path: str, content: bytes, message: str, replaces: str | None
    ) -> str:
        url = f"/repos/{repo}/contents/{quote(path)}"
        body = {"message": message, "content": base64.b64encode(content).decode(), "branch": branch}
        if replaces is not None:
            body["sha"] = replaces
        done = self._call(
            f"committing {path} to {branch}",
            repo,
            lambda: self._send(repo, "PUT", url, body, expect=("commit.sha",)),
            race=True,  # a stale `sha`: someone wrote the file meanwhile
        )
        return str(done["commit"]["sha"])

    def open_pull(self, repo: str, branch: str, base: str, title: str, body: str) -> PullRequest:
        asked = {"title": title, "body": body, "base": base, "head": branch}

        def create() -> PullRequest:
            made = self._send(repo, "POST", f"/repos/{repo}/pulls", asked, expect=PULL_KEYS)
            return _pull_from(made)

        def recover() -> PullRequest | None:
            found = self.find_pull(repo, branch)
            return found if found is not None and found.base_ref == base else None

        action = f"opening a pull request from {branch}"
        return self._create(action, repo, create, recover)

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        url = f"/repos/{repo}/issues/{number}/comments"

        def create() -> Comment:
            item = self._send(repo, "POST", url, {"body": body}, expect=("id", "html_url"))
            return Comment(int(item["id"]), str(item.get("body") or body), str(item["html_url"]))

        def recover() -> Comment | None:
            found = None
            for item in self._repo(repo).get_issue(number).get_comments():
                if item.body == body:
                    found = Comment(item.id, item.body, item.html_url)
            return found

        return self._create(f"commenting on #{number}", repo, create, recover)

    # --- moved repositories -----------------------------------------------------------

    def current_name(self, repo: str) -> str:
        """The name GitHub knows `repo` by now: itself, unless it was seen redirected."""
        repo_id = self.wire.moved_id(repo)
        if repo_id is None:
            return repo
        with self._defaults_lock:
            known = self._names.get(repo_id)
        if known is None:
            url = f"/repositories/{repo_id}"
            found = self._call(
                "reading its new name",
                repo,
                lambda: self._send(repo, "GET", url, expect=("full_name",)),
            )
            known = str(found["full_name"])
            with self._defaults_lock:
                self._names[repo_id] = known
        return known

    def notices(self) -> list[str]:
        """Each repository seen under a new name, once a run: peer-repos should say it."""
        said = []
        for old, repo_id in self.wire.moves():
            with self._defaults_lock:
                if old.lower() in self._announced:
                    continue
                self._announced.add(old.lower())
            try:
                new = self.current_name(old)
            except RemoteError:
                new = f"the repository with id {repo_id}"
            said.append(f"{old} is now {new}: update peer-repos")
        return said


PULL_KEYS = ("number", "html_url", "head.ref", "head.sha", "base.ref")


def _pull_from(item: dict[str, Any]) -> PullRequest:
    """A pull request from GitHub's JSON (checked for `PULL_KEYS`)."""

    def names(key: str, field: str) -> tuple[str, ...]:
        return tuple(str(x.get(field, "")) for x in item.get(key) or [])

    return PullRequest(
        number=int(item["number"]),
        url=str(item["html_url"]),
        head_ref=str(item["head"]["ref"]),
        head_sha=str(item["head"]["sha"]),
        base_ref=str(item["base"]["ref"]),
        title=str(item.get("title") or ""),
        body=str(item.get("body") or ""),
        labels=names("labels", "name"),
        reviewers=names("requested_reviewers", "login"),
        teams=names("requested_teams", "slug"),
        assignees=names("assignees", "login"),
        author=str((item.get("user") or {}).get("login") or ""),
    )


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
