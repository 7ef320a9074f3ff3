"""A GitHub Enterprise Server stand-in on 127.0.0.1: REST under /api/v3 and git over HTTP.

Tests seed it directly (`create_repo`, `commit`, `add_token`, `add_app`, ...), point the
code under test at `api_url` / `server_url`, and then read back what happened:
git state, pulls, comments, labels, and a log of every request. Every body it
sends is checked against GitHub's published schemas (see `spec.py`); anything
off is collected in `violations`, which the pytest fixture turns into a failure.
"""

from __future__ import annotations

import json
import re
import ssl
import threading
import time
import traceback
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from http.server import ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qsl, unquote, urlencode, urlsplit

from . import edges
from . import payloads as P
from .appauth import app_for
from .breakage import Breakage, malformed_answer
from .faults import SECONDARY_LIMIT, Fault, Faults, WriteBudget
from .gitbackend import run_backend
from .payloads import Urls
from .rest import Call, HttpError, Reply, RestApi
from .seeding import Seeding
from .spec import Operation, Spec
from .state import (
    Repo,
    Store,
    Token,
)
from .tracking import Tracking
from .wire import (
    API_PREFIX,
    Handler,
    Outgoing,
    docs_for,
    no_lock,
    parse_json,
    plain,
    token_in,
    urls_for,
)

GIT_PATH = re.compile(r"^/(?P<owner>[^/]+)/(?P<name>[^/]+?)\.git(?P<rest>/.*)$")
RATE_LIMIT = 5000


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
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
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
            return plain(500, "local GitHub internal error")
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
        urls = urls_for(headers, self.port, self.scheme)
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
            docs = docs_for(self.spec, op)
            body = P.error(
                exc.message, docs, exc.status, **({"errors": exc.errors} if exc.errors else {})
            )
            reply = Reply(exc.status, body, exc.headers)
        token = self.store.tokens.get(token_in(headers.get("Authorization", "")) or "")
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
        entry.body = parse_json(raw)
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
        value = token_in(headers.get("Authorization", ""))
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
        value = token_in(headers.get("Authorization", ""))
        token = self.store.tokens.get(value) if value else None
        if token is not None and token.expired(time.time()):
            token = None
        if token is None and (value or push or repo.private):
            out = plain(401, "Authentication required.")
            out.headers.append(("WWW-Authenticate", 'Basic realm="GitHub"'))
            return out
        permission = token.permission(repo) if token else None
        if repo.private and permission is None:
            return plain(404, "Repository not found.")
        if push and repo.archived:
            return plain(403, "This repository was archived so it is read-only.")
        if push and permission != "write":
            return plain(
                403, f"Permission to {repo.full_name}.git denied to {token.login if token else ''}."
            )
        path_info = f"/{repo.owner}/{repo.name}.git{found['rest']}"
        with self.store.lock if push else no_lock():
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
            return plain(404, "Repository not found.")
        location = f"/{repo.full_name}.git{found['rest']}" + (f"?{query}" if query else "")
        return Outgoing(301, b"", [("Location", location)])
