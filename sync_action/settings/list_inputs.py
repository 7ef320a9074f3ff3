"""Lists in inputs (`split_list`), the inputs that shape a sync pull request (labels,
reviewers, teams, assignees) and the run's link; `config` reads them from the environment."""

from __future__ import annotations

import re
from collections.abc import Mapping

from sync_action.core.errors import UsageError


def split_list(value: str) -> list[str]:
    """Newline- or comma-separated, blanks dropped."""
    return [item.strip() for item in re.split(r"[,\n]", value) if item.strip()]


def labels(value: str, name: str) -> tuple[str, ...]:
    labels = tuple(dict.fromkeys(split_list(value)))
    for label in labels:
        if len(label) > 50:
            raise UsageError(f"Input '{name}': '{label}' is longer than GitHub's 50 characters")
    return labels


_LOGIN = re.compile(r"^@?([A-Za-z0-9](?:[A-Za-z0-9-]{0,38}))$")
_TEAM = re.compile(r"^@?(?:[A-Za-z0-9-]+/)?([A-Za-z0-9._-]{1,100})$")


def logins(value: str, name: str) -> tuple[str, ...]:
    """User logins (team slugs for team-reviewers; `@` and `org/slug` accepted), once each."""
    pattern, found = (_TEAM if name == "team-reviewers" else _LOGIN), dict[str, str]()
    for item in split_list(value):
        if (match := pattern.match(item)) is None:
            what = "a team slug" if name == "team-reviewers" else "a GitHub user login"
            raise UsageError(f"Input '{name}': '{item}' is not {what}")
        found.setdefault(match.group(1).lower(), match.group(1))
    return tuple(found.values())


def run_url(env: Mapping[str, str]) -> str:
    """`GITHUB_SERVER_URL/GITHUB_REPOSITORY/actions/runs/GITHUB_RUN_ID`, when on the runner."""
    run_id, repository = env.get("GITHUB_RUN_ID", "").strip(), env.get("GITHUB_REPOSITORY", "")
    server = (env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/")
    ok = run_id.isdigit() and repository.strip()
    return f"{server}/{repository.strip()}/actions/runs/{run_id}" if ok else ""
