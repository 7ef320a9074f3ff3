"""The HTTP side of the local GitHub: the request handler and the small helpers that
read requests and write plain answers. `server.LocalGitHub` decides what to answer."""

from __future__ import annotations

import base64
import json
import socket
import struct
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import TYPE_CHECKING, Any

from . import payloads as P
from .payloads import Urls
from .rest import HttpError
from .spec import Operation, Spec

if TYPE_CHECKING:
    from .server import LocalGitHub

API_PREFIX = "/api/v3"


@dataclass
class Outgoing:
    status: int
    body: bytes = b""
    headers: list[tuple[str, str]] = field(default_factory=list)
    reset: bool = False
    checked: bool = True  # False: off GitHub's description on purpose (a malformed answer)


@contextmanager
def no_lock() -> Iterator[None]:
    yield


def as_bytes(files: Mapping[str, bytes | str | None]) -> dict[str, bytes | None]:
    return {k: v.encode() if isinstance(v, str) else v for k, v in files.items()}


def urls_for(headers: Mapping[str, str], port: int, scheme: str = "http") -> Urls:
    host = headers.get("Host") or f"127.0.0.1:{port}"
    return Urls(api=f"{scheme}://{host}{API_PREFIX}", web=f"{scheme}://{host}")


def docs_for(spec: Spec, op: Operation | None) -> str:
    if op is None:
        return P.DOCS
    node = spec.doc["paths"][op.template][op.method.lower()]
    return node.get("externalDocs", {}).get("url", P.DOCS)


def parse_json(raw: bytes) -> Any:
    if not raw.strip():
        return None
    try:
        return json.loads(raw)
    except ValueError as exc:
        raise HttpError(400, "Problems parsing JSON") from exc


def token_in(header: str) -> str | None:
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


def plain(status: int, message: str) -> Outgoing:
    return Outgoing(
        status, f"{message}\n".encode(), [("Content-Type", "text/plain; charset=utf-8")]
    )


class Handler(BaseHTTPRequestHandler):
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
            out = app.handle(self.command, self.path, Headers(self.headers), body)
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


class Headers(dict):
    """Case-insensitive read access to request headers."""

    def __init__(self, source: Any):
        super().__init__((k.lower(), v) for k, v in source.items())

    def get(self, key: str, default: Any = None) -> Any:
        return super().get(key.lower(), default)

    def __getitem__(self, key: str) -> Any:
        return super().__getitem__(key.lower())

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and super().__contains__(key.lower())
