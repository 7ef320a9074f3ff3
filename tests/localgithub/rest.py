"""The REST operations the fake serves, with GitHub's statuses and error bodies.

Each handler takes a `Call` (already authenticated, repository resolved) and
returns a `Reply` or raises `HttpError`; the server turns both into HTTP.
"""

from __future__ import annotations

import base64
import binascii
import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

from . import payloads as P
from .gitstore import ZERO_SHA, Person
from .payloads import Urls
from .state import API_COMMITTER, App, Issue, IssueComment, Pull, Repo, Store, now_iso


class HttpError(Exception):
    """An answer GitHub gives as an error body: `{"message", "documentation_url"[, "errors"]}`."""

    def __init__(
        self,
        status: int,
        message: str,
        *,
        errors: list[dict] | None = None,
        headers: dict[str, str] | None = None,
    ):
        super().__init__(message)
        self.status = status
        self.message = message
        self.errors = errors
        self.headers = headers or {}


def invalid(message: str, resource: str, code: str = "custom", **fields: str) -> HttpError:
    """A 422 "Validation Failed" with GitHub's `errors` list."""
    item = {"resource": resource, "code": code, **fields}
    if code == "custom":
        item["message"] = message
    return HttpError(422, "Validation Failed", errors=[item])


@dataclass
class Reply:
    status: int
    body: Any = None
    headers: dict[str, str] = field(default_factory=dict)


@dataclass
class Call:
    method: str
    path: str  # as requested, percent-encoded, without the /api/v3 prefix
    query: dict[str, str]
    body: Any
    params: dict[str, str]  # path parameters, decoded
    urls: Urls
    login: str
    repo: Repo | None = None
    app: App | None = None  # the GitHub App whose JWT authenticated an app endpoint

    @property
    def r(self) -> Repo:
        assert self.repo is not None
        return self.repo

    @property
    def a(self) -> App:
        assert self.app is not None
        return self.app

    def json(self) -> dict[str, Any]:
        if not isinstance(self.body, dict):
            raise HttpError(400, "Problems parsing JSON")
        return self.body


def paginate(call: Call, items: list[Any]) -> Reply:
    """One page of `items` with GitHub's `Link` header (next/last, prev/first)."""
    per_page = min(max(_int(call.query.get("per_page"), 30), 1), 100)
    page = max(_int(call.query.get("page"), 1), 1)
    last = max(math.ceil(len(items) / per_page), 1)

    def url(number: int) -> str:
        query = dict(call.query, page=str(number))
        return f"{call.urls.api}{call.path}?{urlencode(query)}"

    rels = []
    if page > 1:
        rels += [("prev", min(page - 1, last)), ("first", 1)]
    if page < last:
        rels += [("next", page + 1), ("last", last)]
    headers = {"Link": ", ".join(f'<{url(n)}>; rel="{rel}"' for rel, n in rels)} if rels else {}
    return Reply(200, items[(page - 1) * per_page : page * per_page], headers)


def _int(text: str | None, default: int) -> int:
    try:
        return int(text) if text else default
    except ValueError:
        return default


