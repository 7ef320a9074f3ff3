"""What a failed GitHub request means to a user: an `errors.RemoteError` saying how to fix it.

Messages never contain the token: it is replaced by `***` wherever GitHub echoes it.
"""

from __future__ import annotations

import time
from collections.abc import Mapping
from typing import Any

from sync_action.backends.github import answers
from sync_action.backends.github.retry import rate_limit_wait
from sync_action.core.errors import Conflict, Forbidden, NotFound, RemoteError

APP_PERMISSIONS = (
    "The app needs the repository permissions Contents, Pull requests and Issues: read "
    "and write (Metadata: read comes with them); after changing them, accept the new "
    "permissions in each installation"
)
ACTIONS_PR_DOCS = (
    "https://docs.github.com/repositories/managing-your-repositorys-settings-and-features/"
    "enabling-features-for-your-repository/managing-github-actions-settings-for-a-repository"
    "#preventing-github-actions-from-creating-or-approving-pull-requests"
)


class Failure(Exception):
    """A failed request, reduced to what messages need; never carries the token."""

    def __init__(
        self,
        status: int | None,
        message: str,
        ambiguous: bool,
        headers: Mapping[str, str],
        data: Any = None,
        unreadable: bool = False,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.ambiguous = ambiguous  # the server may have performed the request
        self.headers = headers
        self.data = data  # GitHub's error body, for its `errors` and `metadata`
        self.unreadable = unreadable  # the answer was not one to act on (message says why)


def github_message(data: Any) -> str:
    """GitHub's error body as one line: its message and each listed error."""
    if not isinstance(data, dict):
        return str(data or "")
    parts = [" ".join(str(data.get("message") or data.get("data") or "").split())]
    for item in data.get("errors") or []:
        text = item.get("message") if isinstance(item, dict) else str(item)
        if not text and isinstance(item, dict):
            text = " ".join(str(item.get(k, "")) for k in ("resource", "field", "code")).strip()
        if text:
            parts.append(str(text))
    return ": ".join(p for p in parts if p)


def translate(
    failure: Failure, action: str, repo: str, token: str, *, app: bool = False, race: bool = False
) -> RemoteError:
    """A user-facing error for a failed request, saying how to fix it where we know.

    `race`: a 409 means "changed meanwhile" (a stale `sha` on the contents API); any
    other 409 is GitHub refusing, with its message.
    """
    text, kind = _wording(failure, action, repo, app, race)
    return kind(text.replace(token, "***") if token else text, status=failure.status)


def _wording(
    failure: Failure, action: str, repo: str, app: bool, race: bool
) -> tuple[str, type[RemoteError]]:
    status, said, data = failure.status, failure.message, failure.data
    lowered = said.lower()
    where = f"{action} in {repo}"
    kind: type[RemoteError] = RemoteError
    if status is None:
        text = f"{where}: {said} after retries; GitHub may be unreachable or overloaded"
    elif failure.unreadable:
        text = f"{where}: GitHub answered {said}" + (" after retries" if status >= 500 else "")
    elif answers.is_rule_violation(status, data):
        text = rule_violation(failure, action, repo)
    elif answers.is_empty_repository(status, data):
        text = (
            f"{repo} is empty: it needs a first commit on its default branch before a sync "
            "pull request can be opened"
        )
    elif status == 401:
        kind = Forbidden
        text = (
            f"{where}: GitHub rejected the token (401 {said or 'Bad credentials'}). It is "
            "invalid or expired; check the `token` input (or app-id/app-private-key)"
        )
    elif answers.ACTIONS_MAY_NOT_OPEN_PULLS in lowered:
        kind = Forbidden
        text = (
            f"{where}: {said} Allow it in {repo} under Settings → Actions → General → "
            "Workflow permissions → 'Allow GitHub Actions to create and approve pull "
            f"requests' (or the organisation's settings), or use a PAT or GitHub App "
            f"token. See {ACTIONS_PR_DOCS}"
        )
    elif answers.ARCHIVED in lowered:
        kind = Forbidden
        text = f"{where}: {repo} is archived, so read-only; unarchive it or drop it from peer-repos"
    elif status in (403, 429) and (
        answers.RATE_LIMIT in lowered or rate_limit_wait(failure.headers) is not None
    ):
        wait = rate_limit_wait(failure.headers)
        when = "try again later"
        if wait is not None:
            at = time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(time.time() + wait))
            left = f"{wait:.0f} s" if wait < 90 else f"{wait / 60:.0f} min"
            when = f"it resets at {at} (in {left}); re-run the job after that"
        text = f"{where}: GitHub's rate limit is used up ({said}); {when}"
    elif status == 403 and app:
        kind = Forbidden
        text = f"{where}: the GitHub App lacks the permission for this ({said}). " + APP_PERMISSIONS
    elif status == 403:
        kind = Forbidden
        text = (
            f"{where}: the token lacks the permission for this ({said}). It needs "
            "`contents: write` and `pull-requests: write` on that repository; the workflow's "
            "GITHUB_TOKEN only covers its own repository, so use a PAT or GitHub App token "
            "for others"
        )
    elif status == 404:
        kind = NotFound
        text = (
            f"{where}: not found (404 {said}). Check that {repo} exists and that the "
            "token can see it (private repositories need a token with access)"
        )
    elif (status == 409 and race) or (status == 422 and _lost_a_race(said, data)):
        kind = Conflict
        text = f"{where}: changed meanwhile ({status} {said})"
    elif status >= 500:
        text = f"{where}: GitHub answered {status} {said} after retries"
    else:
        text = f"{where}: GitHub answered {status} {said}"
    return text, kind


def _lost_a_race(said: str, data: Any) -> bool:
    """422s that say another writer was first: the ref, the pull request or the file exists."""
    if answers.lists_error(data, answers.PULL_RESOURCE) and answers.PULL_EXISTS in said:
        return True
    return said.startswith(answers.REF_EXISTS) or answers.SHA_NOT_SUPPLIED in said


def rule_violation(failure: Failure, action: str, repo: str) -> str:
    """A ruleset or push protection refused: GitHub's words, and what to change."""
    lines = [line.strip() for line in answers.said(failure.data).splitlines() if line.strip()]
    quoted = f"“{': '.join(lines) or failure.message}”"
    if answers.is_push_protection(failure.data):
        return (
            f"push protection in {repo} refuses {action}: {quoted}. GitHub takes something "
            "in the file for a secret: take it out of the schema file, or have the push "
            f"allowed in {repo}'s secret scanning settings"
        )
    return (
        f"a ruleset in {repo} refuses {action}: {quoted}. Let the token create and update "
        "`schema-sync/*` branches (add it to the ruleset's bypass list, or leave those "
        "branches out of the ruleset), or set `sync-branch` to a branch the rulesets allow"
    )
