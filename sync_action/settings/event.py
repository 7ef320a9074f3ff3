"""The run's context from the runner: the webhook event, this repository's ref, the run.

`config` hands over the environment; nothing here reads it by itself.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from sync_action.core.errors import UsageError

PR_EVENTS = ("pull_request", "pull_request_target")


def read(env: Mapping[str, str]) -> dict[str, Any]:
    """The webhook payload; a path that is set must hold a JSON object."""
    path = env.get("GITHUB_EVENT_PATH", "")
    if not path:
        return {}
    try:
        event = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise UsageError(f"GITHUB_EVENT_PATH names a file that does not exist: {path}") from None
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise UsageError(f"GITHUB_EVENT_PATH is not a readable JSON file: {exc}") from None
    if not isinstance(event, dict):
        raise UsageError("GITHUB_EVENT_PATH does not hold a JSON object")
    return event


def pr_number(event_name: str, event: Mapping[str, Any]) -> int | None:
    if event_name not in PR_EVENTS:
        return None
    number = (event.get("pull_request") or {}).get("number", event.get("number"))
    return number if isinstance(number, int) else None


def own_ref(env: Mapping[str, str], event_name: str, event: Mapping[str, Any]) -> str:
    """This repository's side as people name it: the pull request's head branch, else
    the branch or tag of GITHUB_REF, else the commit."""
    if event_name in PR_EVENTS:
        head = ((event.get("pull_request") or {}).get("head") or {}).get("ref")
        if isinstance(head, str) and head:
            return head
    ref = env.get("GITHUB_REF", "").strip()
    for prefix in ("refs/heads/", "refs/tags/"):
        if ref.startswith(prefix):
            return ref[len(prefix) :]
    return env.get("GITHUB_SHA", "").strip()


def pr_sha(event_name: str, event: Mapping[str, Any], side: str) -> str | None:
    """`pull_request.base.sha` / `head.sha` of a pull request event, when well formed."""
    if event_name not in PR_EVENTS:
        return None
    sha = ((event.get("pull_request") or {}).get(side) or {}).get("sha")
    return sha if isinstance(sha, str) and re.fullmatch(r"[0-9a-f]{40}", sha) else None
