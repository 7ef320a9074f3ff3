"""JSON bodies shaped like GitHub's, every URL built on the base the client used.

PyGithub follows `url` fields and `Link` headers and asserts they stay on the
base URL it was given, so nothing here may name api.github.com or a fixed port.
"""

from __future__ import annotations

import base64
import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import quote

from .gitstore import CommitMeta, Person
from .state import App, Installation, IssueComment, Label, Pull, Repo, Token, now_iso

DOCS = "https://docs.github.com/rest"
UNSIGNED = {
    "verified": False,
    "reason": "unsigned",
    "signature": None,
    "payload": None,
    "verified_at": None,
}


@dataclass(frozen=True)
class Urls:
    """The two bases of one client: `api` (with /api/v3) and `web` (html_url, git)."""

    api: str
    web: str

    def repo(self, repo: Repo) -> str:
        return f"{self.api}/repos/{repo.full_name}"

    def html(self, repo: Repo) -> str:
        return f"{self.web}/{repo.full_name}"


def node_id(kind: str, key: object) -> str:
    return base64.b64encode(f"{kind}:{key}".encode()).decode().rstrip("=")


def user_id(login: str) -> int:
    return int(hashlib.sha1(login.encode()).hexdigest()[:7], 16)


def b64_lines(data: bytes) -> str:
    """Base64 the way GitHub sends file content: lines of 60 characters, each ending in \\n."""
    text = base64.b64encode(data).decode()
    return "".join(text[i : i + 60] + "\n" for i in range(0, len(text), 60))


