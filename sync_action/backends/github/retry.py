"""How GitHub is reached: which CA to trust, when to retry a request and how long to wait
(urllib3's `Retry`, taught GitHub).

GET/HEAD/PUT/PATCH/DELETE are retried on 5xx and connection errors with exponential
backoff and jitter, within a bounded total time. A POST is never resent here:
`hosting.py` looks for what an ambiguous first attempt made before it tries again.
Rate limits are not this policy's: `wire.py` waits them out for every method, since
it can read GitHub's message (a secondary limit may come without any header).
"""

from __future__ import annotations

import os
import random
import time
from collections.abc import Callable, Mapping, Sequence
from email.utils import parsedate_to_datetime
from typing import Any, TypedDict

from urllib3.exceptions import MaxRetryError, ResponseError
from urllib3.util.retry import Retry

from sync_action.core.errors import UsageError

IDEMPOTENT = frozenset({"GET", "HEAD", "PUT", "PATCH", "DELETE"})


class Settings(TypedDict, total=False):
    """Transport settings shared by the token and the GitHub App constructions."""

    timeout: float
    retries: int
    backoff: float
    max_retry_time: float
    create_attempts: int
    write_limits: Sequence[tuple[int, float]] | None
    say: Callable[[str], None] | None
    wait_scale: float
    longest_wait: float


def ca_bundle() -> str | bool:
    """The CA file to trust: an Enterprise Server with a private CA is reached by setting
    REQUESTS_CA_BUNDLE, CURL_CA_BUNDLE or SSL_CERT_FILE. The first one set wins, in
    that order: requests itself prefers the first two, in that order, over any `verify`
    given to it, so SSL_CERT_FILE counts only when neither is set."""
    for name in ("REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "SSL_CERT_FILE"):
        path = os.environ.get(name)
        if path:
            if not os.path.isfile(path):
                raise UsageError(f"{name}={path}: no such CA file")
            return path
    return True


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

    Any answer is handed back once `deadline` seconds have passed since the first try.
    `wire` is what the hosting's connections share (`wire.Wire`); it rides along here
    because PyGithub hands its connections the retry policy and nothing else of ours.
    """

    def __init__(
        self,
        *,
        deadline: float = 120.0,
        started: float | None = None,
        wire: Any = None,
        **kw: Any,
    ):
        kw.setdefault("allowed_methods", IDEMPOTENT)
        kw.setdefault("status_forcelist", frozenset(range(500, 600)))
        kw.setdefault("raise_on_status", False)
        kw.setdefault("raise_on_redirect", False)
        kw.setdefault("respect_retry_after_header", False)  # a 429's wait is the wire's
        super().__init__(**kw)
        self.deadline = deadline
        self.started = started
        self.wire = wire
        self.wait = 0.0

    def new(self, **kw: Any) -> GitHubRetry:
        kw.setdefault("deadline", self.deadline)
        kw.setdefault("started", self.started)
        kw.setdefault("wire", self.wire)
        return super().new(**kw)

    def increment(
        self,
        method: str | None = None,
        url: str | None = None,
        response: Any = None,
        error: Exception | None = None,
        _pool: Any = None,
        _stacktrace: Any = None,
    ) -> GitHubRetry:
        started = self.started if self.started is not None else time.monotonic()
        new = super().increment(method, url, response, error, _pool, _stacktrace)
        new.started = started
        new.wait = new.backoff()
        if time.monotonic() + new.wait - started > self.deadline:
            raise MaxRetryError(_pool, url or "", error or ResponseError("retry time exhausted"))
        return new

    def backoff(self) -> float:
        """Exponential backoff with equal jitter: base/2 .. base, base doubling per retry."""
        base = min(self.backoff_factor * 2 ** max(len(self.history) - 1, 0), self.backoff_max)
        return float(base / 2 + random.uniform(0, base / 2))

    def sleep(self, response: Any = None) -> None:  # noqa: ARG002 (urllib3 passes it)
        """Wait the backoff `increment` decided."""
        if self.wait > 0:
            time.sleep(self.wait)
