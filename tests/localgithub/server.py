"""A GitHub Enterprise Server stand-in on 127.0.0.1: REST under /api/v3 and git over HTTP.

Tests seed it directly (`create_repo`, `commit`, `add_token`, `add_app`, ...), point the
code under test at `api_url` / `server_url`, and then read back what happened:
git state, pulls, comments, labels, and a log of every request. Every body it
sends is checked against GitHub's published schemas (see `spec.py`); anything
off is collected in `violations`, which the pytest fixture turns into a failure.
"""

from __future__ import annotations

import base64
import json
import re
import socket
import ssl
import struct
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, quote, unquote, urlencode, urlsplit

from . import edges
from . import payloads as P
from .appauth import app_for
from .breakage import Breakage, malformed_answer
from .faults import SECONDARY_LIMIT, Fault, Faults, WriteBudget
from .gitbackend import run_backend
from .gitstore import Person
from .payloads import Urls
from .rest import Call, HttpError, Reply, RestApi
from .seeding import Seeding
from .spec import Operation, Spec
from .state import (
    SEED_AUTHOR,
    App,
    Installation,
    IssueComment,
    Pull,
    Repo,
    Store,
    Token,
)
from .tracking import Tracking, iso

API_PREFIX = "/api/v3"
GIT_PATH = re.compile(r"^/(?P<owner>[^/]+)/(?P<name>[^/]+?)\.git(?P<rest>/.*)$")
RATE_LIMIT = 5000
DEFAULT_LOGIN = "github-actions[bot]"


@cache
def shared_spec() -> Spec:
    """One parsed description per process: loading it costs more than a test should."""
    return Spec()


@dataclass
class LoggedRequest:
    """One request as the server saw it. `write` is any REST call other than GET/HEAD."""

    method: str
    path: str
    query: dict[str, str]
    kind: str  # "rest" or "git"
    write: bool
    body: Any = None
    status: int = 0  # 0: the connection was dropped
    operation: str | None = None
    injected: bool = False
    at: float = field(default_factory=time.monotonic)


@dataclass
class Outgoing:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    reset: bool = False
    checked: bool = True  # False: off GitHub's description on purpose (a malformed answer)


