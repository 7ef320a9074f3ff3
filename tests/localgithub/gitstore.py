"""Bare git repositories driven through git plumbing.

The fake keeps every commit, tree, blob and ref as a real git object, so what
the action writes through the REST API can be checked with the real git (and
what a test pushes over HTTP is seen by the REST API at once).
"""

from __future__ import annotations

import os
import subprocess
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

ZERO_SHA = "0" * 40

# Plumbing must not depend on the machine's git configuration (signing, hooks, ...).
GIT_ENV = {
    "GIT_CONFIG_NOSYSTEM": "1",
    "GIT_CONFIG_GLOBAL": os.devnull,
    "GIT_LITERAL_PATHSPECS": "1",
    "GIT_TERMINAL_PROMPT": "0",
    "LC_ALL": "C",
}


class GitError(RuntimeError):
    """A git command failed; carries stderr so a broken fake is easy to diagnose."""


@dataclass(frozen=True)
class Person:
    name: str
    email: str
    date: str = ""  # git's "<epoch> <tz>" form; empty means now


@dataclass(frozen=True)
class Entry:
    """One tree entry: mode, type (blob/tree/commit), object id, size (blobs only), name."""

    mode: str
    type: str
    sha: str
    size: int
    path: str


@dataclass(frozen=True)
class CommitMeta:
    sha: str
    tree: str
    parents: tuple[str, ...]
    author: Person
    committer: Person
    message: str


def git_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    """The environment for every git child process: isolated from user config."""
    env = dict(os.environ)
    env.update(GIT_ENV)
    if extra:
        env.update(extra)
    return env