class RestApi:
    """Operation id -> handler. State changes happen under the store's lock (held by the caller)."""

    def __init__(self, store: Store):
        self.store = store
        self.handlers: dict[str, Callable[[Call], Reply]] = {
            "repos/get": self.get_repo,
            "repos/get-content": self.get_content,
            "repos/create-or-update-file-contents": self.put_content,
            "repos/get-branch": self.get_branch,
            "repos/list-commits": self.list_commits,
            "git/get-ref": self.get_ref,
            "git/create-ref": self.create_ref,
            "git/update-ref": self.update_ref,
            "git/delete-ref": self.delete_ref,
            "git/get-blob": self.get_blob,
            "pulls/list": self.list_pulls,
            "pulls/create": self.create_pull,
            "pulls/get": self.get_pull,
            "pulls/update": self.update_pull,
            "issues/list-comments": self.list_comments,
            "issues/create-comment": self.create_comment,
            "issues/update-comment": self.update_comment,
            "issues/list-labels-for-repo": self.list_labels,
            "issues/create-label": self.create_label,
            "issues/list-labels-on-issue": self.list_issue_labels,
            "issues/add-labels": self.add_labels,
            "issues/remove-label": self.remove_label,
            "issues/add-assignees": self.add_assignees,
            "pulls/request-reviewers": self.request_reviewers,
            "apps/list-installations": self.list_installations,
            "apps/get-repo-installation": self.get_repo_installation,
            "apps/create-installation-access-token": self.create_installation_token,
        }

    # --- repository, contents, commits --------------------------------------------

    def get_repo(self, call: Call) -> Reply:
        return Reply(200, P.repository(call.urls, call.r))

    def get_content(self, call: Call) -> Reply:
        repo, path = call.r, call.params["path"].strip("/")
        ref = call.query.get("ref") or repo.default_branch
        commit = repo.git.resolve(ref)
        if commit is None:
            raise HttpError(404, f"No commit found for the ref {ref}")
        entry = repo.git.entry(commit, path)
        if entry is None:
            raise HttpError(404, "Not Found")
        if entry.type == "tree":
            kinds = {"tree": "dir", "blob": "file", "commit": "submodule"}
            return Reply(
                200,
                [
                    P.content_entry(call.urls, repo, ref, e.path, e.sha, e.size, kinds[e.type])
                    for e in repo.git.list_dir(commit, path)
                ],
            )
        data = repo.git.blob(entry.sha)
        return Reply(200, P.content_file(call.urls, repo, ref, path, entry.sha, data))

    def put_content(self, call: Call) -> Reply:
        repo, path, body = call.r, call.params["path"].strip("/"), call.json()
        for name in ("message", "content"):
            if not isinstance(body.get(name), str):
                raise invalid("", "Contents", "missing_field", field=name)
        data = _b64(body["content"])
        branch = body.get("branch") or repo.default_branch
        head = repo.git.branch_sha(branch)
        first = head is None and branch == repo.default_branch and not repo.git.branches()
        if head is None and not first:  # an empty repository gets its first commit
            raise HttpError(404, f"Branch {branch} not found")
        existing = repo.git.entry(head, path) if head else None
        _check_blob_sha(path, existing.sha if existing else None, body.get("sha"))
        committer = _person(body.get("committer")) or API_COMMITTER
        author = _person(body.get("author")) or _person(body.get("committer")) or _bot(call.login)
        new = repo.git.write_commit(head, {path: data}, body["message"], author, committer)
        if not repo.git.update_ref(branch, new, head):
            raise HttpError(409, f"{path} does not match {body.get('sha')}")
        blob = repo.git.entry(new, path)
        assert blob is not None
        content = P.content_entry(call.urls, repo, branch, path, blob.sha, len(data), "file")
        result = {
            "content": content,
            "commit": P.git_commit(call.urls, repo, repo.git.commit_meta(new)),
        }
        return Reply(200 if existing else 201, result)

    def get_branch(self, call: Call) -> Reply:
        repo, name = call.r, call.params["branch"]
        sha = repo.git.branch_sha(name)
        if sha is None:
            raise HttpError(404, "Branch not found")
        return Reply(200, P.branch(call.urls, repo, name, repo.git.commit_meta(sha)))

    def list_commits(self, call: Call) -> Reply:
        repo = call.r
        start = call.query.get("sha") or repo.default_branch
        commit = repo.git.resolve(start)
        if commit is None:
            raise HttpError(404, f"No commit found for SHA: {start}")
        shas = repo.git.history(commit, call.query.get("path"))
        reply = paginate(call, shas)
        reply.body = [P.commit(call.urls, repo, repo.git.commit_meta(s)) for s in reply.body]
        return reply

    # --- refs and blobs --------------------------------------------------------------

    def get_ref(self, call: Call) -> Reply:
        branch = _branch_of(call.params["ref"])
        sha = call.r.git.branch_sha(branch) if branch else None
        if sha is None:
            raise HttpError(404, "Not Found")
        return Reply(200, P.git_ref(call.urls, call.r, branch, sha))

    def create_ref(self, call: Call) -> Reply:
        repo, body = call.r, call.json()
        ref, sha = str(body.get("ref", "")), str(body.get("sha", ""))
        if not ref.startswith("refs/") or ref.count("/") < 2:
            raise HttpError(
                422, "Reference name must start with 'refs/' and have at least two slashes."
            )
        branch = _branch_of(ref.removeprefix("refs/"))
        if not branch:
            raise HttpError(422, "Only branches (refs/heads/...) are supported by the local GitHub")
        if repo.git.object_type(sha) != "commit":
            raise HttpError(422, "Object does not exist")
        if not repo.git.update_ref(branch, sha, ZERO_SHA):
            raise HttpError(422, "Reference already exists")
        location = f"{call.urls.repo(repo)}/git/refs/heads/{branch}"
        return Reply(201, P.git_ref(call.urls, repo, branch, sha), {"Location": location})

    def update_ref(self, call: Call) -> Reply:
        repo, body = call.r, call.json()
        branch = _branch_of(call.params["ref"])
        current = repo.git.branch_sha(branch) if branch else None
        if current is None:
            raise HttpError(422, "Reference does not exist")
        sha = str(body.get("sha", ""))
        if repo.git.object_type(sha) != "commit":
            raise HttpError(422, "Object does not exist")
        if not body.get("force") and not repo.git.is_ancestor(current, sha):
            raise HttpError(422, "Update is not a fast forward")
        if not repo.git.update_ref(branch, sha, current):
            raise HttpError(422, "Reference cannot be updated")
        return Reply(200, P.git_ref(call.urls, repo, branch, sha))

    def delete_ref(self, call: Call) -> Reply:
        branch = _branch_of(call.params["ref"])
        if not branch or call.r.git.branch_sha(branch) is None or not call.r.git.delete_ref(branch):
            raise HttpError(422, "Reference does not exist")
        return Reply(204)

    def get_blob(self, call: Call) -> Reply:
        repo, sha = call.r, call.params["file_sha"]
        if repo.git.object_type(sha) != "blob":
            raise HttpError(404, "Not Found")
        return Reply(200, P.blob(call.urls, repo, sha, repo.git.blob(sha)))

    # --- pull requests -----------------------------------------------------------------

    def list_pulls(self, call: Call) -> Reply:
        repo, query = call.r, call.query
        state = query.get("state", "open")
        found = [p for p in repo.pulls.values() if state == "all" or p.state == state]
        if "head" in query:
            owner, _, branch = query["head"].rpartition(":")
            if owner and owner.lower() != repo.owner.lower():
                found = []
            found = [p for p in found if p.head == branch]
        if "base" in query:
            found = [p for p in found if p.base == query["base"]]
        found.sort(key=lambda p: p.number, reverse=query.get("direction", "desc") == "desc")
        reply = paginate(call, found)
        reply.body = [P.pull(call.urls, repo, p, full=False) for p in reply.body]
        return reply

    def create_pull(self, call: Call) -> Reply:
        repo, body = call.r, call.json()
        if not repo.actions_can_create_prs:
            raise HttpError(
                403, "GitHub Actions is not permitted to create or approve pull requests."
            )
        head, base = self._pull_sides(repo, body)
        if not isinstance(body.get("title"), str) or not body["title"]:
            raise invalid("", "PullRequest", "missing_field", field="title")
        if any(
            p.head == head and p.base == base and p.state == "open" for p in repo.pulls.values()
        ):
            raise invalid(f"A pull request already exists for {repo.owner}:{head}.", "PullRequest")
        head_sha, base_sha = repo.git.branch_sha(head), repo.git.branch_sha(base)
        if repo.git.count_between(base_sha or "", head_sha or "") == 0:
            raise invalid(f"No commits between {base} and {head}", "PullRequest")
        pull = Pull(
            self.store.next_id(),
            repo.next_number,
            body["title"],
            body.get("body"),
            head,
            base,
            call.login,
            draft=bool(body.get("draft")),
        )
        repo.pulls[pull.number] = pull
        repo.next_number += 1
        location = f"{call.urls.repo(repo)}/pulls/{pull.number}"
        return Reply(201, P.pull(call.urls, repo, pull, full=True), {"Location": location})

    def _pull_sides(self, repo: Repo, body: dict[str, Any]) -> tuple[str, str]:
        owner, _, head = str(body.get("head", "")).rpartition(":")
        base = str(body.get("base", ""))
        if owner and owner.lower() != repo.owner.lower():
            raise invalid("", "PullRequest", "invalid", field="head")
        if not head or repo.git.branch_sha(head) is None:
            raise invalid("", "PullRequest", "invalid", field="head")
        if not base or repo.git.branch_sha(base) is None:
            raise invalid("", "PullRequest", "invalid", field="base")
        return head, base

    def get_pull(self, call: Call) -> Reply:
        return Reply(200, P.pull(call.urls, call.r, self._pull(call), full=True))

    def update_pull(self, call: Call) -> Reply:
        repo, pull, body = call.r, self._pull(call), call.json()
        if "title" in body:
            pull.title = str(body["title"])
        if "body" in body:
            pull.body = body["body"]
        if body.get("state") == "closed" and pull.state == "open":
            pull.state, pull.closed_at = "closed", now_iso()
            pull.closed_head_sha = repo.git.branch_sha(pull.head)
        elif body.get("state") == "open" and pull.state == "closed":
            if any(p.head == pull.head and p.state == "open" for p in repo.pulls.values()):
                raise invalid(
                    f"A pull request already exists for {repo.owner}:{pull.head}.", "PullRequest"
                )
            pull.state, pull.closed_at = "open", None
        pull.updated_at = now_iso()
        return Reply(200, P.pull(call.urls, repo, pull, full=True))

    def _labelled(self, call: Call) -> Pull | Issue:
        """The pull request or plain issue of `issue_number`: both carry labels."""
        number = _int(call.params["issue_number"], -1)
        found = call.r.pulls.get(number) or call.r.issues.get(number)
        if found is None:
            raise HttpError(404, "Not Found")
        return found

    def _pull(self, call: Call) -> Pull:
        key = "pull_number" if "pull_number" in call.params else "issue_number"
        pull = call.r.pulls.get(_int(call.params[key], -1))
        if pull is None:
            raise HttpError(404, "Not Found")
        return pull

    # --- comments -------------------------------------------------------------------------

    def list_comments(self, call: Call) -> Reply:
        pull = self._pull(call)
        found = sorted(
            (c for c in call.r.comments.values() if c.number == pull.number), key=lambda c: c.id
        )
        reply = paginate(call, found)
        reply.body = [P.comment(call.urls, call.r, c) for c in reply.body]
        return reply

    def create_comment(self, call: Call) -> Reply:
        pull, body = self._pull(call), call.json()
        if not isinstance(body.get("body"), str):
            raise invalid("", "IssueComment", "missing_field", field="body")
        item = IssueComment(self.store.next_id(), pull.number, body["body"], call.login)
        call.r.comments[item.id] = item
        payload = P.comment(call.urls, call.r, item)
        return Reply(201, payload, {"Location": payload["url"]})

    def update_comment(self, call: Call) -> Reply:
        item = call.r.comments.get(_int(call.params["comment_id"], -1))
        if item is None:
            raise HttpError(404, "Not Found")
        body = call.json()
        if not isinstance(body.get("body"), str):
            raise invalid("", "IssueComment", "missing_field", field="body")
        item.body, item.updated_at = body["body"], now_iso()
        return Reply(200, P.comment(call.urls, call.r, item))

    # --- labels ---------------------------------------------------------------------------

    def list_labels(self, call: Call) -> Reply:
        reply = paginate(call, sorted(call.r.labels.values(), key=lambda item: item.id))
        reply.body = [P.label(call.urls, call.r, item) for item in reply.body]
        return reply

    def create_label(self, call: Call) -> Reply:
        body = call.json()
        name = body.get("name")
        if not isinstance(name, str) or not name:
            raise invalid("", "Label", "missing_field", field="name")
        color = str(body.get("color", "ededed")).lstrip("#")
        if not re.fullmatch(r"[0-9a-fA-F]{6}", color):
            raise invalid("", "Label", "invalid", field="color")  # as the errors recording
        if call.r.label(name):
            raise invalid("", "Label", "already_exists", field="name")
        item = self.store.ensure_label(call.r, name, color)
        item.description = body.get("description")
        return Reply(201, P.label(call.urls, call.r, item))

    def list_issue_labels(self, call: Call) -> Reply:
        pull = self._labelled(call)
        items = [found for name in pull.labels if (found := call.r.label(name))]
        reply = paginate(call, items)
        reply.body = [P.label(call.urls, call.r, item) for item in reply.body]
        return reply

    def add_labels(self, call: Call) -> Reply:
        """Like GitHub: labels the repository lacks are created on the way."""
        pull = self._labelled(call)
        raw = call.body.get("labels") if isinstance(call.body, dict) else call.body
        if not isinstance(raw, list):
            raise invalid("", "Label", "invalid", field="labels")
        for item in raw:
            name = item.get("name") if isinstance(item, dict) else item
            label = self.store.ensure_label(call.r, str(name))
            if label.name not in pull.labels:
                pull.labels.append(label.name)
        items = [found for name in pull.labels if (found := call.r.label(name))]
        return Reply(200, [P.label(call.urls, call.r, item) for item in items])

    def remove_label(self, call: Call) -> Reply:
        """404 when the pull request does not carry the label, like GitHub."""
        pull = self._labelled(call)
        name = call.params["name"]
        kept = [x for x in pull.labels if x.lower() != name.lower()]
        if len(kept) == len(pull.labels):
            raise HttpError(404, "Label does not exist")
        pull.labels = kept
        items = [found for name in pull.labels if (found := call.r.label(name))]
        return Reply(200, [P.label(call.urls, call.r, item) for item in items])

    # --- reviewers and assignees ----------------------------------------------------------

    def request_reviewers(self, call: Call) -> Reply:
        """Like GitHub: all or nothing; a non-collaborator, an unknown team or the
        author is a 422, and nobody is requested."""
        repo, pull, body = call.r, self._pull(call), call.json()
        users = [str(u) for u in body.get("reviewers") or []]
        teams = [str(t) for t in body.get("team_reviewers") or []]
        if any(u.lower() == pull.user.lower() for u in users):
            raise invalid("Review cannot be requested from pull request author.", "PullRequest")
        if any(u.lower() not in repo.collaborators for u in users) or any(
            t not in repo.teams for t in teams
        ):
            raise invalid(
                "Reviews may only be requested from collaborators. One or more of the users "
                f"or teams you specified is not a collaborator of the {repo.full_name} "
                "repository.",
                "PullRequest",
            )
        for login in users:
            if login.lower() not in (r.lower() for r in pull.requested_reviewers):
                pull.requested_reviewers.append(login)
        for slug in teams:
            if slug not in pull.requested_teams:
                pull.requested_teams.append(slug)
        return Reply(201, P.pull(call.urls, repo, pull, full=False))

    def add_assignees(self, call: Call) -> Reply:
        """Like GitHub: users who cannot be assigned are silently left out."""
        repo, pull, body = call.r, self._pull(call), call.json()
        for item in body.get("assignees") or []:
            login = str(item.get("login") if isinstance(item, dict) else item)
            known = login.lower() in repo.collaborators
            if known and login.lower() not in (a.lower() for a in pull.assignees):
                pull.assignees.append(login)
        return Reply(201, P.issue(call.urls, repo, pull))

    # --- GitHub Apps (authenticated by the app's JWT, see appauth.py) ---------------------

    def list_installations(self, call: Call) -> Reply:
        items = sorted(call.a.installations.values(), key=lambda item: item.id)
        reply = paginate(call, items)
        reply.body = [P.installation(call.urls, call.a, item) for item in reply.body]
        return reply

    def get_repo_installation(self, call: Call) -> Reply:
        """404 unless the repository exists and the app is installed on its owner."""
        owner, name = call.params["owner"], call.params["repo"]
        item = call.a.installations.get(owner.lower())
        if item is None or self.store.find(f"{owner}/{name}") is None:
            raise HttpError(404, "Not Found")
        return Reply(200, P.installation(call.urls, call.a, item))

    def create_installation_token(self, call: Call) -> Reply:
        """A token for all of the owner's repositories; `repositories`/`permissions` do not
        narrow it here (the action asks for neither)."""
        item = call.a.installation(_int(call.params["installation_id"], -1))
        if item is None:
            raise HttpError(404, "Not Found")
        return Reply(201, P.installation_token(self.store.mint(call.a, item)))


def _branch_of(ref: str) -> str:
    return ref.removeprefix("heads/") if ref.startswith("heads/") else ""


def _b64(text: str) -> bytes:
    try:
        return base64.b64decode(text.encode("ascii"), validate=False)
    except (binascii.Error, UnicodeEncodeError) as exc:
        raise HttpError(422, "content is not valid Base64") from exc


def _check_blob_sha(path: str, current: str | None, given: Any) -> None:
    """GitHub's optimistic lock on the Contents API."""
    if current and not given:
        raise HttpError(422, 'Invalid request.\n\n"sha" wasn\'t supplied.')
    if given and given != current:
        raise HttpError(409, f"{path} does not match {given}")


def _person(raw: Any) -> Person | None:
    if isinstance(raw, dict) and raw.get("name") and raw.get("email"):
        return Person(str(raw["name"]), str(raw["email"]))
    return None


def _bot(login: str) -> Person:
    return Person(login, f"{P.user_id(login)}+{login}@users.noreply.github.com")
