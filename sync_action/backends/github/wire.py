"""Every exchange with GitHub, below PyGithub: where its edges are met once for every call.

PyGithub's `Requester` sends each request through a connection object; the ones here
(`attach`ed to each of the adapter's own clients) do what PyGithub does not:

- a renamed or transferred repository's old name answers 301 (reads) or 307 (writes)
  with `Location: {api}/repositories/{id}/...`; the request is sent there again with
  its method, body and query (PyGithub follows 301 alone, without the query, and takes
  a 307 for success), and later requests for that name go to the id at once;
- rate limits are waited out as GitHub documents: `Retry-After`, else the reset of a
  spent limit, else (a secondary limit) 60 s and longer each time; each wait is said;
- an answer whose body is not JSON (a proxy's HTML page, a cut-off body) is refused
  with what came, instead of reaching PyGithub's parser.

PyGithub offers only a process-wide switch of its connection classes
(`Requester.injectConnectionClasses`), which would change every other PyGithub client in
the process and turn connection reuse off; so the class is set on each requester of ours.
"""

from __future__ import annotations

import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlsplit

import requests
from github.Requester import (
    HTTPRequestsConnectionClass,
    HTTPSRequestsConnectionClass,
    Requester,
    RequestsResponse,
)

from sync_action.backends.github import answers
from sync_action.backends.github.retry import rate_limit_wait

MOVED = frozenset({301, 307, 308})
HOPS = 3  # redirects followed for one request
LIMIT_ATTEMPTS = 3  # tries of one request that meets a rate limit
SECONDARY_WAIT = 60.0  # GitHub: "wait at least one minute", longer each further time
REPO_PATH = re.compile(r"^(?P<pre>.*?)/repos/(?P<owner>[^/?]+)/(?P<name>[^/?]+)(?P<rest>[/?].*)?$")
ID_PATH = re.compile(r"^(?P<pre>.*?)/repositories/(?P<id>\d+)(?:[/?].*)?$")


class Unreadable(requests.exceptions.RequestException):
    """GitHub's answer was not one to act on: not JSON, or a redirect that cannot be followed."""

    def __init__(self, status: int, text: str):
        super().__init__(text)
        self.status = status
        self.text = text


