"""Where the end-to-end scenarios run: on the host, or in the action's image.

`SCHEMA_SYNC_E2E` chooses: `host`; `container` (required: no Docker engine is a
failure, never a quiet fall-back to the host); unset or `auto`, the container when
a Docker engine answers, else the host, and the test summary says which. In the
container, the image is built from this checkout's Dockerfile by
`scripts/build-image` (once per test process; Docker's cache makes a rebuild of
unchanged code take a second or two), unless `SCHEMA_SYNC_TEST_IMAGE` names one.
"""

from __future__ import annotations

import functools
import os
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUILD_LOG = ROOT / ".cache" / "build-image.log"


class ContainerUnavailable(RuntimeError):
    """The container mode was required, and it cannot run here."""


def requested() -> str:
    value = os.environ.get("SCHEMA_SYNC_E2E", "auto").strip().lower() or "auto"
    if value not in {"auto", "host", "container"}:
        raise ContainerUnavailable(f"SCHEMA_SYNC_E2E={value!r}: use host, container or auto")
    return value


@functools.cache
def engine_answers() -> bool:
    try:
        done = subprocess.run(["docker", "info"], capture_output=True, timeout=30, check=False)
    except (OSError, subprocess.TimeoutExpired):
        return False
    return done.returncode == 0


@functools.cache
def mode() -> str:
    """`container` or `host`, decided once per test process."""
    wanted = requested()
    if wanted == "host":
        return "host"
    if engine_answers():
        return "container"
    if wanted == "container":
        raise ContainerUnavailable(
            "SCHEMA_SYNC_E2E=container, but no Docker engine answers "
            "(scripts/docker-engine start starts one)"
        )
    return "host"


@functools.cache
def image() -> str:
    """The action's image built from this checkout, by its content tag, or the image that
    `SCHEMA_SYNC_TEST_IMAGE` names (the release tests the image it is about to push)."""
    if os.environ.get("SCHEMA_SYNC_TEST_IMAGE"):
        return os.environ["SCHEMA_SYNC_TEST_IMAGE"]
    BUILD_LOG.parent.mkdir(exist_ok=True)
    with BUILD_LOG.open("w") as log:
        done = subprocess.run(
            ["bash", str(ROOT / "scripts" / "build-image")],
            stdout=subprocess.PIPE,
            stderr=log,
            text=True,
            timeout=900,
            check=False,
        )
    if done.returncode != 0:
        tail = "".join(BUILD_LOG.read_text().splitlines(keepends=True)[-20:])
        raise ContainerUnavailable(f"scripts/build-image failed:\n{tail}")
    return done.stdout.strip().splitlines()[-1]


def skip_reason() -> str:
    """Why the container mode did not run, for the test summary."""
    if requested() == "host":
        return "SCHEMA_SYNC_E2E=host"
    return "no Docker engine answers (set SCHEMA_SYNC_E2E=container to make it required)"
