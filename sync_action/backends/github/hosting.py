"""The GitHub REST API behind the `Hosting` interface; with `transport`, the modules that
import PyGithub.

`GitHubHosting` is composed as PyGithub's resources are around its `Requester`: one
`transport.Transport` (clients, retries, pacing, the wire below PyGithub) handed to its
parts, `history.History`, `review.Reviews` and `status.StatusReads`, to which it
delegates. What is here reads and writes the sync's own objects: the file, the sync
branch, its pull request and the sticky comment. Each method is one request where GitHub
allows it (the numbers are tested), and a create is never doubled (`Transport.create`).

With a GitHub App (`GitHubHosting.for_app`), an installation token is minted once
per owner and shared by the threads (`github_app`).

Errors come out as `errors.RemoteError` subclasses (worded by `github_errors`)
whose messages say how to fix the cause and never contain the token.
"""

from __future__ import annotations

import base64
import threading
from collections.abc import Iterator, Sequence
from datetime import datetime
from typing import Any, Unpack
from urllib.parse import parse_qs, quote, urlsplit

from github import Auth, GithubIntegration
from github.ContentFile import ContentFile
from github.PullRequest import PullRequest as GhPull

from sync_action.backends.github import answers, wire
from sync_action.backends.github.app import AppTokens, pem
from sync_action.backends.github.errors import Failure
from sync_action.backends.github.history import History
from sync_action.backends.github.retry import IDEMPOTENT, Settings
from sync_action.backends.github.review import Reviews
from sync_action.backends.github.status import StatusReads
from sync_action.backends.github.transport import Transport, failures
from sync_action.core.errors import Conflict, RemoteError, no_such_ref
from sync_action.core.hosting import (
    Comment,
    CommitInfo,
    Issue,
    PullRequest,
    PullState,
    Refusal,
    RemoteFile,
    SourcePull,
    SyncPull,
)