class LocalGitHub(Seeding, Breakage):
    """The server plus the test-side API to seed it, break it and inspect it."""

    def __init__(self, root: Path, spec: Spec | None = None):
        self.store = Store(root)
        self.spec = spec or shared_spec()
        self.api = RestApi(self.store)
        self.api.handlers.update(Tracking(self.store).handlers)
        self.api.handlers.update(edges.EdgeHandlers(self.store).handlers)
        # Called with (method, target, answer) for every answer sent, e.g. the referee's check.
        self.observers: list[Callable[[str, str, Outgoing], None]] = []
        # Link headers on /repositories/{id}/..., as GitHub builds them (off: on the path asked).
        self.links_by_id = False
        self.faults = Faults()
        self.log: list[LoggedRequest] = []
        self.violations: list[str] = []
        self.refused: list[str] = []
        self._log_lock = threading.Lock()
        self._spec_lock = threading.Lock()
        self._used = 0
        self._reset_at = int(time.time()) + 3600
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.app = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, args=(0.01,), daemon=True)

    # --- lifecycle ------------------------------------------------------------------

    scheme = "http"

    def use_tls(self, certfile: Path, keyfile: Path) -> LocalGitHub:
        """Serve HTTPS with this certificate, as an Enterprise Server with a private CA does."""
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(certfile, keyfile)
        self._httpd.socket = context.wrap_socket(self._httpd.socket, server_side=True)
        self.scheme = "https"
        return self

    def start(self) -> LocalGitHub:
        self._thread.start()
        return self

    def stop(self) -> None:
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)

    def __enter__(self) -> LocalGitHub:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def port(self) -> int:
        return self._httpd.server_address[1]

    @property
    def server_url(self) -> str:
        return f"{self.scheme}://127.0.0.1:{self.port}"

    @property
    def api_url(self) -> str:
        return f"{self.server_url}{API_PREFIX}"

    # --- seeding and inspection -------------------------------------------------------

    def create_repo(
        self,
        full_name: str,
        files: Mapping[str, bytes | str] | None = None,
        default_branch: str = "main",
        private: bool = False,
        archived: bool = False,
        actions_can_create_prs: bool = True,
    ) -> Repo:
        """A repository whose default branch holds one commit with `files`."""
        with self.store.lock:
            repo = self.store.add_repo(
                full_name, default_branch, private, archived, actions_can_create_prs
            )
            sha = repo.git.write_commit(None, _bytes(files or {}), "Initial commit", SEED_AUTHOR)
            repo.git.update_ref(default_branch, sha)
        return repo

    def repo(self, full_name: str) -> Repo:
        """The repository's state; `private`, `archived`, `actions_can_create_prs` are settable."""
        return self.store.get(full_name)

    def commit(
        self,
        repo: str,
        branch: str,
        files: Mapping[str, bytes | str | None],
        message: str = "Update files",
        author: Person = SEED_AUTHOR,
    ) -> str:
        """Commit `files` (None deletes) on `branch`, created from the default branch if new."""
        with self.store.lock:
            state = self.store.get(repo)
            parent = state.git.branch_sha(branch) or state.git.branch_sha(state.default_branch)
            sha = state.git.write_commit(parent, _bytes(files), message, author)
            state.git.update_ref(branch, sha)
        return sha

    def create_branch(self, repo: str, branch: str, from_ref: str | None = None) -> str:
        with self.store.lock:
            state = self.store.get(repo)
            sha = state.git.resolve(from_ref or state.default_branch)
            assert sha, f"unknown ref {from_ref}"
            state.git.update_ref(branch, sha)
        return sha

    def read(self, repo: str, ref: str, path: str) -> bytes | None:
        return self.store.get(repo).git.read(ref, path)

    def branch_sha(self, repo: str, branch: str) -> str | None:
        return self.store.get(repo).git.branch_sha(branch)

    def pulls(self, repo: str, state: str = "all") -> list[Pull]:
        found = self.store.get(repo).pulls.values()
        return [p for p in found if state in ("all", p.state)]

    def open_pull(
        self,
        repo: str,
        head: str,
        base: str | None = None,
        title: str = "PR",
        body: str = "",
        *,
        user: str = "octocat",
        created_at: datetime | None = None,
    ) -> Pull:
        """Seed an open pull request without going through the API."""
        with self.store.lock:
            state = self.store.get(repo)
            pull = Pull(
                self.store.next_id(),
                state.next_number,
                title,
                body,
                head,
                base or state.default_branch,
                user,
            )
            if created_at is not None:
                pull.created_at = pull.updated_at = iso(created_at)
            state.pulls[pull.number] = pull
            state.next_number += 1
        return pull

    def comments(self, repo: str, number: int) -> list[IssueComment]:
        found = self.store.get(repo).comments.values()
        return sorted((c for c in found if c.number == number), key=lambda c: c.id)

    def add_comment(self, repo: str, number: int, body: str, user: str = "octocat") -> IssueComment:
        with self.store.lock:
            item = IssueComment(self.store.next_id(), number, body, user)
            self.store.get(repo).comments[item.id] = item
        return item

    def labels(self, repo: str) -> list[str]:
        return [label.name for label in self.store.get(repo).labels.values()]

    def add_label(self, repo: str, name: str, color: str = "ededed") -> None:
        with self.store.lock:
            self.store.ensure_label(self.store.get(repo), name, color)

    def add_collaborator(self, repo: str, login: str) -> None:
        """A user with push access: may be asked to review and be assigned."""
        with self.store.lock:
            self.store.get(repo).collaborators.add(login.lower())

    def add_team(self, repo: str, slug: str) -> None:
        """A team of the repository's owner with access to it: may be asked to review."""
        with self.store.lock:
            self.store.get(repo).teams[slug] = self.store.next_id()

    def add_token(
        self,
        token: str,
        repos: Mapping[str, str] | None = None,
        login: str = DEFAULT_LOGIN,
        expiration: str | None = None,
    ) -> Token:
        """Register a token; `repos` maps owner/name to "read" or "write" (None: write to all).

        `expiration` is sent as `github-authentication-token-expiration` on every answer to
        the token, as GitHub does for a personal access token that expires
        (`2026-01-31 23:00:00 UTC` or `2026-01-31 23:00:00 +0200`).
        """
        grants = None if repos is None else {k.lower(): v for k, v in repos.items()}
        assert grants is None or set(grants.values()) <= {"read", "write"}, grants
        self.store.tokens[token] = Token(token, login, grants, expiration_header=expiration)
        return self.store.tokens[token]

    def add_app(
        self,
        app_id: int,
        public_key_pem: str | bytes,
        installations: Mapping[str, int] | None = None,
        slug: str = "schema-sync",
        kind: str = "Organization",
        token_lifetime: float = 3600,
    ) -> App:
        """Register a GitHub App by its public key, installed on each owner (owner -> id).

        Its JWTs buy installation tokens at `POST /app/installations/{id}/access_tokens`:
        write access to that owner's repositories, for an hour (`token_lifetime` seconds).
        """
        pem = public_key_pem.decode() if isinstance(public_key_pem, bytes) else public_key_pem
        app = App(app_id, slug, pem, token_lifetime=token_lifetime)
        for owner, installation_id in (installations or {}).items():
            app.installations[owner.lower()] = Installation(installation_id, owner, kind)
        with self.store.lock:
            self.store.apps[app_id] = app
        return app

    def installation_tokens(self, owner: str | None = None) -> list[Token]:
        """The installation tokens minted so far (for `owner` only, when given)."""
        with self.store.lock:
            minted = [t for t in self.store.tokens.values() if t.owner is not None]
        return [t for t in minted if owner is None or str(t.owner).lower() == owner.lower()]

    def git_url(self, repo: str, token: str | None = None) -> str:
        auth = f"x-access-token:{quote(token, safe='')}@" if token else ""
        return f"http://{auth}127.0.0.1:{self.port}/{self.store.get(repo).full_name}.git"

    # --- request log ------------------------------------------------------------------

    def requests(
        self, method: str | None = None, path_contains: str | None = None
    ) -> list[LoggedRequest]:
        with self._log_lock:
            found = list(self.log)
        if method:
            found = [r for r in found if r.method == method.upper()]
        if path_contains:
            found = [r for r in found if path_contains in r.path]
        return found

    def reads(self) -> list[LoggedRequest]:
        return [r for r in self.requests() if r.kind == "rest" and not r.write]

    def writes(self) -> list[LoggedRequest]:
        return [r for r in self.requests() if r.kind == "rest" and r.write]

    def reset_log(self) -> None:
        with self._log_lock:
            self.log.clear()
        self.faults.max_active = self.faults.active

    # --- faults -------------------------------------------------------------------------

    def inject(
        self,
        method: str,
        path_regex: str,
        status: int | None = None,
        times: int | None = 1,
        retry_after: float | None = None,
        ratelimit_reset: float | None = None,
        body: Any = None,
        latency: float = 0.0,
        after: bool = False,
        reset_connection: bool = False,
    ) -> Fault:
        """Fail the next `times` requests (None: all) whose path matches `path_regex` (re.search).

        The path is the one after /api/v3 (or /owner/name.git/... for git), without the
        query. `after=True` performs the request first and then fails it; `ratelimit_reset`
        is seconds from now; `status=None` with `latency` only slows the request down.
        """
        fault = Fault(
            method.upper(),
            re.compile(path_regex),
            status,
            times,
            retry_after,
            ratelimit_reset,
            body,
            latency,
            after,
            reset_connection,
        )
        return self.faults.add(fault)

    @property
    def latency(self) -> float:
        return self.faults.latency

    @latency.setter
    def latency(self, seconds: float) -> None:
        self.faults.latency = seconds

    def limit_writes(self, limit: int, per_seconds: float = 60.0) -> None:
        """Past `limit` writes per window, answer 403 secondary rate limit with Retry-After."""
        self.faults.budget = WriteBudget(limit, per_seconds)

    @property
    def max_concurrency(self) -> int:
        return self.faults.max_active

    def clear_faults(self) -> None:
        """Drop injected faults, the global latency and the write budget."""
        self.faults.clear()

    def clear_violations(self) -> list[str]:
        """The violations so far and the answers the referee refused; both start afresh."""
        found, self.violations = self.violations, []
        with self._log_lock:
            refused, self.refused = self.refused, []
        return found + refused

    def refuse(self, problems: list[str]) -> None:
        """Answers an independent check (the referee) found off GitHub's description."""
        if problems:
            with self._log_lock:
                self.refused.extend(problems)

    def violate(self, message: str) -> None:
        with self._log_lock:
            self.violations.append(message)

    # --- serving ----------------------------------------------------------------------

    @contextmanager
    def in_flight(self) -> Iterator[None]:
        self.faults.enter()
        try:
            yield
        finally:
            self.faults.leave()

    def handle(self, method: str, target: str, headers: Mapping[str, str], body: bytes) -> Outgoing:
        """Answer one HTTP request; a bug in the fake becomes a 500 and a violation."""
        try:
            out = self._handle(method, target, headers, body)
        except Exception:
            self.violate(f"{method} {target}: the local GitHub failed:\n{traceback.format_exc()}")
            return _text(500, "local GitHub internal error")
        for observe in self.observers:
            observe(method, target, out)
        return out

    def _handle(
        self, method: str, target: str, headers: Mapping[str, str], body: bytes
    ) -> Outgoing:
        split = urlsplit(target)
        query = dict(parse_qsl(split.query, keep_blank_values=True))
        if split.path == API_PREFIX or split.path.startswith(API_PREFIX + "/"):
            path = split.path[len(API_PREFIX) :] or "/"
            entry = LoggedRequest(method, path, query, "rest", method not in ("GET", "HEAD"))
            return self._logged(entry, lambda: self._rest(entry, headers, body))
        found = GIT_PATH.match(split.path)
        if found:
            entry = LoggedRequest(method, split.path, query, "git", False)
            return self._logged(entry, lambda: self._git(found, method, split.query, headers, body))
        return Outgoing(404, b"Not Found", [("Content-Type", "text/plain")])

    def _logged(self, entry: LoggedRequest, serve: Callable[[], Outgoing]) -> Outgoing:
        fault = self.faults.take(entry.method, entry.path)
        delay = (self.faults.latency if entry.kind == "rest" else 0.0) + (
            fault.latency if fault else 0.0
        )
        if delay:
            time.sleep(delay)
        if fault and fault.status is None and not fault.reset_connection:
            fault = None  # latency only
        out = serve() if not fault or fault.after else None
        if fault:
            out = self._fault(entry, fault, out)
        assert out is not None
        entry.status = 0 if out.reset else out.status
        with self._log_lock:
            self.log.append(entry)
        return out

    def _fault(self, entry: LoggedRequest, fault: Fault, served: Outgoing | None) -> Outgoing:
        entry.injected = True
        if fault.reset_connection:
            return Outgoing(0, reset=True)
        if fault.malformed:
            was = (served.status, served.body) if served else None
            status, raw, headers = malformed_answer(fault, was)
            return Outgoing(status, raw, headers, checked=False)
        status, body, headers = fault.response()
        op = self._operation(entry)
        return self._json(entry, op, Reply(status, body, headers))

    def _operation(self, entry: LoggedRequest) -> Operation | None:
        if entry.kind != "rest":
            return None
        method = "GET" if entry.method == "HEAD" else entry.method
        matched = self.spec.match(method, self._route(entry))
        return matched[0] if matched else None

    def _route(self, entry: LoggedRequest) -> str:
        """The path to route by: `/repositories/{id}/...` as `/repos/{owner}/{repo}/...`."""
        found = edges.by_id(self.store, entry.path)
        return found[1] if found else entry.path

    # --- REST -------------------------------------------------------------------------

    def _rest(self, entry: LoggedRequest, headers: Mapping[str, str], raw: bytes) -> Outgoing:
        urls = _urls(headers, self.port, self.scheme)
        route = self._route(entry)
        matched = self.spec.match("GET" if entry.method == "HEAD" else entry.method, route)
        op = matched[0] if matched else None
        entry.operation = op.id if op else None
        moved = edges.moved(self.store, entry.method, route, urlencode(entry.query), urls.api)
        if moved is not None:
            body = edges.redirect_body(moved.location)
            return self._json(entry, op, Reply(moved.status, body, {"Location": moved.location}))
        try:
            reply = self._serve(entry, headers, raw, urls, matched)
        except HttpError as exc:
            docs = _docs(self.spec, op)
            body = P.error(
                exc.message, docs, exc.status, **({"errors": exc.errors} if exc.errors else {})
            )
            reply = Reply(exc.status, body, exc.headers)
        token = self.store.tokens.get(_token_in(headers.get("Authorization", "")) or "")
        if token is not None and token.expiration_header and reply.status != 401:
            reply.headers["github-authentication-token-expiration"] = token.expiration_header
        return self._json(entry, op, reply)

    def _serve(
        self,
        entry: LoggedRequest,
        headers: Mapping[str, str],
        raw: bytes,
        urls: Urls,
        matched: tuple[Operation, dict[str, str]] | None,
    ) -> Reply:
        app, token = None, None
        if matched is not None and matched[0].id.startswith("apps/"):
            app = app_for(self.store, headers.get("Authorization", ""))
        else:
            token = self._token(headers)
        if matched is None:
            self.violate(f"{entry.method} {entry.path}: not an operation of the REST description")
            raise HttpError(404, "Not Found")
        op, raw_params = matched
        entry.body = _parse_json(raw)
        with self._spec_lock:
            for problem in self.spec.request_errors(op, entry.body):
                self.violate(f"{entry.method} {entry.path}: {problem}")
        params = {k: unquote(v) for k, v in raw_params.items()}
        login = app.login if app else token.login if token else ""
        call = Call(entry.method, entry.path, entry.query, entry.body, params, urls, login, app=app)
        if token and "owner" in params and "repo" in params:
            call.repo = self._authorize(token, f"{params['owner']}/{params['repo']}", entry.write)
            refusal = edges.empty_refusal(op.id, call.repo)
            if refusal is not None:
                raise refusal
            if self.links_by_id:
                call.path = edges.id_path(call.repo, self._route(entry))
        if entry.write:
            wait = self.faults.admit_write()
            if wait is not None:
                retry = {"Retry-After": str(max(int(wait + 0.999), 1))}
                raise HttpError(403, SECONDARY_LIMIT, headers=retry)
        if entry.method == "GET" and op.id == "rate-limit/get":
            return Reply(200, P.rate_limit(RATE_LIMIT, self._used, self._reset_at))
        handler = self.api.handlers.get(op.id)
        if handler is None:
            self.violate(
                f"{entry.method} {entry.path}: {op.id} is not implemented by the local GitHub"
            )
            raise HttpError(404, "Not Found")
        with self.store.lock:
            return handler(call)

    def _token(self, headers: Mapping[str, str]) -> Token:
        value = _token_in(headers.get("Authorization", ""))
        if value is None:
            raise HttpError(401, "Requires authentication")
        token = self.store.tokens.get(value)
        if token is None or token.expired(time.time()):
            raise HttpError(401, "Bad credentials")  # a JWT is no token either
        return token

    def _authorize(self, token: Token, full_name: str, write: bool) -> Repo:
        repo = self.store.find(full_name)
        permission = token.permission(repo) if repo else None
        if repo is None or (repo.private and permission is None):
            raise HttpError(404, "Not Found")
        if write and repo.archived:
            raise HttpError(403, "Repository was archived so is read-only.")
        if write and permission != "write":
            raise HttpError(403, "Resource not accessible by integration")
        return repo

    def _json(self, entry: LoggedRequest, op: Operation | None, reply: Reply) -> Outgoing:
        """Serialise, validate against the description, and add GitHub's headers."""
        if op is not None:
            with self._spec_lock:
                problems = self.spec.response_errors(op, reply.status, reply.body)
            for problem in problems:
                self.violate(f"{entry.method} {entry.path}: {problem}")
        with self._log_lock:
            self._used += 1
            used = self._used
        headers = [
            ("Content-Type", "application/json; charset=utf-8"),
            ("X-GitHub-Media-Type", "github.v3; format=json"),
            ("X-GitHub-Request-Id", f"LOCAL:{used:08d}"),
            ("x-ratelimit-limit", str(RATE_LIMIT)),
            ("x-ratelimit-remaining", str(max(RATE_LIMIT - used, 0))),
            ("x-ratelimit-reset", str(self._reset_at)),
            ("x-ratelimit-used", str(used)),
            ("x-ratelimit-resource", "core"),
        ]
        overrides = {k.lower() for k in reply.headers}
        headers = [(k, v) for k, v in headers if k.lower() not in overrides]
        headers += list(reply.headers.items())
        if reply.body is None:
            return Outgoing(reply.status, b"", headers)
        return Outgoing(reply.status, json.dumps(reply.body).encode(), headers)

    # --- git over HTTP ------------------------------------------------------------------

    def _git(
        self, found: re.Match[str], method: str, query: str, headers: Mapping[str, str], body: bytes
    ) -> Outgoing:
        repo = self.store.find(f"{found['owner']}/{found['name']}")
        if repo is None:
            return self._git_moved(found, query)
        push = "git-receive-pack" in found["rest"] or "service=git-receive-pack" in query
        value = _token_in(headers.get("Authorization", ""))
        token = self.store.tokens.get(value) if value else None
        if token is not None and token.expired(time.time()):
            token = None
        if token is None and (value or push or repo.private):
            out = _text(401, "Authentication required.")
            out.headers.append(("WWW-Authenticate", 'Basic realm="GitHub"'))
            return out
        permission = token.permission(repo) if token else None
        if repo.private and permission is None:
            return _text(404, "Repository not found.")
        if push and repo.archived:
            return _text(403, "This repository was archived so it is read-only.")
        if push and permission != "write":
            return _text(
                403, f"Permission to {repo.full_name}.git denied to {token.login if token else ''}."
            )
        path_info = f"/{repo.owner}/{repo.name}.git{found['rest']}"
        with self.store.lock if push else _nothing():
            status, out_headers, answer = run_backend(
                self.store.root,
                path_info,
                method,
                query,
                headers,
                body,
                token.login if token else "anonymous",
            )
        return Outgoing(status, answer, out_headers)

    def _git_moved(self, found: re.Match[str], query: str) -> Outgoing:
        """A renamed repository's old git URL redirects, as GitHub's does; else 404."""
        repo = edges.moved_git(self.store, found["owner"], found["name"])
        if repo is None:
            return _text(404, "Repository not found.")
        location = f"/{repo.full_name}.git{found['rest']}" + (f"?{query}" if query else "")
        return Outgoing(301, b"", [("Location", location)])


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def _bytes(files: Mapping[str, bytes | str | None]) -> dict[str, bytes | None]:
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}


