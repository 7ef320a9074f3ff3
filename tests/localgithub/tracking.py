"""Issues, reviews, a pull request's commits, workflow runs and the token's user.

What status mode and its dashboard read (and the dashboard writes), served like
GitHub: plain issues and pull requests share one list and one numbering, the
issue listing includes pull requests (marked by `pull_request`), and workflow
runs answer `{total_count, workflow_runs}` filtered as the REST API documents.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from . import payloads as P
from .payloads import Urls
from .rest import Call, HttpError, Reply, invalid, paginate
from .state import Issue, Pull, Repo, Review, Store, WorkflowRun, now_iso


def issue(urls: Urls, repo: Repo, item: Issue | Pull, full: bool = False) -> dict[str, Any]:
    """The `issue` schema, for a plain issue or for a pull request seen as an issue;
    `full` (one issue, not a listing) adds `closed_by`, as GitHub does."""
    api, html = urls.repo(repo), urls.html(repo)
    is_pull = isinstance(item, Pull)
    issue_api = f"{api}/issues/{item.number}"
    kind = "Bot" if item.user.endswith("[bot]") else "User"
    body: dict[str, Any] = {
        "id": item.id,
        "node_id": P.node_id("Issue", item.id),
        "url": issue_api,
        "repository_url": api,
        "labels_url": f"{issue_api}/labels{{/name}}",
        "comments_url": f"{issue_api}/comments",
        "events_url": f"{issue_api}/events",
        "html_url": f"{html}/{'pull' if is_pull else 'issues'}/{item.number}",
        "number": item.number,
        "state": item.state,
        "title": item.title,
        "body": item.body,
        "user": P.user(urls, item.user, kind),
        "labels": [P.label(urls, repo, found) for n in item.labels if (found := repo.label(n))],
        "assignee": None,
        "assignees": [],
        "milestone": None,
        "locked": False,
        "comments": sum(1 for c in repo.comments.values() if c.number == item.number),
        "closed_at": item.closed_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": "OWNER" if item.user == repo.owner else "NONE",
        **P.issue_extras(issue_api),
    }
    if full:
        body["closed_by"] = None
    if isinstance(item, Pull):
        body["pull_request"] = {
            "merged_at": item.merged_at,
            "diff_url": f"{html}/pull/{item.number}.diff",
            "html_url": f"{html}/pull/{item.number}",
            "patch_url": f"{html}/pull/{item.number}.patch",
            "url": f"{api}/pulls/{item.number}",
        }
    return body


def review(urls: Urls, repo: Repo, item: Review) -> dict[str, Any]:
    html = f"{urls.html(repo)}/pull/{item.number}#pullrequestreview-{item.id}"
    pull_api = f"{urls.repo(repo)}/pulls/{item.number}"
    return {
        "id": item.id,
        "node_id": P.node_id("PullRequestReview", item.id),
        "user": P.user(urls, item.user),
        "body": item.body,
        "state": item.state,
        "html_url": html,
        "pull_request_url": pull_api,
        "_links": {"html": {"href": html}, "pull_request": {"href": pull_api}},
        "submitted_at": item.submitted_at,
        "commit_id": item.commit_id,
        "author_association": "COLLABORATOR",
    }


def workflow_id(name: str) -> int:
    return P.user_id(f"workflow:{name}")


def workflow_run(urls: Urls, repo: Repo, run: WorkflowRun) -> dict[str, Any]:
    api, html = urls.repo(repo), urls.html(repo)
    run_api = f"{api}/actions/runs/{run.id}"
    return {
        "id": run.id,
        "name": run.workflow.rsplit(".", 1)[0],
        "node_id": P.node_id("WorkflowRun", run.id),
        "head_branch": run.head_branch,
        "head_sha": run.head_sha,
        "path": f".github/workflows/{run.workflow}",
        "display_title": f"{run.workflow} on {run.head_branch}",
        "run_number": run.run_number,
        "run_attempt": 1,
        "event": run.event,
        "status": run.status,
        "conclusion": run.conclusion,
        "workflow_id": workflow_id(run.workflow),
        "url": run_api,
        "html_url": f"{html}/actions/runs/{run.id}",
        "pull_requests": [],
        "created_at": run.created_at,
        "updated_at": run.created_at,
        "run_started_at": run.created_at,
        "jobs_url": f"{run_api}/jobs",
        "logs_url": f"{run_api}/logs",
        "check_suite_url": f"{api}/check-suites/{run.id}",
        "artifacts_url": f"{run_api}/artifacts",
        "cancel_url": f"{run_api}/cancel",
        "rerun_url": f"{run_api}/rerun",
        "workflow_url": f"{api}/actions/workflows/{workflow_id(run.workflow)}",
        "head_commit": None,
        "repository": P.repository(urls, repo),
        "head_repository": P.repository(urls, repo),
    }


def private_user(urls: Urls, login: str) -> dict[str, Any]:
    stamp = "2020-01-01T00:00:00Z"
    counts = dict.fromkeys(
        (
            "public_repos",
            "public_gists",
            "followers",
            "following",
            "private_gists",
            "total_private_repos",
            "owned_private_repos",
            "disk_usage",
            "collaborators",
        ),
        0,
    )
    nulls = dict.fromkeys(("name", "company", "blog", "location", "email", "hireable", "bio"))
    return {
        **P.user(urls, login),
        **nulls,
        **counts,
        "created_at": stamp,
        "updated_at": stamp,
        "two_factor_authentication": True,
        "user_view_type": "private",
    }


class Tracking:
    """The handlers, by operation id; called with the store's lock held."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def handlers(self) -> dict[str, Callable[[Call], Reply]]:
        return {
            "issues/list-for-repo": self.list_issues,
            "issues/create": self.create_issue,
            "issues/update": self.update_issue,
            "pulls/list-reviews": self.list_reviews,
            "pulls/list-commits": self.list_pull_commits,
            "actions/list-workflow-runs": self.list_runs,
            "users/get-authenticated": self.get_user,
        }

    def list_issues(self, call: Call) -> Reply:
        repo, query = call.r, call.query
        state = query.get("state", "open")
        items: list[Issue | Pull] = [*repo.issues.values(), *repo.pulls.values()]
        found = [i for i in items if state == "all" or i.state == state]
        if query.get("creator"):
            found = [i for i in found if i.user.lower() == query["creator"].lower()]
        if query.get("labels"):
            wanted = {name.strip().lower() for name in query["labels"].split(",") if name.strip()}
            found = [i for i in found if wanted <= {name.lower() for name in i.labels}]
        if query.get("since"):
            found = [i for i in found if i.updated_at >= query["since"]]
        key = "updated_at" if query.get("sort") == "updated" else "created_at"
        found.sort(key=lambda i: (getattr(i, key), i.number))
        if query.get("direction", "desc") == "desc":
            found.reverse()
        reply = paginate(call, found)
        reply.body = [issue(call.urls, repo, item) for item in reply.body]
        return reply

    def create_issue(self, call: Call) -> Reply:
        repo, body = call.r, call.json()
        if not isinstance(body.get("title"), str) or not body["title"]:
            raise invalid("", "Issue", "missing_field", field="title")
        item = Issue(
            self.store.next_id(), repo.next_number, body["title"], body.get("body"), call.login
        )
        for name in body.get("labels") or []:
            item.labels.append(self.store.ensure_label(repo, str(name)).name)
        repo.issues[item.number] = item
        repo.next_number += 1
        payload = issue(call.urls, repo, item, full=True)
        return Reply(201, payload, {"Location": payload["url"]})

    def update_issue(self, call: Call) -> Reply:
        repo, body = call.r, call.json()
        item = repo.issues.get(_number(call.params["issue_number"]))
        if item is None:
            raise HttpError(404, "Not Found")
        if "title" in body:
            item.title = str(body["title"])
        if "body" in body:
            item.body = body["body"]
        if body.get("state") in ("open", "closed") and body["state"] != item.state:
            item.state = body["state"]
            item.closed_at = now_iso() if item.state == "closed" else None
        item.updated_at = now_iso()
        return Reply(200, issue(call.urls, repo, item, full=True))

    def _pull(self, call: Call) -> Pull:
        pull = call.r.pulls.get(_number(call.params["pull_number"]))
        if pull is None:
            raise HttpError(404, "Not Found")
        return pull

    def list_reviews(self, call: Call) -> Reply:
        pull = self._pull(call)
        found = [r for r in call.r.reviews if r.number == pull.number]
        reply = paginate(call, found)
        reply.body = [review(call.urls, call.r, item) for item in reply.body]
        return reply

    def list_pull_commits(self, call: Call) -> Reply:
        """Oldest first, as GitHub lists them (at most 250)."""
        repo, pull = call.r, self._pull(call)
        head = repo.head_sha(pull)
        base = repo.git.branch_sha(pull.base) or ""
        if pull.merged_at and pull.merge_commit_sha:
            base = repo.git.out("rev-parse", f"{pull.merge_commit_sha}^1")
        shas = list(reversed(repo.git.out("rev-list", f"{base}..{head}").split())) if head else []
        reply = paginate(call, shas[:250])
        reply.body = [P.commit(call.urls, repo, repo.git.commit_meta(s)) for s in reply.body]
        return reply

    def list_runs(self, call: Call) -> Reply:
        repo, query = call.r, call.query
        wanted = call.params["workflow_id"]
        runs = [r for r in repo.runs if wanted in (r.workflow, str(workflow_id(r.workflow)))]
        if not runs and not wanted.endswith((".yml", ".yaml")) and not wanted.isdigit():
            raise HttpError(404, "Not Found")
        status = query.get("status")
        if status:
            runs = [r for r in runs if status in (r.status, r.conclusion)]
        for name in ("branch", "event"):
            if query.get(name):
                field = "head_branch" if name == "branch" else name
                runs = [r for r in runs if getattr(r, field) == query[name]]
        if query.get("created"):
            runs = [r for r in runs if _in_range(r.created_at, query["created"])]
        runs = sorted(runs, key=lambda r: r.id, reverse=True)
        reply = paginate(call, runs)
        reply.body = {
            "total_count": len(runs),
            "workflow_runs": [workflow_run(call.urls, repo, r) for r in reply.body],
        }
        return reply

    def get_user(self, call: Call) -> Reply:
        """GitHub answers only for a user's token; GITHUB_TOKEN and apps get a 403."""
        if call.login.endswith("[bot]"):
            raise HttpError(403, "Resource not accessible by integration")
        return Reply(200, private_user(call.urls, call.login))


def _number(text: str) -> int:
    return int(text) if text.isdigit() else -1


def _in_range(stamp: str, spec: str) -> bool:
    """GitHub's date search syntax: `>=D`, `<=D`, `>D`, `<D`, `D..D` or `D`."""
    day = stamp[:10]
    if ".." in spec:
        low, high = spec.split("..", 1)
        return (low in ("*", "") or day >= low[:10]) and (high in ("*", "") or day <= high[:10])
    for op, test in ((">=", str.__ge__), ("<=", str.__le__), (">", str.__gt__), ("<", str.__lt__)):
        if spec.startswith(op):
            return bool(test(day if len(spec) - len(op) <= 10 else stamp, spec[len(op) :]))
    return day == spec[:10]


def iso(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
