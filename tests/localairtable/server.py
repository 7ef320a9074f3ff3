"""A local stand-in for Airtable's Metadata API on 127.0.0.1.

It answers `GET /v0/meta/bases/{baseId}/tables` as Airtable documents it: the
tables with their fields (type strings and `options` in Airtable's shape) and views,
personal access tokens with scopes and per-base access, error bodies as Airtable
sends them (401 `AUTHENTICATION_REQUIRED`, 403
`INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND`, 404 `NOT_FOUND`, 429 with a lockout after
more than 5 requests a second to one base), and failures injected on demand.
Tests seed it with `add_base` (see `builder.base_from_spec`) and `add_token`.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qs, urlsplit

SCHEMA_SCOPE = "schema.bases:read"
TABLES = re.compile(r"^/v0/meta/bases/(?P<base>[^/]+)/tables/?$")
ERRORS: dict[int, dict[str, Any]] = {
    401: {"error": {"type": "AUTHENTICATION_REQUIRED", "message": "Authentication required"}},
    403: {
        "error": {
            "type": "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND",
            "message": "Invalid permissions, or the requested model was not found. Check that "
            "both your user and your token have the required permissions, and that the model "
            "names and/or ids are correct.",
        }
    },
    404: {"error": "NOT_FOUND"},
    429: {
        "errors": [
            {
                "error": "RATE_LIMIT_REACHED",
                "message": "Rate limit exceeded. Please try again later",
            }
        ]
    },
    500: {"error": {"type": "SERVER_ERROR", "message": "Server error"}},
    502: {"error": {"type": "BAD_GATEWAY", "message": "Bad gateway"}},
    503: {"error": {"type": "SERVICE_UNAVAILABLE", "message": "Service unavailable"}},
}


def with_visible_fields(table: dict[str, Any]) -> dict[str, Any]:
    """`include=visibleFieldIds`: grid views list the fields they show (here: all)."""
    ids = [f["id"] for f in table["fields"]]
    views = [
        {**v, "visibleFieldIds": ids} if v.get("type") == "grid" else v
        for v in table.get("views", [])
    ]
    return {**table, "views": views}


@dataclass
class Token:
    scopes: set[str]
    bases: set[str]


@dataclass
class Fault:
    """Answer the next `times` requests with `status` (None: every request)."""

    status: int
    times: int | None = 1
    hits: int = 0


@dataclass
class Logged:
    method: str
    path: str
    status: int
    authorization: str = field(repr=False, default="")
    at: float = field(default_factory=time.monotonic)


class LocalAirtable:
    """The server plus what tests use to seed it, break it and read what it saw."""

    RATE = 5  # requests per second per base, as Airtable documents

    def __init__(self, lockout: float = 30.0):
        self.bases: dict[str, list[dict[str, Any]]] = {}
        self.tokens: dict[str, Token] = {}
        self.faults: deque[Fault] = deque()
        self.log: list[Logged] = []
        self.lockout = lockout
        self._locked_until: dict[str, float] = {}
        self._recent: dict[str, deque[float]] = {}
        self._lock = threading.Lock()
        self._httpd: ThreadingHTTPServer | None = None

    # --- lifecycle ---------------------------------------------------------------

    def start(self) -> LocalAirtable:
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server._answer(self)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        threading.Thread(target=self._httpd.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self._httpd is not None:
            self._httpd.shutdown()
            self._httpd.server_close()

    @property
    def url(self) -> str:
        assert self._httpd is not None
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    # --- seeding -------------------------------------------------------------------

    def add_base(self, base_id: str, tables: list[dict[str, Any]]) -> list[dict[str, Any]]:
        """Serve `tables` (the API's shape) as the base `base_id`; returns them for editing."""
        self.bases[base_id] = tables
        return tables

    def add_token(
        self, token: str, bases: set[str] | None = None, scopes: set[str] | None = None
    ) -> None:
        """A personal access token; by default with the schema scope and every base."""
        self.tokens[token] = Token(
            scopes={SCHEMA_SCOPE} if scopes is None else scopes,
            bases=set(self.bases) if bases is None else bases,
        )

    def fail(self, status: int, times: int | None = 1) -> Fault:
        fault = Fault(status, times)
        self.faults.append(fault)
        return fault

    def requests_to(self, base_id: str) -> list[Logged]:
        return [r for r in self.log if f"/bases/{base_id}/" in r.path]

    # --- answering -----------------------------------------------------------------

    def _answer(self, handler: BaseHTTPRequestHandler) -> None:
        url = urlsplit(handler.path)
        status, body = self._decide(url.path, handler.headers.get("Authorization", ""))
        if status == 200 and "visibleFieldIds" in parse_qs(url.query).get("include", []):
            body = {"tables": [with_visible_fields(t) for t in body["tables"]]}
        self.log.append(
            Logged("GET", handler.path, status, handler.headers.get("Authorization", ""))
        )
        data = json.dumps(body).encode()
        handler.send_response(status)
        handler.send_header("Content-Type", "application/json; charset=utf-8")
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)

    def _decide(self, path: str, authorization: str) -> tuple[int, Any]:
        with self._lock:
            fault = self._next_fault()
        if fault is not None:
            return fault.status, ERRORS.get(fault.status, ERRORS[500])
        found = TABLES.match(path)
        if found is None:
            return 404, ERRORS[404]
        base_id = found["base"]
        scheme, _, token = authorization.partition(" ")
        grant = self.tokens.get(token) if scheme == "Bearer" else None
        if grant is None:
            return 401, ERRORS[401]
        if self._limited(base_id):
            return 429, ERRORS[429]
        if SCHEMA_SCOPE not in grant.scopes or base_id not in grant.bases:
            return 403, ERRORS[403]
        if base_id not in self.bases:
            return 403, ERRORS[403]  # Airtable does not tell a missing base from a hidden one
        return 200, {"tables": self.bases[base_id]}

    def _next_fault(self) -> Fault | None:
        while self.faults:
            fault = self.faults[0]
            if fault.times is not None and fault.hits >= fault.times:
                self.faults.popleft()
                continue
            fault.hits += 1
            return fault
        return None

    def _limited(self, base_id: str) -> bool:
        """More than 5 requests in a second to one base locks it for `lockout` seconds."""
        now = time.monotonic()
        with self._lock:
            if self._locked_until.get(base_id, 0.0) > now:
                return True
            recent = self._recent.setdefault(base_id, deque())
            recent.append(now)
            while recent and recent[0] <= now - 1.0:
                recent.popleft()
            if len(recent) > self.RATE:
                self._locked_until[base_id] = now + self.lockout
                return True
        return False