def _urls(headers: Mapping[str, str], port: int, scheme: str = "http") -> Urls:
    host = headers.get("Host") or f"127.0.0.1:{port}"
    return Urls(api=f"{scheme}://{host}{API_PREFIX}", web=f"{scheme}://{host}")


def _docs(spec: Spec, op: Operation | None) -> str:
    if op is None:
        return P.DOCS
    node = spec.doc["paths"][op.template][op.method.lower()]
    return node.get("externalDocs", {}).get("url", P.DOCS)


def _parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise HttpError(400, "Problems parsing JSON") from exc


def _token_in(header: str) -> str | None:
    """The token in `Basic base64(user:token)`, `token X` or `Bearer X`."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() in ("token", "bearer"):
        return value.strip() or None
    if scheme.lower() != "basic":
        return None
    try:
        user, _, password = base64.b64decode(value).decode().partition(":")
    except ValueError:
        return None
    return password or user or None


def _text(status: int, message: str) -> Outgoing:
    return Outgoing(
        status, f"{message}\n".encode(), [("Content-Type", "text/plain; charset=utf-8")]
    )


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "LocalGitHub/1.0"
    disable_nagle_algorithm = True  # headers and body go out in two writes; no 40 ms stalls

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def do_GET(self) -> None:
        self._dispatch()

    do_HEAD = do_POST = do_PUT = do_PATCH = do_DELETE = do_GET

    def _dispatch(self) -> None:
        app: LocalGitHub = self.server.app  # type: ignore[attr-defined]
        with app.in_flight():
            body = self._body()
            out = app.handle(self.command, self.path, _Headers(self.headers), body)
            if out.reset:
                self._reset()
                return
            self.send_response(out.status)
            for name, value in out.headers:
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(out.body)))
            self.end_headers()
            if self.command != "HEAD" and out.body:
                self.wfile.write(out.body)

    def _body(self) -> bytes:
        if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
            return self._chunked()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def _chunked(self) -> bytes:
        """Decode a chunked request body (git sends pushes over 1 MiB this way)."""
        parts: list[bytes] = []
        while True:
            size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
            if size == 0:
                while self.rfile.readline().strip():
                    pass  # trailers
                return b"".join(parts)
            parts.append(self.rfile.read(size))
            self.rfile.readline()

    def _reset(self) -> None:
        """Drop the connection with a TCP reset, as a dying proxy would."""
        self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.close_connection = True
        self.connection.close()


class _Headers(dict):
    """Case-insensitive read access to request headers."""

    def __init__(self, source: Any):
        super().__init__((k.lower(), v) for k, v in source.items())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())
