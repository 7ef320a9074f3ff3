"""The ports behind "Why it changed": a commit's pull requests, and the commits of the file
since a consumer's version, from a real git checkout and from the local GitHub."""

from __future__ import annotations

from pathlib import Path

import pytest

from sync_action.backends import git
from sync_action.backends.github.hosting import GitHubHosting
from sync_action.backends.local import LocalHosting
from sync_action.backends.source_history import CheckoutOrApi
from sync_action.spec.model import git_blob_sha
from tests.conftest import git as run_git
from tests.localgithub import LocalGitHub

TOKEN = "ghs_SECRETsourceTOKEN0123456789"
REPO = "acme/source"
PATH = "schema/AIRTABLE_SPEC.yaml"
VERSIONS = [f"spec_version: v1.{n}.0\ntables: {{}}\n".encode() for n in range(4)]


@pytest.fixture
def gh(local_github: LocalGitHub) -> LocalGitHub:
    local_github.create_repo(REPO, files={PATH: VERSIONS[0]})
    local_github.add_token(TOKEN, {REPO: "read"})
    return local_github


@pytest.fixture
def host(gh: LocalGitHub) -> GitHubHosting:
    return GitHubHosting(gh.api_url, TOKEN, backoff=0.01)


def merged(gh: LocalGitHub, n: int, body: str = "") -> tuple[str, str]:
    """Version n through a merged pull request: (its commit, the merge commit)."""
    commit = gh.commit(REPO, f"v{n}", {PATH: VERSIONS[n]}, f"v1.{n}.0")
    pull = gh.open_pull(REPO, f"v{n}", title=f"Version {n}", body=body, user="octocat")
    return commit, gh.merge_pull(REPO, pull.number)


def checkout(tmp_path: Path) -> tuple[Path, list[str]]:
    """A checkout whose file went through every version, and its commits, oldest first."""
    root = tmp_path / "source"
    (root / "schema").mkdir(parents=True)
    run_git(root, "init", "-q", "-b", "main")
    commits = []
    for n, content in enumerate(VERSIONS):
        (root / PATH).write_bytes(content)
        (root / "README.md").write_text(f"{n}\n")
        run_git(root, "add", "-A")
        run_git(root, "commit", "-q", "-m", f"v{n}")
        commits.append(run_git(root, "rev-parse", "HEAD"))
        (root / "README.md").write_text(f"{n} and more\n")
        run_git(root, "commit", "-q", "-am", "not the file")
    return root, commits


def test_a_commits_pull_requests_are_one_request(gh: LocalGitHub, host: GitHubHosting) -> None:
    commit, _ = merged(gh, 1, "## Migration\n\nnothing to do\n")
    gh.reset_log()
    [pull] = host.pulls_of_commit(REPO, commit)
    assert len(gh.reads()) == 1
    assert (pull.number, pull.title, pull.author, pull.merged) == (1, "Version 1", "octocat", True)
    assert pull.url == f"{gh.server_url}/{REPO}/pull/1"
    assert "nothing to do" in pull.body


def test_a_checkout_has_no_pull_requests(tmp_path: Path) -> None:
    root, commits = checkout(tmp_path)
    assert LocalHosting({REPO: root}).pulls_of_commit(REPO, commits[-1]) == []


def test_the_commits_since_a_version_are_newest_first_and_stop_there(tmp_path: Path) -> None:
    root, commits = checkout(tmp_path)
    since = git.changed_since(root, PATH, "HEAD", git_blob_sha(VERSIONS[1]), 20)
    assert since == [commits[3], commits[2]]


def test_the_commits_since_are_at_most_the_limit(tmp_path: Path) -> None:
    root, commits = checkout(tmp_path)
    assert git.changed_since(root, PATH, "HEAD", None, 2) == [commits[3], commits[2]]


def test_the_api_walk_finds_the_same_commits_as_git(
    gh: LocalGitHub, host: GitHubHosting, tmp_path: Path
) -> None:
    firsts = [merged(gh, n)[0] for n in (1, 2, 3)]
    head = gh.branch_sha(REPO, "main")
    history = CheckoutOrApi(tmp_path, PATH, REPO, head, host)  # not a git checkout
    assert not history.complete
    assert history.changed_since(git_blob_sha(VERSIONS[1]), 20) == [firsts[2], firsts[1]]


def test_the_api_walk_reads_no_further_than_the_consumers_version(
    gh: LocalGitHub, host: GitHubHosting, tmp_path: Path
) -> None:
    for n in (1, 2, 3):
        merged(gh, n)
    history = CheckoutOrApi(tmp_path, PATH, REPO, gh.branch_sha(REPO, "main"), host)
    gh.reset_log()
    history.changed_since(git_blob_sha(VERSIONS[2]), 20)
    assert len(gh.reads()) == 3  # the listing, the newest commit's file, then the match
