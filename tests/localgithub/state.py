"""What the fake GitHub knows besides git objects: repositories, tokens, pulls, comments, labels."""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from .gitstore import GitRepo, Person

SEED_AUTHOR = Person("Local GitHub", "seed@localgithub.invalid")
API_COMMITTER = Person("GitHub", "noreply@github.com")


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
    created_at: str = field(default_factory=now_iso)
    pulls: dict[int, Pull] = field(default_factory=dict)
    comments: dict[int, IssueComment] = field(default_factory=dict)
    labels: dict[str, Label] = field(default_factory=dict)
    next_number: int = 1

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

    def permission(self, repo: Repo) -> str | None:
        if self.repos is None:
            return "write"
        return self.repos.get(repo.full_name.lower())


class Store:
    """All server state; `lock` serialises handlers so each request sees a consistent world."""

    def __init__(self, root: Path):
        self.root = root
        self.lock = threading.RLock()
        self.repos: dict[str, Repo] = {}
        self.tokens: dict[str, Token] = {}
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

    def ensure_label(self, repo: Repo, name: str, color: str = "ededed") -> Label:
        label = repo.label(name)
        if label is None:
            label = Label(self.next_id(), name, color)
            repo.labels[name.lower()] = label
        return label