class GitHubHosting:
    """`Hosting` over GitHub's REST API (github.com, GitHub Enterprise Server, or a local fake).

    Safe to share between threads: each thread gets its own PyGithub client and
    connection pool (one per installation token with a GitHub App); the shared
    state is a cache of default branch names and the app's minted tokens.
    """

    def __init__(self, api_url: str, token: str, **settings: Unpack[Settings]):
        self.t = Transport(api_url, token, **settings)
        self.api_url = self.t.api_url
        self.status = StatusReads(self.t)
        self.reviews = Reviews(self.t, self.create_comment, self.status.own_login)
        self.past = History(self.t, self.read_file)
        self._defaults: dict[str, str] = {}
        self._defaults_lock = threading.Lock()

    @classmethod
    def for_app(
        cls, api_url: str, app_id: str | int, private_key: str, **settings: Unpack[Settings]
    ) -> GitHubHosting:
        """Authenticate as a GitHub App instead of with one token.

        GitHub scopes an installation token to one owner, so each owner's repositories
        get their own, minted on first use. The key is checked here: a malformed one is
        bad input (UsageError) before any request, a key GitHub refuses a RemoteError.
        """
        host = cls(api_url, "", **settings)
        minting = host.t.pygithub()
        # Unlike other POSTs, a token request is safe to repeat: a second token is harmless.
        minting["retry"] = host.t.retry.new(allowed_methods=IDEMPOTENT | {"POST"})
        auth = Auth.AppAuth(str(app_id), pem(private_key))

        def integration() -> GithubIntegration:
            made = GithubIntegration(auth=auth, **minting)
            wire.attach(made.requester, host.t.https)
            return made

        def find_installation(owner: str, name: str) -> int:
            with failures(), integration() as app:
                return int(app.get_repo_installation(owner, name).id)

        def mint(installation: int) -> tuple[str, datetime]:
            with failures(), integration() as app:
                grant = app.get_access_token(installation)
            return grant.token, grant.expires_at

        host.t.app = AppTokens(str(app_id), find_installation, mint)
        return host

    # --- reading ----------------------------------------------------------------------

    def default_branch(self, repo: str) -> str:
        with self._defaults_lock:
            known = self._defaults.get(repo.lower())
        if known:
            return known
        url = f"/repos/{repo}"
        found = self.t.call(
            "reading", repo, lambda: self.t.send(repo, "GET", url, expect=("default_branch",))
        )
        name = str(found["default_branch"])
        self._remember_default(repo, name)
        return name

    def _remember_default(self, repo: str, name: str) -> None:
        with self._defaults_lock:
            self._defaults[repo.lower()] = name

    def read_file(self, repo: str, path: str, ref: str | None) -> RemoteFile:
        where = f"reading {path}" + (f" at {ref}" if ref else "")
        try:
            with failures():
                found = (
                    self.t.repo(repo).get_contents(path, ref)
                    if ref
                    else self.t.repo(repo).get_contents(path)
                )
        except Failure as failure:
            if failure.status != 404:
                self.t.fail(failure, where, repo)
            if ref and answers.NO_COMMIT in failure.message.lower():
                raise no_such_ref(repo, ref) from None
            # A missing file and an invisible repository both answer 404; tell them apart.
            branch = self.default_branch(repo)
            return RemoteFile(repo, path, ref or branch, None, None)
        if not isinstance(found, list):
            self.t.saw(found.raw_headers)
        if not isinstance(found, list) and (found.type is None or found.sha is None):
            url = f"/repos/{repo}/contents/{path}"
            lacking = "type" if found.type is None else "sha"
            said = f"GET {url} with 200 but without `{lacking}`"
            self.t.fail(Failure(200, said, False, {}, unreadable=True), where, repo)
        if isinstance(found, list) or found.type == "dir":
            raise RemoteError(f"{repo}:{path} is a directory, not a file; check peer-path")
        if found.type != "file":
            raise RemoteError(
                f"{repo}:{path} is a {found.type}, not a regular file; check peer-path"
            )
        return RemoteFile(
            repo, path, ref or self._ref_of(repo, found), self._content(repo, found), found.sha
        )

    def _ref_of(self, repo: str, found: ContentFile) -> str:
        """GitHub names the ref it served in the file's `url` (`?ref=main`): the default branch."""
        served = parse_qs(urlsplit(found.url or "").query).get("ref", [""])[0]
        if served:
            self._remember_default(repo, served)
        return served

    def _content(self, repo: str, found: ContentFile) -> bytes:
        """The bytes; files over 1 MB come without content and are fetched as a git blob."""
        if found.encoding == "base64" and (found.content or found.size == 0):
            return base64.b64decode(found.content or "")
        blob = self.t.call(
            f"reading {found.path}", repo, lambda: self.t.repo(repo).get_git_blob(found.sha)
        )
        return (
            base64.b64decode(blob.content) if blob.encoding == "base64" else blob.content.encode()
        )

    def branch_head(self, repo: str, branch: str) -> str | None:
        try:
            with failures():
                url = f"/repos/{repo}/git/ref/heads/{quote(branch)}"
                data = self.t.send(repo, "GET", url, expect=("object.sha",))
        except Failure as failure:
            if failure.status == 404:
                return None
            self.t.fail(failure, f"reading branch {branch}", repo)
        return str(data["object"]["sha"])

    def find_pull(self, repo: str, branch: str) -> PullRequest | None:
        owner = self.t.current_name(repo).split("/")[0]  # GitHub filters by the owner now

        def first() -> PullRequest | None:
            for pull in self.t.repo(repo).get_pulls(state="open", head=f"{owner}:{branch}"):
                if pull.head.ref == branch:
                    return _pull(pull)
            return None

        return self.t.call(f"looking for the open pull request from {branch}", repo, first)

    def pulls_of_commit(self, repo: str, sha: str) -> list[SourcePull]:
        """One request (`GET /repos/{repo}/commits/{sha}/pulls`); the first page is enough."""

        def first_page() -> list[SourcePull]:
            found = self.t.repo(repo).get_commit(sha).get_pulls()  # lazy: no request for it
            return [
                SourcePull(
                    p.number,
                    p.html_url,
                    p.title or "",
                    p.user.login if p.user else "",
                    p.body or "",
                    p.merged_at is not None,
                )
                for p in found.get_page(0)
            ]

        return self.t.call(f"reading the pull requests of commit {sha[:7]}", repo, first_page)

    def find_comment(self, repo: str, number: int, marker: str) -> Comment | None:
        login = self.reviews.comment_author(repo)

        def ours(user: Any) -> bool:
            return login is None or (user is not None and str(user.login).lower() == login.lower())

        def walk() -> Comment | None:
            for item in self.t.repo(repo).get_issue(number).get_comments():
                if (item.body or "").startswith(marker) and ours(item.user):
                    return Comment(item.id, item.body, item.html_url)
            return None

        return self.t.call(f"reading the comments of #{number}", repo, walk)

    # --- writing ----------------------------------------------------------------------

    def create_branch(self, repo: str, branch: str, sha: str) -> None:
        def recover() -> bool | None:
            head = self.branch_head(repo, branch)
            if head is not None and head != sha:
                raise Conflict(f"{repo}: branch {branch} already exists at another commit")
            return True if head == sha else None

        url, body = f"/repos/{repo}/git/refs", {"ref": f"refs/heads/{branch}", "sha": sha}
        self.t.create(
            f"creating branch {branch}",
            repo,
            lambda: bool(self.t.send(repo, "POST", url, body, expect=("object.sha",))),
            recover,
        )

    def reset_branch(self, repo: str, branch: str, sha: str) -> None:
        url = f"/repos/{repo}/git/refs/heads/{quote(branch)}"
        self.t.call(
            f"resetting branch {branch}",
            repo,
            lambda: self.t.raw("PATCH", url, {"sha": sha, "force": True}),
        )

    def delete_branch(self, repo: str, branch: str) -> None:
        """Remove a branch (e.g. one left by a sync that could not open its PR); gone is fine."""
        try:
            with failures():
                self.t.raw("DELETE", f"/repos/{repo}/git/refs/heads/{quote(branch)}")
        except Failure as failure:
            if failure.status != 422 or answers.REF_MISSING not in failure.message.lower():
                self.t.fail(failure, f"deleting branch {branch}", repo)

    def commit_file(
        self, repo: str, branch: str, path: str, content: bytes, message: str, replaces: str | None
    ) -> str:
        url = f"/repos/{repo}/contents/{quote(path)}"
        body = {"message": message, "content": base64.b64encode(content).decode(), "branch": branch}
        if replaces is not None:
            body["sha"] = replaces
        done = self.t.call(
            f"committing {path} to {branch}",
            repo,
            lambda: self.t.send(repo, "PUT", url, body, expect=("commit.sha",)),
            race=True,  # a stale `sha`: someone wrote the file meanwhile
        )
        return str(done["commit"]["sha"])

    def open_pull(self, repo: str, branch: str, base: str, title: str, body: str) -> PullRequest:
        asked = {"title": title, "body": body, "base": base, "head": branch}

        def create() -> PullRequest:
            made = self.t.send(repo, "POST", f"/repos/{repo}/pulls", asked, expect=PULL_KEYS)
            return _pull_from(made)

        def recover() -> PullRequest | None:
            found = self.find_pull(repo, branch)
            return found if found is not None and found.base_ref == base else None

        action = f"opening a pull request from {branch}"
        return self.t.create(action, repo, create, recover)

    def create_comment(self, repo: str, number: int, body: str) -> Comment:
        url = f"/repos/{repo}/issues/{number}/comments"

        def create() -> Comment:
            item = self.t.send(repo, "POST", url, {"body": body}, expect=("id", "html_url"))
            return Comment(int(item["id"]), str(item.get("body") or body), str(item["html_url"]))

        def recover() -> Comment | None:
            found = None
            for item in self.t.repo(repo).get_issue(number).get_comments():
                if item.body == body:
                    found = Comment(item.id, item.body, item.html_url)
            return found

        return self.t.create(f"commenting on #{number}", repo, create, recover)

    # --- the parts' requests, delegated ---------------------------------------------

    def history(self, repo: str, path: str, ref: str | None) -> Iterator[bytes]:
        return self.past.history(repo, path, ref)

    def find_version(self, repo: str, path: str, ref: str | None, blob_sha: str) -> str | None:
        return self.past.find_version(repo, path, ref, blob_sha)

    def file_commits(self, repo: str, path: str, ref: str | None) -> list[str]:
        return self.past.file_commits(repo, path, ref)

    def comment_author(self, repo: str) -> str | None:
        return self.reviews.comment_author(repo)

    def close_pull(self, repo: str, number: int, comment: str) -> None:
        self.reviews.close_pull(repo, number, comment)

    def edit_pull(self, repo: str, number: int, title: str, body: str) -> None:
        self.reviews.edit_pull(repo, number, title, body)

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        self.reviews.add_labels(repo, number, labels)

    def remove_label(self, repo: str, number: int, label: str) -> None:
        self.reviews.remove_label(repo, number, label)

    def request_reviewers(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> list[Refusal]:
        return self.reviews.request_reviewers(repo, number, users, teams)

    def add_assignees(self, repo: str, number: int, users: Sequence[str]) -> list[Refusal]:
        return self.reviews.add_assignees(repo, number, users)

    def edit_comment(self, repo: str, comment_id: int, body: str) -> None:
        self.reviews.edit_comment(repo, comment_id, body)

    def sync_pulls(self, repo: str, branch: str) -> list[SyncPull]:
        return self.status.sync_pulls(repo, branch)

    def pull_state(self, repo: str, number: int) -> PullState:
        return self.status.pull_state(repo, number)

    def pull_commits(self, repo: str, number: int) -> list[CommitInfo]:
        return self.status.pull_commits(repo, number)

    def has_blob(self, repo: str, blob_sha: str) -> bool:
        return self.status.has_blob(repo, blob_sha)

    def last_commit(self, repo: str, path: str, ref: str) -> CommitInfo | None:
        return self.status.last_commit(repo, path, ref)

    def failed_runs(self, repo: str, workflow: str, since: datetime) -> int:
        return self.status.failed_runs(repo, workflow, since)

    def own_login(self, repo: str) -> str:
        return self.status.own_login(repo)

    def find_issue(self, repo: str, marker: str) -> Issue | None:
        return self.status.find_issue(repo, marker)

    def create_issue(self, repo: str, title: str, body: str) -> Issue:
        return self.status.create_issue(repo, title, body)

    def edit_issue(self, repo: str, number: int, body: str, reopen: bool) -> None:
        self.status.edit_issue(repo, number, body, reopen)

    def token_expiration(self) -> str | None:
        return self.t.expiration

    def notices(self) -> list[str]:
        return self.t.notices()


PULL_KEYS = ("number", "html_url", "head.ref", "head.sha", "base.ref")


def _pull_from(item: dict[str, Any]) -> PullRequest:
    """A pull request from GitHub's JSON (checked for `PULL_KEYS`)."""

    def names(key: str, field: str) -> tuple[str, ...]:
        return tuple(str(x.get(field, "")) for x in item.get(key) or [])

    return PullRequest(
        number=int(item["number"]),
        url=str(item["html_url"]),
        head_ref=str(item["head"]["ref"]),
        head_sha=str(item["head"]["sha"]),
        base_ref=str(item["base"]["ref"]),
        title=str(item.get("title") or ""),
        body=str(item.get("body") or ""),
        labels=names("labels", "name"),
        reviewers=names("requested_reviewers", "login"),
        teams=names("requested_teams", "slug"),
        assignees=names("assignees", "login"),
        author=str((item.get("user") or {}).get("login") or ""),
    )


def _pull(pull: GhPull) -> PullRequest:
    return PullRequest(
        number=pull.number,
        url=pull.html_url,
        head_ref=pull.head.ref,
        head_sha=pull.head.sha,
        base_ref=pull.base.ref,
        title=pull.title or "",
        body=pull.body or "",
        labels=tuple(label.name for label in pull.labels),
        reviewers=tuple(user.login for user in pull.requested_reviewers or []),
        teams=tuple(team.slug for team in pull.requested_teams or []),
        assignees=tuple(user.login for user in pull.assignees or []),
        author=pull.user.login if pull.user else "",
    )
