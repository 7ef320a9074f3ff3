"""What the fake GitHub knows besides git objects: repositories, tokens, pulls, comments, labels."""

from __future__ import annotations

import itertools
import secrets
import string
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .gitstore import GitRepo, Person

SEED_AUTHOR = Person("Local GitHub", "seed@localgithub.invalid")
API_COMMITTER = Person("GitHub", "noreply@github.com")
TOKEN_LIFETIME = 3600  # installation tokens expire after an hour


def now_iso() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@dataclass
class Label:
    id: int
    name: str
    color: str = "ededed"
    description: str | None = None
    default: bool = False


@dataclass
class IssueComment:
    id: int
    number: int
    body: str
    user: str
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)


@dataclass
class Pull:
    """A pull request between two branches of one repository."""

    id: int
    number: int
    title: str
    body: str | None
    head: str
    base: str
    user: str
    state: str = "open"
    draft: bool = False
    labels: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    closed_at: str | None = None
    closed_head_sha: str | None = None
    merged_at: str | None = None
    merge_commit_sha: str | None = None
    mergeable: bool | None = None  # None: GitHub has not computed it yet
    mergeable_state: str = "unknown"
    requested_reviewers: list[str] = field(default_factory=list)
    requested_teams: list[str] = field(default_factory=list)
    assignees: list[str] = field(default_factory=list)


@dataclass
class Review:
    id: int
    number: int
    user: str
    state: str  # APPROVED, CHANGES_REQUESTED, COMMENTED, DISMISSED, PENDING
    commit_id: str
    body: str = ""
    submitted_at: str = field(default_factory=now_iso)


@dataclass
class Issue:
    """A plain issue (pull requests live in `Repo.pulls`; both share the numbers)."""

    id: int
    number: int
    title: str
    body: str | None
    user: str
    state: str = "open"
    labels: list[str] = field(default_factory=list)
    created_at: str = field(default_factory=now_iso)
    updated_at: str = field(default_factory=now_iso)
    closed_at: str | None = None


@dataclass
class WorkflowRun:
    id: int
    run_number: int
    workflow: str  # the workflow's file name, e.g. schema-sync.yml
    head_branch: str
    head_sha: str
    event: str = "push"
    status: str = "completed"
    conclusion: str | None = "success"
    created_at: str = field(default_factory=now_iso)


@dataclass
class Repo:
    owner: str
    name: str
    id: int
    git: GitRepo
    default_branch: str
    private: bool = False
    archived: bool = False
    actions_can_create_prs: bool = True
    description: str | None = None
    created_at: str = field(default_factory=now_iso)
    pulls: dict[int, Pull] = field(default_factory=dict)
    comments: dict[int, IssueComment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    issues: dict[int, Issue] = field(default_factory=dict)
    reviews: list[Review] = field(default_factory=list)
    runs: list[WorkflowRun] = field(default_factory=list)
    next_number: int = 1
    collaborators: set[str] = field(default_factory=set)  # lower-cased logins with push access
    teams: dict[str, int] = field(default_factory=dict)  # slug -> id of the owner's teams here

    @property
    def full_name(self) -> str:
        return f"{self.owner}/{self.name}"

    def label(self, name: str) -> Label | None:
        return self.labels.get(name.lower())

    def head_sha(self, pull: Pull) -> str:
        """A pull's head commit: the live branch while open, as it was when closed."""
        live = self.git.branch_sha(pull.head)
        return live or pull.closed_head_sha or ""


@dataclass
class Token:
    value: str
    login: str
    repos: dict[str, str] | None  # lower-cased owner/name -> "read" | "write"; None: all, write
    owner: str | None = None  # an installation token: write to every repository of this owner
    expires_at: float | None = None  # epoch seconds; None: never
    # What GitHub sends as `github-authentication-token-expiration` (a PAT with an expiry).
    expiration_header: str | None = None

    def permission(self, repo: Repo) -> str | None:
        if self.owner is not None:
            return "write" if repo.owner.lower() == self.owner.lower() else None
        if self.repos is None:
            return "write"
        return self.repos.get(repo.full_name.lower())

    def expired(self, now: float) -> bool:
        return self.expires_at is not None and now >= self.expires_at


@dataclass
class Installation:
    """A GitHub App installed on one owner (user or organisation), on all its repositories."""

    id: int
    owner: str
    kind: str  # "Organization" or "User"
    created_at: str = field(default_factory=now_iso)


@dataclass
class App:
    """A GitHub App: the public half of its key verifies the JWTs it signs."""

    id: int
    slug: str
    public_key_pem: str
    installations: dict[str, Installation] = field(default_factory=dict)  # lower-cased owner
    token_lifetime: float = TOKEN_LIFETIME  # GitHub's hour; shorter to exercise a refresh

    @property
    def login(self) -> str:
        return f"{self.slug}[bot]"

    def installation(self, installation_id: int) -> Installation | None:
        found = [i for i in self.installations.values() if i.id == installation_id]
        return found[0] if found else None


class Store:
    """All server state; `lock` serialises handlers so each request sees a consistent world."""

    def __init__(self, root: Path):
        self.root = root
        self.lock = threading.RLock()
        self.repos: dict[str, Repo] = {}
        self.tokens: dict[str, Token] = {}
        self.apps: dict[int, App] = {}
        self.moved: dict[str, int] = {}  # a renamed repository's old lower-cased name -> id
        self._ids = itertools.count(1000)

    def next_id(self) -> int:
        return next(self._ids)

    def find(self, full_name: str) -> Repo | None:
        return self.repos.get(full_name.lower())

    def get(self, full_name: str) -> Repo:
        repo = self.find(full_name)
        if repo is None:
            raise KeyError(f"no repository {full_name} in the local GitHub")
        return repo

    def add_repo(
        self, full_name: str, default_branch: str, private: bool, archived: bool, can_pr: bool
    ) -> Repo:
        owner, name = full_name.split("/")
        git = GitRepo.init(self.root / owner / f"{name}.git", default_branch)
        repo = Repo(owner, name, self.next_id(), git, default_branch, private, archived, can_pr)
        self.repos[full_name.lower()] = repo
        return repo

    def mint(self, app: App, installation: Installation) -> Token:
        """A fresh installation token: write access to the owner's repositories, an hour long."""
        alphabet = string.ascii_letters + string.digits
        value = "ghs_" + "".join(secrets.choice(alphabet) for _ in range(36))
        token = Token(
            value,
            app.login,
            None,
            owner=installation.owner,
            expires_at=time.time() + app.token_lifetime,
        )
        self.tokens[value] = token
        return token

    def ensure_label(self, repo: Repo, name: str, color: str = "ededed") -> Label:
        label = repo.label(name)
        if label is None:
            label = Label(self.next_id(), name, color)
            repo.labels[name.lower()] = label
        return label