def git_date(person: Person) -> str:
    if not person.date:
        return now_iso()
    return datetime.fromtimestamp(int(person.date.split()[0]), UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def error(message: str, docs: str = DOCS, status: int | None = None, **extra: Any) -> dict:
    body: dict[str, Any] = {"message": message, "documentation_url": docs}
    if status is not None:
        body["status"] = str(status)
    body.update(extra)
    return body


def user(urls: Urls, login: str, kind: str = "User") -> dict:
    api = f"{urls.api}/users/{login}"
    return {
        "login": login,
        "id": user_id(login),
        "node_id": node_id("User", login),
        "avatar_url": f"{urls.web}/avatars/{login}",
        "gravatar_id": "",
        "url": api,
        "html_url": f"{urls.web}/{login}",
        "followers_url": f"{api}/followers",
        "following_url": f"{api}/following{{/other_user}}",
        "gists_url": f"{api}/gists{{/gist_id}}",
        "starred_url": f"{api}/starred{{/owner}}{{/repo}}",
        "subscriptions_url": f"{api}/subscriptions",
        "organizations_url": f"{api}/orgs",
        "repos_url": f"{api}/repos",
        "events_url": f"{api}/events{{/privacy}}",
        "received_events_url": f"{api}/received_events",
        "type": kind,
        "site_admin": False,
    }


def repository(urls: Urls, repo: Repo) -> dict:
    """Fields of both `repository` and `full-repository`."""
    api, html = urls.repo(repo), urls.html(repo)
    templated = {
        "archive_url": "{archive_format}{/ref}",
        "assignees_url": "assignees{/user}",
        "blobs_url": "git/blobs{/sha}",
        "branches_url": "branches{/branch}",
        "collaborators_url": "collaborators{/collaborator}",
        "comments_url": "comments{/number}",
        "commits_url": "commits{/sha}",
        "compare_url": "compare/{base}...{head}",
        "contents_url": "contents/{+path}",
        "git_commits_url": "git/commits{/sha}",
        "git_refs_url": "git/refs{/sha}",
        "git_tags_url": "git/tags{/sha}",
        "issue_comment_url": "issues/comments{/number}",
        "issue_events_url": "issues/events{/number}",
        "issues_url": "issues{/number}",
        "keys_url": "keys{/key_id}",
        "labels_url": "labels{/name}",
        "milestones_url": "milestones{/number}",
        "notifications_url": "notifications{?since,all,participating}",
        "pulls_url": "pulls{/number}",
        "releases_url": "releases{/id}",
        "statuses_url": "statuses/{sha}",
        "trees_url": "git/trees{/sha}",
    }
    plain = [
        "contributors",
        "deployments",
        "downloads",
        "events",
        "forks",
        "hooks",
        "languages",
        "merges",
        "stargazers",
        "subscribers",
        "subscription",
        "tags",
        "teams",
    ]
    body: dict[str, Any] = {
        "id": repo.id,
        "node_id": node_id("Repository", repo.id),
        "name": repo.name,
        "full_name": repo.full_name,
        "owner": user(urls, repo.owner, "Organization"),
        "private": repo.private,
        "visibility": "private" if repo.private else "public",
        "html_url": html,
        "description": repo.description,
        "fork": False,
        "url": api,
        "clone_url": f"{html}.git",
        "git_url": f"{html}.git".replace("http://", "git://", 1),
        "ssh_url": f"git@{urls.web.split('://', 1)[1]}:{repo.full_name}.git",
        "svn_url": html,
        "mirror_url": None,
        "homepage": None,
        "language": None,
        "default_branch": repo.default_branch,
        "archived": repo.archived,
        "disabled": False,
        "license": None,
        "size": 0,
        "created_at": repo.created_at,
        "updated_at": repo.created_at,
        "pushed_at": repo.created_at,
        "permissions": {
            "admin": False,
            "maintain": False,
            "push": True,
            "triage": True,
            "pull": True,
        },
    }
    for key, suffix in templated.items():
        body[key] = f"{api}/{suffix}"
    for name in plain:
        body[f"{name}_url"] = f"{api}/{name}"
    counts = [
        "forks",
        "forks_count",
        "open_issues",
        "open_issues_count",
        "stargazers_count",
        "watchers",
        "watchers_count",
        "network_count",
        "subscribers_count",
    ]
    body.update(dict.fromkeys(counts, 0))
    open_pulls = sum(1 for p in repo.pulls.values() if p.state == "open")
    body.update(open_issues=open_pulls, open_issues_count=open_pulls)
    flags = ["has_issues", "has_projects", "has_wiki", "has_downloads", "has_discussions"]
    body.update(dict.fromkeys(flags, True))
    body["has_pages"] = False
    body.update(
        allow_forking=True,
        is_template=False,
        web_commit_signoff_required=False,
        topics=[],
        temp_clone_token="",
        allow_squash_merge=True,
        allow_merge_commit=True,
        allow_rebase_merge=True,
        allow_auto_merge=False,
        delete_branch_on_merge=False,
        allow_update_branch=False,
        use_squash_pr_title_as_default=False,
        organization=body["owner"],
    )
    return body


def git_user(person: Person) -> dict:
    return {"name": person.name, "email": person.email, "date": git_date(person)}


def commit(urls: Urls, repo: Repo, meta: CommitMeta, login: str = "github-actions[bot]") -> dict:
    """The `commit` schema (list commits, branch heads)."""
    api = urls.repo(repo)
    return {
        "url": f"{api}/commits/{meta.sha}",
        "sha": meta.sha,
        "node_id": node_id("Commit", meta.sha),
        "html_url": f"{urls.html(repo)}/commit/{meta.sha}",
        "comments_url": f"{api}/commits/{meta.sha}/comments",
        "commit": {
            "url": f"{api}/git/commits/{meta.sha}",
            "author": git_user(meta.author),
            "committer": git_user(meta.committer),
            "message": meta.message,
            "tree": {"sha": meta.tree, "url": f"{api}/git/trees/{meta.tree}"},
            "comment_count": 0,
            "verification": UNSIGNED,
        },
        "author": user(urls, login),
        "committer": user(urls, login),
        "parents": [parent_link(urls, repo, p) for p in meta.parents],
    }


def parent_link(urls: Urls, repo: Repo, sha: str) -> dict:
    return {
        "sha": sha,
        "url": f"{urls.repo(repo)}/commits/{sha}",
        "html_url": f"{urls.html(repo)}/commit/{sha}",
    }


def git_commit(urls: Urls, repo: Repo, meta: CommitMeta) -> dict:
    """The `commit` part of a contents write (file-commit)."""
    api = urls.repo(repo)
    return {
        "sha": meta.sha,
        "node_id": node_id("Commit", meta.sha),
        "url": f"{api}/git/commits/{meta.sha}",
        "html_url": f"{urls.html(repo)}/commit/{meta.sha}",
        "author": git_user(meta.author),
        "committer": git_user(meta.committer),
        "message": meta.message,
        "tree": {"sha": meta.tree, "url": f"{api}/git/trees/{meta.tree}"},
        "parents": [parent_link(urls, repo, p) for p in meta.parents],
        "verification": UNSIGNED,
    }


def content_links(urls: Urls, repo: Repo, path: str, ref: str, sha: str, kind: str) -> dict:
    api, html = urls.repo(repo), urls.html(repo)
    quoted = quote(path)
    self_url = f"{api}/contents/{quoted}?ref={quote(ref, safe='')}"
    git_url = f"{api}/git/{'trees' if kind == 'dir' else 'blobs'}/{sha}"
    html_url = f"{html}/{'tree' if kind == 'dir' else 'blob'}/{quote(ref)}/{quoted}"
    return {
        "url": self_url,
        "git_url": git_url,
        "html_url": html_url,
        "download_url": f"{urls.web}/raw/{repo.full_name}/{quote(ref)}/{quoted}"
        if kind == "file"
        else None,
        "_links": {"self": self_url, "git": git_url, "html": html_url},
    }


def content_entry(
    urls: Urls, repo: Repo, ref: str, path: str, sha: str, size: int, kind: str
) -> dict:
    body = {"type": kind, "size": size, "name": path.rsplit("/", 1)[-1], "path": path, "sha": sha}
    body.update(content_links(urls, repo, path, ref, sha, kind))
    return body


def content_file(urls: Urls, repo: Repo, ref: str, path: str, sha: str, data: bytes) -> dict:
    body = content_entry(urls, repo, ref, path, sha, len(data), "file")
    if len(data) > 1024 * 1024:
        # Files over 1 MB come without content; clients fetch the blob.
        body.update(content="", encoding="none")
    else:
        body.update(content=b64_lines(data), encoding="base64")
    return body


def git_ref(urls: Urls, repo: Repo, branch: str, sha: str) -> dict:
    ref = f"refs/heads/{branch}"
    return {
        "ref": ref,
        "node_id": node_id("Ref", f"{repo.id}:{ref}"),
        "url": f"{urls.repo(repo)}/git/{quote(ref)}",
        "object": {"type": "commit", "sha": sha, "url": f"{urls.repo(repo)}/git/commits/{sha}"},
    }


def branch(urls: Urls, repo: Repo, name: str, meta: CommitMeta) -> dict:
    api = urls.repo(repo)
    return {
        "name": name,
        "commit": commit(urls, repo, meta),
        "_links": {
            "self": f"{api}/branches/{quote(name)}",
            "html": f"{urls.html(repo)}/tree/{quote(name)}",
        },
        "protected": False,
        "protection": {
            "enabled": False,
            "required_status_checks": {"enforcement_level": "off", "contexts": [], "checks": []},
        },
        "protection_url": f"{api}/branches/{quote(name)}/protection",
    }


def blob(urls: Urls, repo: Repo, sha: str, data: bytes) -> dict:
    return {
        "sha": sha,
        "node_id": node_id("Blob", sha),
        "size": len(data),
        "url": f"{urls.repo(repo)}/git/blobs/{sha}",
        "content": b64_lines(data),
        "encoding": "base64",
    }


def label(urls: Urls, repo: Repo, item: Label) -> dict:
    return {
        "id": item.id,
        "node_id": node_id("Label", item.id),
        "url": f"{urls.repo(repo)}/labels/{quote(item.name, safe='')}",
        "name": item.name,
        "color": item.color,
        "description": item.description,
        "default": item.default,
    }


def comment(urls: Urls, repo: Repo, item: IssueComment) -> dict:
    api = urls.repo(repo)
    return {
        "id": item.id,
        "node_id": node_id("IssueComment", item.id),
        "url": f"{api}/issues/comments/{item.id}",
        "html_url": f"{urls.html(repo)}/pull/{item.number}#issuecomment-{item.id}",
        "body": item.body,
        "user": user(urls, item.user, "Bot" if item.user.endswith("[bot]") else "User"),
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "issue_url": f"{api}/issues/{item.number}",
        "author_association": "NONE",
    }


def pull(urls: Urls, repo: Repo, item: Pull, full: bool) -> dict:
    """`pull-request` (full=True: one pull) or `pull-request-simple` (listings)."""
    api, html = urls.repo(repo), urls.html(repo)
    pr_api, pr_html = f"{api}/pulls/{item.number}", f"{html}/pull/{item.number}"
    head_sha = repo.head_sha(item)
    links = {
        "self": pr_api,
        "html": pr_html,
        "issue": f"{api}/issues/{item.number}",
        "comments": f"{api}/issues/{item.number}/comments",
        "review_comments": f"{pr_api}/comments",
        "review_comment": f"{api}/pulls/comments{{/number}}",
        "commits": f"{pr_api}/commits",
        "statuses": f"{api}/statuses/{head_sha}",
    }
    body: dict[str, Any] = {
        "url": pr_api,
        "id": item.id,
        "node_id": node_id("PullRequest", item.id),
        "html_url": pr_html,
        "diff_url": f"{pr_html}.diff",
        "patch_url": f"{pr_html}.patch",
        "issue_url": links["issue"],
        "commits_url": links["commits"],
        "review_comments_url": links["review_comments"],
        "review_comment_url": links["review_comment"],
        "comments_url": links["comments"],
        "statuses_url": links["statuses"],
        "number": item.number,
        "state": item.state,
        "locked": False,
        "title": item.title,
        "user": user(urls, item.user, "Bot" if item.user.endswith("[bot]") else "User"),
        "body": item.body,
        "labels": [label(urls, repo, found) for name in item.labels if (found := repo.label(name))],
        "milestone": None,
        "active_lock_reason": None,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "closed_at": item.closed_at,
        "merged_at": item.merged_at,
        "merge_commit_sha": item.merge_commit_sha,
        "assignee": user(urls, item.assignees[0]) if item.assignees else None,
        "assignees": [user(urls, login) for login in item.assignees],
        "requested_reviewers": [user(urls, login) for login in item.requested_reviewers],
        "requested_teams": [team(urls, repo, slug, full=not full) for slug in item.requested_teams],
        "head": side(urls, repo, item.head, head_sha),
        "base": side(urls, repo, item.base, repo.git.branch_sha(item.base) or ""),
        "_links": {key: {"href": value} for key, value in links.items()},
        "author_association": "NONE",
        "auto_merge": None,
        "draft": item.draft,
    }
    if full:
        body.update(
            merged=item.merged_at is not None,
            mergeable=item.mergeable,
            rebaseable=item.mergeable,
            mergeable_state=item.mergeable_state,
            merged_by=user(urls, repo.owner) if item.merged_at else None,
            comments=sum(1 for c in repo.comments.values() if c.number == item.number),
            review_comments=0,
            maintainer_can_modify=False,
            commits=_count(repo, item),
            additions=0,
            deletions=0,
            changed_files=0,
        )
    return body


def team(urls: Urls, repo: Repo, slug: str, full: bool) -> dict:
    """`team` (full=True, in listings) or `team-simple` (in one pull request)."""
    number = repo.teams[slug]
    api = f"{urls.api}/organizations/{user_id(repo.owner)}/team/{number}"
    body: dict[str, Any] = {
        "id": number,
        "node_id": node_id("Team", number),
        "url": api,
        "members_url": f"{api}/members{{/member}}",
        "name": slug,
        "slug": slug,
        "description": None,
        "permission": "push",
        "privacy": "closed",
        "notification_setting": "notifications_enabled",
        "html_url": f"{urls.web}/orgs/{repo.owner}/teams/{slug}",
        "repositories_url": f"{api}/repos",
        "type": "organization",
    }
    if full:
        body.update(
            parent=None,
            permissions={
                "pull": True,
                "triage": True,
                "push": True,
                "maintain": False,
                "admin": False,
            },
        )
    return body


def issue(urls: Urls, repo: Repo, item: Pull) -> dict:
    """`issue`: a pull request seen through the Issues API."""
    api, html = urls.repo(repo), urls.html(repo)
    url = f"{api}/issues/{item.number}"
    return {
        "id": item.id,
        "node_id": node_id("Issue", item.id),
        "url": url,
        "repository_url": api,
        "labels_url": f"{url}/labels{{/name}}",
        "comments_url": f"{url}/comments",
        "events_url": f"{url}/events",
        "html_url": f"{html}/pull/{item.number}",
        "number": item.number,
        "state": item.state,
        "title": item.title,
        "body": item.body,
        "user": user(urls, item.user, "Bot" if item.user.endswith("[bot]") else "User"),
        "labels": [label(urls, repo, found) for name in item.labels if (found := repo.label(name))],
        "assignee": user(urls, item.assignees[0]) if item.assignees else None,
        "assignees": [user(urls, login) for login in item.assignees],
        "milestone": None,
        "locked": False,
        "comments": sum(1 for c in repo.comments.values() if c.number == item.number),
        "pull_request": {
            "url": f"{api}/pulls/{item.number}",
            "html_url": f"{html}/pull/{item.number}",
            "diff_url": f"{html}/pull/{item.number}.diff",
            "patch_url": f"{html}/pull/{item.number}.patch",
            "merged_at": None,
        },
        "closed_at": item.closed_at,
        "created_at": item.created_at,
        "updated_at": item.updated_at,
        "author_association": "NONE",
        **issue_extras(url),
    }


def issue_extras(issue_url: str) -> dict[str, Any]:
    """What GitHub's issues carry besides the basics (paginate-issues recording)."""
    reactions = dict.fromkeys(("+1", "-1", "laugh", "hooray", "confused", "heart", "rocket"), 0)
    return {
        "active_lock_reason": None,
        "timeline_url": f"{issue_url}/timeline",
        "performed_via_github_app": None,
        "state_reason": None,
        "reactions": {"url": f"{issue_url}/reactions", "total_count": 0, **reactions, "eyes": 0},
    }


def _count(repo: Repo, item: Pull) -> int:
    head = repo.head_sha(item)
    base = repo.git.branch_sha(item.base)
    return repo.git.count_between(base, head) if head and base else 0


def side(urls: Urls, repo: Repo, name: str, sha: str) -> dict:
    return {
        "label": f"{repo.owner}:{name}",
        "ref": name,
        "sha": sha,
        "user": user(urls, repo.owner, "Organization"),
        "repo": repository(urls, repo),
    }


def rate_limit(limit: int, used: int, reset: int) -> dict:
    core = {"limit": limit, "used": used, "remaining": max(limit - used, 0), "reset": reset}
    other = {"limit": 30, "used": 0, "remaining": 30, "reset": reset}
    return {"resources": {"core": core, "search": other, "graphql": dict(core)}, "rate": core}


# What the apps in the local GitHub are granted: what schema-sync needs, no more.
APP_PERMISSIONS = {
    "contents": "write",
    "pull_requests": "write",
    "issues": "write",
    "metadata": "read",
}


def installation(urls: Urls, app: App, item: Installation) -> dict:
    settings = f"organizations/{item.owner}/settings" if item.kind == "Organization" else "settings"
    return {
        "id": item.id,
        "account": user(urls, item.owner, item.kind),
        "repository_selection": "all",
        "access_tokens_url": f"{urls.api}/app/installations/{item.id}/access_tokens",
        "repositories_url": f"{urls.api}/installation/repositories",
        "html_url": f"{urls.web}/{settings}/installations/{item.id}",
        "app_id": app.id,
        "app_slug": app.slug,
        "client_id": f"Iv1.{app.id:016x}",
        "target_id": user_id(item.owner),
        "target_type": item.kind,
        "permissions": dict(APP_PERMISSIONS),
        "events": [],
        "created_at": item.created_at,
        "updated_at": item.created_at,
        "single_file_name": None,
        "has_multiple_single_files": False,
        "single_file_paths": [],
        "suspended_by": None,
        "suspended_at": None,
    }


def installation_token(token: Token) -> dict:
    assert token.expires_at is not None
    expires = datetime.fromtimestamp(token.expires_at, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {
        "token": token.value,
        "expires_at": expires,
        "permissions": dict(APP_PERMISSIONS),
        "repository_selection": "all",
    }