class GitRepo:
    """A bare repository on disk; all writes go through plumbing commands."""

    def __init__(self, path: Path):
        self.path = path

    @classmethod
    def init(cls, path: Path, default_branch: str) -> GitRepo:
        path.parent.mkdir(parents=True, exist_ok=True)
        repo = cls(path)
        repo.git("init", "--bare", "--quiet", f"--initial-branch={default_branch}", str(path))
        repo.git("config", "http.receivepack", "true")
        repo.git("config", "receive.denyDeletes", "false")
        return repo

    def git(
        self,
        *args: str,
        stdin: bytes | None = None,
        env: Mapping[str, str] | None = None,
        check: bool = True,
    ) -> subprocess.CompletedProcess[bytes]:
        cmd = ["git", *args] if args[0] == "init" else ["git", "--git-dir", str(self.path), *args]
        done = subprocess.run(cmd, input=stdin, capture_output=True, env=git_env(env), check=False)
        if check and done.returncode != 0:
            raise GitError(f"{' '.join(cmd)}: {done.stderr.decode(errors='replace').strip()}")
        return done

    def out(self, *args: str, stdin: bytes | None = None) -> str:
        return self.git(*args, stdin=stdin).stdout.decode().strip()

    # --- reading -------------------------------------------------------------

    def resolve(self, ref: str) -> str | None:
        """The commit a branch, tag or SHA names, or None."""
        if not ref or ref.startswith("-"):
            return None
        done = self.git("rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def branch_sha(self, branch: str) -> str | None:
        done = self.git("rev-parse", "--verify", "--quiet", f"refs/heads/{branch}", check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def branches(self) -> list[str]:
        text = self.out("for-each-ref", "--format=%(refname:strip=2)", "refs/heads")
        return [line for line in text.splitlines() if line]

    def object_type(self, sha: str) -> str | None:
        done = self.git("cat-file", "-t", sha, check=False)
        return done.stdout.decode().strip() if done.returncode == 0 else None

    def entry(self, commit: str, path: str) -> Entry | None:
        """The tree entry at `path` in `commit` (a file or a directory), or None."""
        path = path.strip("/")
        if not path:
            tree = self.out("rev-parse", f"{commit}^{{tree}}")
            return Entry("040000", "tree", tree, 0, "")
        entries = self._ls_tree(commit, path)
        return entries[0] if entries and entries[0].path == path else None

    def list_dir(self, commit: str, path: str) -> list[Entry]:
        """Entries of the directory at `path` (paths relative to the root)."""
        path = path.strip("/")
        spec = f"{commit}:{path}" if path else commit
        prefix = f"{path}/" if path else ""
        return [
            Entry(e.mode, e.type, e.sha, e.size, prefix + e.path) for e in self._ls_tree(spec, None)
        ]

    def _ls_tree(self, treeish: str, path: str | None) -> list[Entry]:
        args = ["ls-tree", "-z", "--long", treeish]
        if path is not None:
            args += ["--", path]
        raw = self.git(*args).stdout.decode()
        entries = []
        for item in filter(None, raw.split("\0")):
            meta, name = item.split("\t", 1)
            mode, kind, sha, size = meta.split()
            entries.append(Entry(mode, kind, sha, int(size) if size != "-" else 0, name))
        return entries

    def blob(self, sha: str) -> bytes:
        return self.git("cat-file", "blob", sha).stdout

    def read(self, ref: str, path: str) -> bytes | None:
        commit = self.resolve(ref)
        found = self.entry(commit, path) if commit else None
        return self.blob(found.sha) if found and found.type == "blob" else None

    def commit_meta(self, sha: str) -> CommitMeta:
        raw = self.git("cat-file", "commit", sha).stdout.decode(errors="replace")
        head, _, message = raw.partition("\n\n")
        fields: dict[str, list[str]] = {}
        for line in head.splitlines():
            key, _, value = line.partition(" ")
            fields.setdefault(key, []).append(value)
        return CommitMeta(
            sha=sha,
            tree=fields["tree"][0],
            parents=tuple(fields.get("parent", [])),
            author=_person(fields["author"][0]),
            committer=_person(fields["committer"][0]),
            message=message.rstrip("\n"),
        )

    def history(self, ref: str, path: str | None = None) -> list[str]:
        """Commits reachable from `ref`, newest first, touching `path` if given."""
        args = ["rev-list", ref]
        if path:
            args += ["--", path.strip("/")]
        return self.out(*args).split()

    def count_between(self, base: str, head: str) -> int:
        return int(self.out("rev-list", "--count", f"{base}..{head}"))

    def is_ancestor(self, older: str, newer: str) -> bool:
        return self.git("merge-base", "--is-ancestor", older, newer, check=False).returncode == 0

    # --- writing -------------------------------------------------------------

    def write_commit(
        self,
        parent: str | None,
        files: Mapping[str, bytes | None],
        message: str,
        author: Person,
        committer: Person | None = None,
    ) -> str:
        """A new commit: `parent`'s tree with `files` written (None deletes). Refs untouched."""
        index = self.path / f"index-{uuid.uuid4().hex}"
        env = {"GIT_INDEX_FILE": str(index)}
        try:
            self.git("read-tree", *([parent] if parent else ["--empty"]), env=env)
            lines = b"".join(self._index_line(path, data) for path, data in files.items())
            self.git("update-index", "-z", "--index-info", stdin=lines, env=env)
            tree = self.git("write-tree", env=env).stdout.decode().strip()
        finally:
            index.unlink(missing_ok=True)
        return self.commit_tree(tree, [parent] if parent else [], message, author, committer)

    def _index_line(self, path: str, data: bytes | None) -> bytes:
        path = path.strip("/")
        if data is None:
            return f"0 {ZERO_SHA}\t{path}\0".encode()
        sha = self.out("hash-object", "-w", "--stdin", stdin=data)
        return f"100644 {sha}\t{path}\0".encode()

    def commit_tree(
        self, tree: str, parents: list[str], message: str, author: Person, committer: Person | None
    ) -> str:
        committer = committer or author
        env = {
            "GIT_AUTHOR_NAME": author.name,
            "GIT_AUTHOR_EMAIL": author.email,
            "GIT_COMMITTER_NAME": committer.name,
            "GIT_COMMITTER_EMAIL": committer.email,
        }
        if author.date:
            env["GIT_AUTHOR_DATE"] = author.date
        if committer.date:
            env["GIT_COMMITTER_DATE"] = committer.date
        args = ["commit-tree", tree]
        for parent in parents:
            args += ["-p", parent]
        return self.git(*args, stdin=message.encode(), env=env).stdout.decode().strip()

    def update_ref(self, branch: str, new: str, old: str | None = None) -> bool:
        """Point `branch` at `new`; with `old` (ZERO_SHA: must not exist) only if it holds it."""
        args = ["update-ref", f"refs/heads/{branch}", new] + ([old] if old else [])
        return self.git(*args, check=False).returncode == 0

    def delete_ref(self, branch: str) -> bool:
        return self.git("update-ref", "-d", f"refs/heads/{branch}", check=False).returncode == 0


def _person(text: str) -> Person:
    name, _, rest = text.partition(" <")
    email, _, date = rest.partition("> ")
    return Person(name, email, date)
