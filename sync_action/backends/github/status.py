"""Status mode's reads and the dashboard issue over GitHub's REST API.

A part of `hosting.GitHubHosting`, handed its `Transport` (`request`, and `create` for
a POST that is never resent blindly); this module does not import PyGithub. Each method
is one request, so the requests per consumer are known: the sync pull requests in every
state (one listing), and for an open one its mergeability, its reviews and its commits.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from sync_action.backends.github.review import ACTIONS_BOT
from sync_action.backends.github.transport import Transport
from sync_action.core.errors import Forbidden, NotFound, RemoteError
from sync_action.core.hosting import CommitInfo, Issue, PullState, SyncPull


def timestamp(text: str | None) -> datetime | None:
    """GitHub's `2026-01-31T23:00:00Z` as an aware datetime."""
    if not text:
        return None
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


COMMIT_KEYS = ("sha", "commit.committer.date", "commit.message")  # what a commit must have
ISSUE_KEYS = ("number", "html_url", "state")


class StatusReads:
    """The status-mode part of `GitHubHosting`."""

    def __init__(self, transport: Transport):
        self.t = transport

    def sync_pulls(self, repo: str, branch: str) -> list[SyncPull]:
        owner = self.t.current_name(repo).split("/")[0]  # GitHub filters by the owner now
        params = {
            "state": "all",
            "head": f"{owner}:{branch}",
            "sort": "created",
            "direction": "desc",
            "per_page": 100,
        }
        items = self.t.request(
            f"listing the pull requests from {branch}",
            repo,
            "GET",
            f"/repos/{repo}/pulls",
            params=params,
            expect=("number", "html_url", "state", "created_at", "head.ref"),
        )
        pulls = []
        for item in items:
            if item["head"]["ref"] != branch:
                continue
            created = timestamp(item["created_at"])
            assert created is not None
            pulls.append(
                SyncPull(
                    number=item["number"],
                    url=item["html_url"],
                    state=item["state"],
                    created_at=created,
                    closed_at=timestamp(item.get("closed_at")),
                    merged_at=timestamp(item.get("merged_at")),
                    body=item.get("body") or "",
                    draft=bool(item.get("draft")),
                    requested_reviewers=tuple(
                        u["login"] for u in item.get("requested_reviewers") or []
                    ),
                )
            )
        return pulls

    def pull_state(self, repo: str, number: int) -> PullState:
        where = f"reading pull request #{number}"
        pull = self.t.request(where, repo, "GET", f"/repos/{repo}/pulls/{number}")
        reviews = self.t.request(
            where,
            repo,
            "GET",
            f"/repos/{repo}/pulls/{number}/reviews",
            params={"per_page": 100},
            expect=("state",),
        )
        return PullState(
            mergeable=pull.get("mergeable"),
            mergeable_state=str(pull.get("mergeable_state") or "unknown"),
            reviews=tuple(((r.get("user") or {}).get("login", ""), r["state"]) for r in reviews),
        )

    def pull_commits(self, repo: str, number: int) -> list[CommitInfo]:
        items = self.t.request(
            f"reading the commits of #{number}",
            repo,
            "GET",
            f"/repos/{repo}/pulls/{number}/commits",
            params={"per_page": 100},
            expect=COMMIT_KEYS,
        )
        return [_commit(item) for item in items]

    def has_blob(self, repo: str, blob_sha: str) -> bool:
        try:
            self.t.request(
                "looking up an earlier version", repo, "GET", f"/repos/{repo}/git/blobs/{blob_sha}"
            )
        except NotFound:
            return False
        except RemoteError as exc:
            if exc.status == 422:
                return False
            raise
        return True

    def last_commit(self, repo: str, path: str, ref: str) -> CommitInfo | None:
        items = self.t.request(
            f"reading the history of {path}",
            repo,
            "GET",
            f"/repos/{repo}/commits",
            params={"sha": ref, "path": path, "per_page": 1},
            expect=COMMIT_KEYS,
        )
        return _commit(items[0]) if items else None

    def failed_runs(self, repo: str, workflow: str, since: datetime) -> int:
        params = {"status": "failure", "created": f">={since:%Y-%m-%d}", "per_page": 1}
        url = f"/repos/{repo}/actions/workflows/{quote(workflow, safe='')}/runs"
        try:
            found = self.t.request(
                f"counting the failed runs of {workflow}",
                repo,
                "GET",
                url,
                params=params,
                expect=("total_count",),
            )
        except NotFound:
            raise NotFound(
                f"Input 'sync-workflow': {repo} has no workflow file "
                f".github/workflows/{workflow}, or the token may not read "
                "its Actions (actions: read)",
                status=404,
            ) from None
        return int(found["total_count"])

    def own_login(self, repo: str) -> str:
        """The token's account: a user's token answers GET /user, GITHUB_TOKEN does not."""
        try:
            me = self.t.request("reading the token's user", repo, "GET", "/user", expect=("login",))
            return str(me["login"])
        except (Forbidden, NotFound):
            return ACTIONS_BOT

    def find_issue(self, repo: str, marker: str) -> Issue | None:
        login = self.own_login(repo)
        params = {
            "state": "all",
            "creator": login,
            "sort": "created",
            "direction": "asc",
            "per_page": 100,
        }
        items = self.t.request(
            "looking for the dashboard issue",
            repo,
            "GET",
            f"/repos/{repo}/issues",
            params=params,
            expect=ISSUE_KEYS,
        )
        for item in items:
            author = (item.get("user") or {}).get("login", "")
            if "pull_request" in item or author.lower() != login.lower():
                continue
            if (item.get("body") or "").startswith(marker):
                return _issue(item)
        return None

    def create_issue(self, repo: str, title: str, body: str) -> Issue:
        marker = body.split("\n", 1)[0]
        return self.t.create(
            "creating the dashboard issue",
            repo,
            lambda: _issue(
                self.t.send(
                    repo,
                    "POST",
                    f"/repos/{repo}/issues",
                    {"title": title, "body": body},
                    expect=ISSUE_KEYS,
                )
            ),
            lambda: self.find_issue(repo, marker),
        )

    def edit_issue(self, repo: str, number: int, body: str, reopen: bool) -> None:
        change: dict[str, Any] = {"body": body}
        if reopen:
            change["state"] = "open"
        self.t.request(
            f"updating issue #{number}", repo, "PATCH", f"/repos/{repo}/issues/{number}", change
        )


def _commit(item: dict[str, Any]) -> CommitInfo:
    date = timestamp(item["commit"]["committer"]["date"])
    assert date is not None
    return CommitInfo(sha=item["sha"], date=date, message=item["commit"]["message"])


def _issue(item: dict[str, Any]) -> Issue:
    return Issue(item["number"], item["html_url"], item.get("body") or "", item["state"])
