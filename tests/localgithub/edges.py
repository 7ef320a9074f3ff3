"""What real GitHub does that a first fake does not: renamed and transferred repositories,
empty repositories, and the pull requests of a commit.

The answers are taken from GitHub's references (tests/references/): the redirect's
status, `Location` and body from the rename-repository recording, the operations and
their documented statuses from the description. Faults made to order (rate limits, rule
violations, malformed answers) are in `breakage.py`.
"""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from typing import Any

from . import payloads as P
from . import references
from .rest import Call, HttpError, Reply, paginate
from .state import Repo, Store

REPO_PATH = re.compile(r"^/repos/(?P<owner>[^/]+)/(?P<name>[^/]+)(?P<rest>/.*)?$")
ID_PATH = re.compile(r"^/repositories/(?P<id>\d+)(?P<rest>/.*)?$")
# What GitHub answers about an empty repository (no commit), by operation.
EMPTY_CONTENTS = "This repository is empty."
EMPTY_GIT = "Git Repository is empty."
EMPTY_404 = frozenset({"repos/get-content", "repos/get-branch"})
EMPTY_409 = frozenset(
    {
        "git/get-ref",
        "git/create-ref",
        "git/update-ref",
        "git/delete-ref",
        "git/get-blob",
        "git/get-tree",
        "git/get-commit",
        "repos/list-commits",
        "repos/list-pull-requests-associated-with-commit",
    }
)


@cache
def recorded_redirect() -> dict[str, Any]:
    """GitHub's 301 answer to a renamed repository's old name, as recorded."""
    for item in references.recording("rename-repository")["exchanges"]:
        if item["status"] == 301:
            return dict(item)
    raise LookupError("the rename-repository recording has no 301")


def redirect_body(location: str) -> dict[str, Any]:
    """The recorded redirect body, its `url` pointing where this server redirects."""
    recorded = recorded_redirect()["response"]
    return {key: location if key == "url" else value for key, value in recorded.items()}


@dataclass
class Redirect:
    status: int
    location: str


def by_id(store: Store, path: str) -> tuple[Repo, str] | None:
    """`/repositories/{id}/rest` -> the repository and `/repos/{owner}/{name}/rest`."""
    found = ID_PATH.match(path)
    if not found:
        return None
    repo = next((r for r in store.repos.values() if r.id == int(found["id"])), None)
    if repo is None:
        return None
    return repo, f"/repos/{repo.full_name}{found['rest'] or ''}"


def moved(store: Store, method: str, path: str, query: str, api: str) -> Redirect | None:
    """A renamed or transferred repository's old name: 301 for reads, 307 for the rest.

    GitHub's redirect stops once a repository exists under the old name again.
    """
    found = REPO_PATH.match(path)
    if not found or store.find(f"{found['owner']}/{found['name']}") is not None:
        return None
    repo_id = store.moved.get(f"{found['owner']}/{found['name']}".lower())
    if repo_id is None:
        return None
    location = f"{api}/repositories/{repo_id}{found['rest'] or ''}"
    if query:
        location += f"?{query}"
    return Redirect(301 if method in ("GET", "HEAD") else 307, location)


def moved_git(store: Store, owner: str, name: str) -> Repo | None:
    """The repository an old name now points to, for git over HTTP."""
    if store.find(f"{owner}/{name}") is not None:
        return None
    repo_id = store.moved.get(f"{owner}/{name}".lower())
    return next((r for r in store.repos.values() if r.id == repo_id), None)


def empty_refusal(operation: str, repo: Repo | None) -> HttpError | None:
    """GitHub's answer when `operation` meets a repository without a commit, else None."""
    if repo is None or repo.git.branches():
        return None
    if operation in EMPTY_404:
        return HttpError(404, EMPTY_CONTENTS)
    if operation in EMPTY_409:
        return HttpError(409, EMPTY_GIT)
    return None


def rename(store: Store, repo: Repo, owner: str, name: str) -> None:
    """Give `repo` a new owner/name; the old one redirects (the git directory moves too)."""
    old = repo.full_name.lower()
    target = store.root / owner / f"{name}.git"
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.move(str(repo.git.path), str(target))
    repo.git.path = target
    del store.repos[old]
    repo.owner, repo.name = owner, name
    store.repos[repo.full_name.lower()] = repo
    store.moved[old] = repo.id
    store.moved.pop(repo.full_name.lower(), None)


class EdgeHandlers:
    """Operations added for the edges: renaming a repository, a commit's pull requests."""

    def __init__(self, store: Store):
        self.store = store

    @property
    def handlers(self) -> dict[str, Callable[[Call], Reply]]:
        return {
            "repos/update": self.update_repo,
            "repos/list-pull-requests-associated-with-commit": self.commit_pulls,
        }

    def update_repo(self, call: Call) -> Reply:
        """`name` renames (the old name then redirects); `description` is kept."""
        repo, body = call.r, call.json()
        name = body.get("name")
        if isinstance(name, str) and name and name != repo.name:
            if self.store.find(f"{repo.owner}/{name}") is not None:
                raise HttpError(
                    422,
                    "Validation Failed",
                    errors=[
                        {
                            "resource": "Repository",
                            "code": "custom",
                            "field": "name",
                            "message": "name already exists on this account",
                        }
                    ],
                )
            rename(self.store, repo, repo.owner, name)
        if "description" in body:
            repo.description = body["description"]
        return Reply(200, P.repository(call.urls, repo))

    def commit_pulls(self, call: Call) -> Reply:
        """Like GitHub: for a commit on the default branch, the merged pull requests that
        brought it; otherwise every pull request whose head contains it."""
        repo, wanted = call.r, call.params["commit_sha"]
        sha = repo.git.resolve(wanted)
        if sha is None:
            raise HttpError(422, f"No commit found for SHA: {wanted}")
        default = repo.git.branch_sha(repo.default_branch) or ""
        on_default = repo.git.is_ancestor(sha, default)
        found = []
        for pull in sorted(repo.pulls.values(), key=lambda p: p.number, reverse=True):
            if pull.merged_at and pull.merge_commit_sha:
                merge = pull.merge_commit_sha
                if sha in repo.git.out("rev-list", f"{merge}^1..{merge}").split():
                    found.append(pull)
            elif not on_default:
                head = repo.head_sha(pull)
                if head and repo.git.is_ancestor(sha, head):
                    found.append(pull)
        reply = paginate(call, found)
        reply.body = [P.pull(call.urls, repo, p, full=False) for p in reply.body]
        return reply


def id_path(repo: Repo, path: str) -> str:
    """`/repos/{owner}/{name}/rest` as GitHub writes it in `Link`: `/repositories/{id}/rest`."""
    found = REPO_PATH.match(path)
    return f"/repositories/{repo.id}{found['rest'] or ''}" if found else path
