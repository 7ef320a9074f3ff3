"""The one error vocabulary of the action, each kind tied to the contract's exit code.

Modules raise these; only the boundary in `cli.py` turns them into an `::error`
line and an exit code, so no traceback ever reaches a user.
"""

from __future__ import annotations

from collections.abc import Iterable

EXIT_OK = 0
EXIT_DRIFT = 1
EXIT_USAGE = 2
EXIT_REMOTE = 3

# Most severe first: a usage error outranks a remote failure, which outranks drift.
SEVERITY = (EXIT_USAGE, EXIT_REMOTE, EXIT_DRIFT, EXIT_OK)


def most_severe(codes: Iterable[int]) -> int:
    """The exit code to report when several peers ended differently (2, then 3, 1, 0)."""
    codes = set(codes)
    for code in SEVERITY:
        if code in codes:
            return code
    return EXIT_OK


class ActionError(Exception):
    """Base class: a message fit for users, a title, an exit code, an optional position."""

    exit_code = EXIT_USAGE
    title = "schema-sync"

    def __init__(self, message: str, *, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line


class UsageError(ActionError):
    """A bad input, flag or environment: the user must change the configuration."""

    exit_code = EXIT_USAGE
    title = "Invalid input"


class SpecError(ActionError):
    """The schema file cannot be read, parsed or validated."""

    exit_code = EXIT_USAGE
    title = "Invalid schema file"


class RemoteError(ActionError):
    """The hosting side (GitHub API, git) failed after retries."""

    exit_code = EXIT_REMOTE
    title = "Remote failure"

    def __init__(self, message: str, *, status: int | None = None, **kw: object):
        super().__init__(message, **kw)  # type: ignore[arg-type]
        self.status = status


class NotFound(RemoteError):
    """The repository, ref or file does not exist, or the token cannot see it."""


class Conflict(RemoteError):
    """A write lost a race: a stale blob SHA (409), a ref that exists, a PR that exists (422)."""


class Forbidden(RemoteError):
    """The token lacks the permission for this call (401/403 that is not a rate limit)."""


def no_such_ref(repo: str, ref: str) -> NotFound:
    """A `peer-ref` the peer does not have: one wording for the API and for checkouts."""
    return NotFound(f"{repo} has no branch, tag or commit '{ref}'", status=404)
