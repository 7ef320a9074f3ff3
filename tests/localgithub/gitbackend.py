"""Smart HTTP for git clone/fetch/push, served by `git http-backend` as a CGI program."""

from __future__ import annotations

import subprocess
from collections.abc import Mapping
from functools import cache
from pathlib import Path

from .gitstore import git_env


@cache
def backend_program() -> str:
    exec_path = subprocess.run(
        ["git", "--exec-path"], capture_output=True, text=True, check=True
    ).stdout.strip()
    return str(Path(exec_path) / "git-http-backend")


def run_backend(
    root: Path,
    path_info: str,
    method: str,
    query: str,
    headers: Mapping[str, str],
    body: bytes,
    user: str,
) -> tuple[int, list[tuple[str, str]], bytes]:
    """Run one CGI request; returns status, headers and body of git's answer."""
    env = {
        "GIT_PROJECT_ROOT": str(root),
        "GIT_HTTP_EXPORT_ALL": "1",
        "PATH_INFO": path_info,
        "REQUEST_METHOD": method,
        "QUERY_STRING": query,
        "CONTENT_TYPE": headers.get("Content-Type", ""),
        "CONTENT_LENGTH": str(len(body)),
        "REMOTE_USER": user,
        "REMOTE_ADDR": "127.0.0.1",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "GATEWAY_INTERFACE": "CGI/1.1",
    }
    for header, variable in (
        ("Content-Encoding", "HTTP_CONTENT_ENCODING"),
        ("Git-Protocol", "GIT_PROTOCOL"),
    ):
        if headers.get(header):
            env[variable] = headers.get(header, "")
    done = subprocess.run(
        [backend_program()], input=body, capture_output=True, env=git_env(env), check=False
    )
    return parse_cgi(done.stdout)


def parse_cgi(output: bytes) -> tuple[int, list[tuple[str, str]], bytes]:
    """Split CGI output into status, headers and body (`Status:` sets the status)."""
    sep = b"\r\n\r\n" if b"\r\n\r\n" in output else b"\n\n"
    head, _, body = output.partition(sep)
    status, headers = 200, []
    for line in head.decode("latin-1").splitlines():
        name, _, value = line.partition(":")
        if name.lower() == "status":
            status = int(value.split()[0])
        elif name:
            headers.append((name.strip(), value.strip()))
    return status, headers, body
