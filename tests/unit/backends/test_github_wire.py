"""The wire below PyGithub against the local GitHub: redirects of moved repositories,
rate-limit waits said and counted, answers that are not JSON. Real HTTP, nothing mocked;
waits are counted through `GitHubHosting`'s `say` and scaled to nothing."""

from __future__ import annotations

import re

import pytest
from github import Auth, Github

from sync_action.backends.github.hosting import GitHubHosting
from sync_action.core.errors import RemoteError
from tests.localgithub import LocalGitHub
from tests.localgithub.faults import Fault

TOKEN = "ghp_wireTestToken0123456789abcdef"
REPO = "acme/consumer"
NEW_NAME = "acme/mobile"
PATH = "schema/AIRTABLE_SPEC.yaml"
OLD = b"spec_version: v1.0.0\ntables: {}\n"
NEW = b"spec_version: v1.1.0\ntables: {}\n"


@pytest.fixture
def gh(local_github: LocalGitHub) -> LocalGitHub:
    local_github.create_repo(REPO, files={PATH: OLD})
    local_github.add_token(TOKEN)
    return local_github


def quiet_host(gh: LocalGitHub, said: list[str]) -> GitHubHosting:
    return GitHubHosting(gh.api_url, TOKEN, backoff=0.01, say=said.append, wait_scale=0)


def test_a_write_answered_307_is_sent_again_with_its_method_and_body(gh: LocalGitHub) -> None:
    sha = gh.branch_sha(REPO, "main")
    assert sha is not None
    gh.rename_repo(REPO, "mobile")
    host = GitHubHosting(gh.api_url, TOKEN)
    host.create_branch(REPO, "topic", sha)
    first, second = gh.writes()
    assert (first.status, first.path) == (307, f"/repos/{REPO}/git/refs")
    asked = {"ref": "refs/heads/topic", "sha": sha}
    assert (second.method, second.status, second.body) == ("POST", 201, asked)
    assert second.path.startswith("/repositories/")
    assert gh.branch_sha(NEW_NAME, "topic") == sha


def test_a_read_through_a_301_keeps_its_query(gh: LocalGitHub) -> None:
    gh.commit(REPO, "topic", {PATH: NEW})
    gh.rename_repo(REPO, "mobile")
    found = GitHubHosting(gh.api_url, TOKEN).read_file(REPO, PATH, "topic")
    assert found.content == NEW  # PyGithub alone would drop `?ref=topic` and read main


def test_a_moved_repository_is_named_once_with_its_new_name(gh: LocalGitHub) -> None:
    gh.rename_repo(REPO, "mobile")
    host = GitHubHosting(gh.api_url, TOKEN)
    host.read_file(REPO, PATH, None)
    host.read_file(REPO, PATH, None)
    assert host.notices() == [f"{REPO} is now {NEW_NAME}: update peer-repos"]
    assert host.notices() == []


def test_a_repository_that_never_moved_costs_no_extra_request(gh: LocalGitHub) -> None:
    host = GitHubHosting(gh.api_url, TOKEN)
    host.read_file(REPO, PATH, "main")
    assert host.notices() == []
    assert len(gh.requests()) == 1


def test_each_wait_is_said_before_it_is_waited(gh: LocalGitHub) -> None:
    said: list[str] = []
    gh.inject_secondary_limit("GET", r"/contents/", times=2)
    assert quiet_host(gh, said).read_file(REPO, PATH, "main").content == OLD
    assert said == [
        "waiting 60 s: GitHub's secondary rate limit",
        "waiting 120 s: GitHub's secondary rate limit",
    ]


def test_a_refusal_that_is_no_rate_limit_is_not_waited(gh: LocalGitHub) -> None:
    said: list[str] = []
    gh.inject("GET", r"/contents/", status=403, body={"message": "Resource not accessible"})
    with pytest.raises(RemoteError, match="lacks the permission"):
        quiet_host(gh, said).read_file(REPO, PATH, "main")
    assert said == [] and len(gh.requests()) == 1


def test_a_limit_that_resets_in_over_15_minutes_is_not_waited(gh: LocalGitHub) -> None:
    said: list[str] = []
    gh.inject_primary_limit("GET", r"/contents/", reset_in=16 * 60)
    with pytest.raises(RemoteError, match=r"resets at .* \(in 16 min\)"):
        quiet_host(gh, said).read_file(REPO, PATH, "main")
    assert said == [] and len(gh.requests()) == 1


def test_a_redirect_to_another_host_is_not_followed(gh: LocalGitHub) -> None:
    sha = gh.branch_sha(REPO, "main")
    assert sha is not None
    elsewhere = {"Location": "https://elsewhere.invalid/repositories/1/git/refs"}
    gh.faults.add(Fault("POST", re.compile(r"/git/refs$"), status=307, headers=elsewhere))
    with pytest.raises(RemoteError, match=r"with a redirect to https://elsewhere\.invalid/") as no:
        GitHubHosting(gh.api_url, TOKEN).create_branch(REPO, "topic", sha)
    assert TOKEN not in no.value.message
    assert len(gh.requests()) == 1 and gh.branch_sha(REPO, "topic") is None
    gh.clear_violations()  # a 307 there is off GitHub's description, on purpose


def test_other_pygithub_clients_in_the_process_are_left_as_they_are(gh: LocalGitHub) -> None:
    sha = gh.branch_sha(REPO, "main")
    assert sha is not None
    gh.rename_repo(REPO, "mobile")
    GitHubHosting(gh.api_url, TOKEN).create_branch(REPO, "ours", sha)
    plain = Github(auth=Auth.Token(TOKEN), base_url=gh.api_url, retry=None, lazy=True)
    plain.get_repo(REPO).create_git_ref("refs/heads/theirs", sha)
    assert gh.writes()[-1].status == 307  # PyGithub's own behaviour: the 307 not followed
    assert gh.branch_sha(NEW_NAME, "ours") == sha and gh.branch_sha(NEW_NAME, "theirs") is None
