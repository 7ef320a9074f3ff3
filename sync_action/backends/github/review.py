"""The part of `GitHubHosting` that edits pull requests and comments with plain REST
requests: title and body, labels on and off, reviewers and assignees asked for. No
PyGithub here; the requests go through the `Transport` handed over."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any
from urllib.parse import quote

from sync_action.backends.github.transport import Transport
from sync_action.core.hosting import Comment, Refusal

ACTIONS_BOT = "github-actions[bot]"  # who writes with a workflow's GITHUB_TOKEN


class Reviews:
    """Edits of pull requests and comments; `create_comment` and `own_login` are the
    hosting's (a comment is created never doubled; the login is asked once a run)."""

    def __init__(
        self,
        transport: Transport,
        create_comment: Callable[[str, int, str], Comment],
        own_login: Callable[[str], str],
    ):
        self.t = transport
        self.create_comment = create_comment
        self.own_login = own_login
        self._login: str | None = None

    def close_pull(self, repo: str, number: int, comment: str) -> None:
        self.create_comment(repo, number, comment)
        self.t.call(
            f"closing pull request #{number}",
            repo,
            lambda: self.t.raw("PATCH", f"/repos/{repo}/pulls/{number}", {"state": "closed"}),
        )

    def comment_author(self, repo: str) -> str | None:
        """The account this hosting writes as, so that only its own comments are edited.

        A workflow's GITHUB_TOKEN (an installation token, `ghs_`) writes as
        github-actions[bot], and GitHub does not answer `GET /user` for it; a personal
        access token's account is what `GET /user` answers (one request, once per run).
        With a GitHub App (`app-id`) None: its `<slug>[bot]` account is not known without
        the app's own credentials, so a comment with the marker is taken as the action's.
        """
        if self.t.app is not None:
            return None
        if self.t.token.startswith("ghs_"):
            return ACTIONS_BOT
        if self._login is None:
            self._login = self.own_login(repo)
        return self._login

    def remove_label(self, repo: str, number: int, label: str) -> None:
        """One request; a label that is no longer there (404) is fine."""
        url = f"/repos/{repo}/issues/{number}/labels/{quote(label, safe='')}"
        failure = self.t.attempt("DELETE", url)
        if failure is not None and failure.status != 404:
            self.t.fail(failure, f"removing label {label} from #{number}", repo)

    def request_reviewers(
        self, repo: str, number: int, users: Sequence[str], teams: Sequence[str]
    ) -> list[Refusal]:
        """One request; when GitHub refuses it (422: someone is not a collaborator), each
        name is asked alone, so the others are still requested."""
        if not users and not teams:
            return []
        asks = [(u, {"reviewers": [u]}) for u in users]
        asks += [(f"team {t}", {"team_reviewers": [t]}) for t in teams]
        whole = {"reviewers": list(users), "team_reviewers": list(teams)}
        said = self._review_request(repo, number, whole)
        if said is None:
            return []
        if len(asks) == 1:
            return [Refusal(asks[0][0], said)]
        refused = []
        for name, body in asks:
            said = self._review_request(repo, number, body)
            if said is not None:
                refused.append(Refusal(name, said))
        return refused

    def _review_request(self, repo: str, number: int, body: dict[str, Any]) -> str | None:
        """None when GitHub took the request, else what it said (422 only; others raise)."""
        url = f"/repos/{repo}/pulls/{number}/requested_reviewers"
        failure = self.t.attempt("POST", url, body)
        if failure is None:
            return None
        if failure.status != 422:
            self.t.fail(failure, f"requesting reviews on #{number}", repo)
        return str(failure.message)

    def add_assignees(self, repo: str, number: int, users: Sequence[str]) -> list[Refusal]:
        """One request; GitHub silently skips users who cannot be assigned, so the answer
        is compared with the request."""
        if not users:
            return []
        url = f"/repos/{repo}/issues/{number}/assignees"
        data = self.t.create(
            f"assigning #{number}",
            repo,
            lambda: self.t.raw("POST", url, {"assignees": list(users)}),
            lambda: None,
        )
        got = {str(a.get("login", "")).lower() for a in (data or {}).get("assignees") or []}
        return [
            Refusal(u, f"GitHub did not assign {u}: not a collaborator of {repo}")
            for u in users
            if u.lower() not in got
        ]

    def edit_pull(self, repo: str, number: int, title: str, body: str) -> None:
        self.t.call(
            f"updating pull request #{number}",
            repo,
            lambda: self.t.raw(
                "PATCH", f"/repos/{repo}/pulls/{number}", {"title": title, "body": body}
            ),
        )

    def add_labels(self, repo: str, number: int, labels: Sequence[str]) -> None:
        """One request: GitHub creates the labels the repository lacks. Adding is idempotent."""
        if not labels:
            return
        url = f"/repos/{repo}/issues/{number}/labels"
        self.t.create(
            f"labelling pull request #{number}",
            repo,
            lambda: self.t.raw("POST", url, {"labels": list(labels)}),
            lambda: None,
        )

    def edit_comment(self, repo: str, comment_id: int, body: str) -> None:
        url = f"/repos/{repo}/issues/comments/{comment_id}"
        self.t.call("updating a comment", repo, lambda: self.t.raw("PATCH", url, {"body": body}))
