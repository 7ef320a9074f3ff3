"""Failures on demand: error statuses, rate limits, slow or dropped connections.

Retry code is only trustworthy when each failure it claims to survive has been
produced for real; `after=True` in particular makes the server perform a write
and then report a failure, the case where a blindly repeated create duplicates.
"""

from __future__ import annotations

import math
import re
import threading
import time
from collections import deque
from dataclasses import dataclass
from http import HTTPStatus
from typing import Any

from . import payloads as P

SECONDARY_LIMIT = (
    "You have exceeded a secondary rate limit. Please wait a few minutes before you try "
    "again. If you reach out to GitHub Support for help, please include the request ID "
    "0000:0000:0000000:0000000:00000000."
)
PRIMARY_LIMIT = "API rate limit exceeded for installation. Please wait until the limit resets."
LIMITS_DOCS = (
    "https://docs.github.com/rest/using-the-rest-api/rate-limits-for-the-rest-api"
    "#about-secondary-rate-limits"
)


@dataclass
class Fault:
    """One injected failure. `times=None` fires on every matching request."""

    method: str
    pattern: re.Pattern[str]
    status: int | None = None
    times: int | None = 1
    retry_after: float | None = None
    ratelimit_reset: float | None = None
    body: Any = None
    latency: float = 0.0
    after: bool = False
    reset_connection: bool = False
    hits: int = 0
    headers: dict[str, str] | None = None  # sent besides the ones the fields above make
    malformed: str | None = None  # "without-fields", "not-json" or "html": see breakage.py
    drop: tuple[str, ...] | None = None  # "without-fields": the keys left out (None: all)

    def matches(self, method: str, path: str) -> bool:
        method_ok = self.method in ("*", method.upper())
        return method_ok and bool(self.pattern.search(path)) and self.times != 0

    def response(self) -> tuple[int, Any, dict[str, str]]:
        """Status, JSON body and headers of the failure."""
        assert self.status is not None
        headers: dict[str, str] = {}
        if self.retry_after is not None:
            headers["Retry-After"] = str(math.ceil(self.retry_after))
        if self.ratelimit_reset is not None:
            reset = math.ceil(time.time() + self.ratelimit_reset)
            headers.update({"x-ratelimit-remaining": "0", "x-ratelimit-reset": str(reset)})
        headers.update(self.headers or {})
        return self.status, self._body(), headers

    def _body(self) -> Any:
        if self.body is not None:
            return self.body
        if (
            self.status in (403, 429)
            and self.ratelimit_reset is not None
            and self.retry_after is None
        ):
            return P.error(PRIMARY_LIMIT, LIMITS_DOCS, self.status)
        if self.status in (403, 429):
            return P.error(SECONDARY_LIMIT, LIMITS_DOCS, self.status)
        assert self.status is not None
        phrase = "Server Error" if self.status >= 500 else HTTPStatus(self.status).phrase
        return P.error(phrase, status=self.status)


class WriteBudget:
    """At most `limit` REST writes per `per_seconds`, like GitHub's content-creation limit."""

    def __init__(self, limit: int, per_seconds: float):
        self.limit = limit
        self.per_seconds = per_seconds
        self.stamps: deque[float] = deque()

    def admit(self) -> float | None:
        """None when the write may go ahead, else the seconds until it would."""
        now = time.monotonic()
        while self.stamps and now - self.stamps[0] >= self.per_seconds:
            self.stamps.popleft()
        if len(self.stamps) < self.limit:
            self.stamps.append(now)
            return None
        return max(self.per_seconds - (now - self.stamps[0]), 0.0)


class Faults:
    """Registered faults, global latency, the write budget and concurrency accounting."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.items: list[Fault] = []
        self.latency = 0.0
        self.budget: WriteBudget | None = None
        self.active = 0
        self.max_active = 0

    def add(self, fault: Fault) -> Fault:
        with self.lock:
            self.items.append(fault)
        return fault

    def take(self, method: str, path: str) -> Fault | None:
        """The first fault matching this request, counted as used."""
        with self.lock:
            for fault in self.items:
                if fault.matches(method, path):
                    fault.hits += 1
                    if fault.times is not None:
                        fault.times -= 1
                    return fault
        return None

    def admit_write(self) -> float | None:
        with self.lock:
            return self.budget.admit() if self.budget else None

    def clear(self) -> None:
        with self.lock:
            self.items.clear()
            self.latency = 0.0
            self.budget = None

    def enter(self) -> None:
        with self.lock:
            self.active += 1
            self.max_active = max(self.max_active, self.active)

    def leave(self) -> None:
        with self.lock:
            self.active -= 1