@dataclass
class Wire:
    """What one hosting's connections share: the moves learned, how waits are said and made."""

    say: Callable[[str], None] = field(default=lambda _text: None)
    prefix: str = ""  # the API's path on its host ("/api/v3" on GitHub Enterprise Server)
    scale: float = 1.0  # tests make waits short; the said waits are GitHub's own
    longest: float = 900.0  # a wait beyond this is not waited: the failure names the reset
    sleep: Callable[[float], None] = time.sleep
    # an old owner/name (lower case) -> (that name as it was asked for, the repository's id)
    moved: dict[str, tuple[str, int]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def learn(self, old: str, repo_id: int) -> None:
        with self.lock:
            self.moved.setdefault(old.lower(), (old, repo_id))

    def moved_id(self, name: str) -> int | None:
        with self.lock:
            found = self.moved.get(name.lower())
        return found[1] if found else None

    def moves(self) -> list[tuple[str, int]]:
        """(old name, id) of every repository seen redirected, in the order seen."""
        with self.lock:
            return list(self.moved.values())

    def rewrite(self, url: str) -> str:
        """A known old name's request sent to the repository's id at once."""
        found = REPO_PATH.match(url)
        if not found:
            return url
        repo_id = self.moved_id(f"{found['owner']}/{found['name']}")
        if repo_id is None:
            return url
        return f"{found['pre']}/repositories/{repo_id}{found['rest'] or ''}"

    def relative(self, url: str) -> str:
        """The path as the API documents it, without the query."""
        path = url.split("?")[0]
        return path[len(self.prefix) :] if self.prefix and path.startswith(self.prefix) else path

    def wait(self, seconds: float, why: str) -> None:
        self.say(f"waiting {seconds:.0f} s: {why}")
        self.sleep(seconds * self.scale)


def limit_wait(answer: requests.Response, earlier: int) -> tuple[float, str] | None:
    """(seconds, why) when `answer` is a rate limit, after `earlier` limits of this request."""
    if answer.status_code not in (403, 429):
        return None
    try:
        text = answers.said(answer.json())
    except ValueError:
        text = ""
    after = bool(answer.headers.get("retry-after"))  # GitHub sends it with secondary limits
    secondary = after or answers.is_secondary_limit(answer.status_code, text)
    kind = "GitHub's secondary rate limit" if secondary else "GitHub's rate limit"
    wait = rate_limit_wait(answer.headers)  # GitHub's own: Retry-After, else the reset
    if wait is not None and after:
        return wait, kind
    if wait is not None:
        at = time.strftime("%H:%M:%S UTC", time.gmtime(time.time() + wait))
        return wait, f"{kind}, until it resets at {at}"
    if secondary:
        return SECONDARY_WAIT * 2**earlier, kind
    return None


class _Exchange:
    """`getresponse` of both connection classes: one request, GitHub's edges met."""

    protocol: str
    host: str
    port: int
    timeout: Any
    verify: Any
    retry: Any
    verb: str
    url: str
    input: Any
    headers: dict[str, str]

    def _setup(self, host: str, port: int | None, protocol: str, kwargs: dict[str, Any]) -> None:
        self.host, self.protocol = host, protocol
        self.port = port if port else (443 if protocol == "https" else 80)
        self.timeout = kwargs.get("timeout")
        self.verify = kwargs.get("verify", True)
        self.retry = kwargs.get("retry")
        self.session = requests.Session()
        self.session.auth = Requester.noopAuth  # as PyGithub: no fall-back to ~/.netrc
        adapter = requests.adapters.HTTPAdapter(max_retries=self.retry)
        self.session.mount(f"{protocol}://", adapter)

    def request(
        self,
        verb: str,
        url: str,
        input: Any,
        headers: dict[str, str],
        stream: bool = False,  # noqa: ARG002 (PyGithub passes it; answers are read whole)
    ) -> None:
        self.verb, self.url, self.input, self.headers = verb, url, input, headers

    def close(self) -> None:
        self.session.close()

    def getresponse(self) -> RequestsResponse:
        wire: Wire = getattr(self.retry, "wire", None) or Wire()
        url = wire.rewrite(self.url)
        hops = limits = 0
        while True:
            answer = self._send(url)
            if answer.status_code in MOVED and answer.headers.get("location"):
                hops += 1
                url = self._follow(wire, url, answer, hops)
                continue
            wait = limit_wait(answer, limits)
            if wait is not None and limits < LIMIT_ATTEMPTS - 1 and wait[0] <= wire.longest:
                limits += 1
                wire.wait(*wait)
                continue
            _check_json(self.verb, wire.relative(url), answer)
            return RequestsResponse(answer)

    def _send(self, url: str) -> requests.Response:
        return self.session.request(
            self.verb,
            f"{self.protocol}://{self.host}:{self.port}{url}",
            headers=self.headers,
            data=self.input,
            timeout=self.timeout,
            verify=self.verify,
            allow_redirects=False,
        )

    def _follow(self, wire: Wire, url: str, answer: requests.Response, hops: int) -> str:
        """Where a redirect points, on this host only (the token goes nowhere else)."""
        target = urlsplit(answer.headers["location"])
        status = answer.status_code
        elsewhere = (target.hostname or self.host) != self.host or (
            target.port is not None and target.port != self.port
        )
        if elsewhere:
            where = f"{target.scheme}://{target.netloc}{target.path}"
            asked = f"{self.verb} {wire.relative(url)}"
            raise Unreadable(status, f"{asked} with a redirect to {where}, not followed")
        if hops > HOPS:
            asked = f"{self.verb} {wire.relative(url)}"
            raise Unreadable(status, f"{asked} with more than {HOPS} redirects")
        old, new = REPO_PATH.match(url.split("?")[0]), ID_PATH.match(target.path)
        if old and new:
            wire.learn(f"{old['owner']}/{old['name']}", int(new["id"]))
        return target.path + (f"?{target.query}" if target.query else "")


def _check_json(verb: str, url: str, answer: requests.Response) -> None:
    """Refuse a body that is not JSON, saying what it was instead."""
    if not answer.content:
        return
    kind = answer.headers.get("content-type", "")
    if "html" in kind.lower() or answer.text.lstrip()[:1] == "<":
        what = "an HTML page instead of JSON (from a proxy between the runner and GitHub?)"
    else:
        try:
            json.loads(answer.text)
            return
        except ValueError:
            what = "a body that is not JSON (cut off?)"
    raise Unreadable(answer.status_code, f"{verb} {url} with {answer.status_code} but {what}")


class FollowingHTTP(_Exchange, HTTPRequestsConnectionClass):
    def __init__(self, host: str, port: int | None = None, **kwargs: Any):
        self._setup(host, port, "http", kwargs)


class FollowingHTTPS(_Exchange, HTTPSRequestsConnectionClass):
    def __init__(self, host: str, port: int | None = None, **kwargs: Any):
        self._setup(host, port, "https", kwargs)


def attach(requester: Requester, https: bool) -> Requester:
    """Send `requester`'s requests through these connections (before its first request)."""
    if not hasattr(requester, "_Requester__connectionClass"):
        raise RuntimeError("this PyGithub keeps its connection class elsewhere; pin 2.x")
    requester._Requester__connectionClass = FollowingHTTPS if https else FollowingHTTP
    return requester
