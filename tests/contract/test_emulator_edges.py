"""GitHub's edges as the local GitHub produces them on demand: renamed and transferred
repositories, secondary and primary rate limits, rule violations, empty repositories,
malformed answers, and the pull requests of a commit. Real HTTP (requests, PyGithub, git)
against the server; every answer is checked against GitHub's description by the referee.
"""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
import requests
from github import Auth, Github
from github.Repository import Repository
from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from tests.contract.test_localgithub import git
from tests.localgithub import LocalGitHub
from tests.localgithub import references as R
from tests.localgithub.breakage import RULE_VIOLATIONS

TOKEN = "ghp_edgestoken"
README = b"# app\n"


@pytest.fixture
def gh(local_github: LocalGitHub) -> LocalGitHub:
    local_github.create_repo("acme/app", {"README.md": README})
    local_github.add_token(TOKEN)
    return local_github


def api(gh: LocalGitHub, method: str, path: str, **kw: object) -> requests.Response:
    kw.setdefault("allow_redirects", False)
    headers = {"Authorization": f"token {TOKEN}"}
    return requests.request(method, gh.api_url + path, headers=headers, timeout=10, **kw)  # type: ignore[arg-type]


def put_file(path: str, text: str, sha: str | None = None) -> dict[str, str]:
    body = {"message": f"write {path}", "content": base64.b64encode(text.encode()).decode()}
    return body | ({"sha": sha} if sha else {})


# --- renamed and transferred repositories -------------------------------------------------


def test_a_read_of_a_renamed_repositorys_old_name_answers_301_to_its_id(gh: LocalGitHub) -> None:
    repo = gh.rename_repo("acme/app", "mobile")
    answer = api(gh, "GET", "/repos/acme/app/contents/README.md")
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{gh.api_url}/repositories/{repo.id}/contents/README.md"


def test_a_write_to_the_old_name_answers_307_and_writes_nothing(gh: LocalGitHub) -> None:
    repo = gh.rename_repo("acme/app", "mobile")
    answer = api(gh, "PUT", "/repos/acme/app/contents/new.txt", json=put_file("new.txt", "x"))
    assert answer.status_code == 307
    assert answer.headers["Location"] == f"{gh.api_url}/repositories/{repo.id}/contents/new.txt"
    assert gh.read("acme/mobile", "main", "new.txt") is None


def test_the_redirect_body_is_the_one_github_recorded(gh: LocalGitHub) -> None:
    repo = gh.rename_repo("acme/app", "mobile")
    body = api(gh, "GET", "/repos/acme/app").json()
    recorded = next(
        e["response"] for e in R.recording("rename-repository")["exchanges"] if e["status"] == 301
    )
    assert body == recorded | {"url": f"{gh.api_url}/repositories/{repo.id}"}


def test_the_redirect_keeps_the_query(gh: LocalGitHub) -> None:
    repo = gh.rename_repo("acme/app", "mobile")
    answer = api(gh, "GET", "/repos/acme/app/contents/README.md", params={"ref": "main"})
    assert answer.headers["Location"].endswith(
        f"/repositories/{repo.id}/contents/README.md?ref=main"
    )


def test_a_307_followed_with_its_method_and_body_writes_under_the_new_name(
    gh: LocalGitHub,
) -> None:
    gh.rename_repo("acme/app", "mobile")
    answer = api(
        gh,
        "PUT",
        "/repos/acme/app/contents/new.txt",
        json=put_file("new.txt", "x"),
        allow_redirects=True,
    )
    assert answer.status_code == 201
    assert answer.json()["content"]["url"].startswith(f"{gh.api_url}/repos/acme/mobile/")
    assert gh.read("acme/mobile", "main", "new.txt") == b"x"


def test_repositories_by_id_answer_as_the_repository_under_its_name(gh: LocalGitHub) -> None:
    repo = gh.repo("acme/app")
    answer = api(gh, "GET", f"/repositories/{repo.id}")
    assert answer.status_code == 200 and answer.json()["full_name"] == "acme/app"


def test_pygithub_follows_the_301_of_a_read_to_the_new_name(gh: LocalGitHub) -> None:
    gh.rename_repo("acme/app", "mobile")
    client = Github(auth=Auth.Token(TOKEN), base_url=gh.api_url, retry=None)
    assert client.get_repo("acme/app").full_name == "acme/mobile"


def _old_name(gh: LocalGitHub) -> Repository:
    """PyGithub's repository under its old name, as a client configured before the rename."""
    client = Github(
        auth=Auth.Token(TOKEN),
        base_url=gh.api_url,
        retry=None,
        seconds_between_writes=None,
        lazy=True,
    )
    return client.get_repo("acme/app")


def test_pygithub_takes_a_307_on_creating_a_ref_for_done_though_nothing_is_made(
    gh: LocalGitHub,
) -> None:
    """Why a client must follow a 307 itself: PyGithub returns the redirect as the ref."""
    sha = gh.branch_sha("acme/app", "main")
    assert sha
    gh.rename_repo("acme/app", "mobile")
    made = _old_name(gh).create_git_ref("refs/heads/x", sha)
    assert made.raw_data["message"] == "Moved Permanently"
    assert gh.branch_sha("acme/mobile", "x") is None


def test_pygithub_fails_on_a_307_to_a_file_write_with_a_key_error(gh: LocalGitHub) -> None:
    gh.rename_repo("acme/app", "mobile")
    with pytest.raises(KeyError):
        _old_name(gh).create_file("n.txt", "add n", b"n", branch="main")
    assert gh.read("acme/mobile", "main", "n.txt") is None


def test_pygithub_pages_through_links_that_name_the_repository_by_id(gh: LocalGitHub) -> None:
    for number in range(5):
        gh.create_issue("acme/app", f"issue {number}")
    gh.links_by_id = True
    client = Github(
        auth=Auth.Token(TOKEN),
        base_url=gh.api_url,
        retry=None,
        per_page=2,
        seconds_between_requests=None,
    )
    titles = [i.title for i in client.get_repo("acme/app").get_issues(state="all")]
    assert sorted(titles) == [f"issue {n}" for n in range(5)]
    assert any(r.path.startswith("/repositories/") for r in gh.requests("GET"))


def test_a_transferred_repository_redirects_from_its_old_owner(gh: LocalGitHub) -> None:
    repo = gh.transfer_repo("acme/app", "newco")
    answer = api(gh, "GET", "/repos/acme/app")
    assert answer.status_code == 301
    assert answer.headers["Location"] == f"{gh.api_url}/repositories/{repo.id}"
    assert api(gh, "GET", "/repos/newco/app").json()["full_name"] == "newco/app"


def test_the_redirect_stops_once_the_old_name_is_taken_again(gh: LocalGitHub) -> None:
    gh.rename_repo("acme/app", "mobile")
    gh.create_repo("acme/app", {"OTHER.md": "other"})
    answer = api(gh, "GET", "/repos/acme/app/contents/OTHER.md")
    assert answer.status_code == 200


def test_renaming_through_the_api_redirects_the_old_name(gh: LocalGitHub) -> None:
    assert api(gh, "PATCH", "/repos/acme/app", json={"name": "mobile"}).status_code == 200
    assert api(gh, "GET", "/repos/acme/app").status_code == 301


def test_git_clone_of_the_old_name_follows_the_redirect(gh: LocalGitHub, tmp_path: Path) -> None:
    gh.rename_repo("acme/app", "mobile")
    done = git("clone", "-q", f"{gh.server_url}/acme/app.git", str(tmp_path / "c"))
    assert done.returncode == 0, done.stderr
    assert (tmp_path / "c" / "README.md").read_bytes() == README


# --- rate limits ----------------------------------------------------------------------------


def test_a_secondary_limit_with_retry_after(gh: LocalGitHub) -> None:
    gh.inject_secondary_limit("POST", r"/labels$", status=403, retry_after=30)
    answer = api(gh, "POST", "/repos/acme/app/labels", json={"name": "x"})
    assert answer.status_code == 403 and answer.headers["Retry-After"] == "30"
    assert "secondary rate limit" in answer.json()["message"]
    assert answer.headers["x-ratelimit-remaining"] != "0"


def test_a_secondary_limit_429_without_retry_after(gh: LocalGitHub) -> None:
    gh.inject_secondary_limit("POST", r"/labels$", status=429)
    answer = api(gh, "POST", "/repos/acme/app/labels", json={"name": "x"})
    assert answer.status_code == 429 and "Retry-After" not in answer.headers
    assert "secondary rate limit" in answer.json()["message"]
    assert answer.headers["x-ratelimit-remaining"] != "0"


def test_a_secondary_limit_with_remaining_zero_until_the_reset(gh: LocalGitHub) -> None:
    gh.inject_secondary_limit("GET", r"^/repos/acme/app$", reset_in=90)
    answer = api(gh, "GET", "/repos/acme/app")
    assert answer.status_code == 403 and "Retry-After" not in answer.headers
    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert int(answer.headers["x-ratelimit-reset"]) >= time.time() + 80


def test_the_primary_limit_says_remaining_zero_and_when_it_resets(gh: LocalGitHub) -> None:
    gh.inject_primary_limit("GET", r"^/repos/acme/app$", reset_in=600)
    answer = api(gh, "GET", "/repos/acme/app")
    assert answer.status_code == 403 and "Retry-After" not in answer.headers
    assert answer.headers["x-ratelimit-remaining"] == "0"
    assert int(answer.headers["x-ratelimit-reset"]) >= time.time() + 590
    assert answer.json()["message"].startswith("API rate limit exceeded")


def test_a_limit_answers_its_times_then_lets_requests_through(gh: LocalGitHub) -> None:
    fault = gh.inject_secondary_limit("GET", r"^/repos/acme/app$", retry_after=1, times=2)
    statuses = [api(gh, "GET", "/repos/acme/app").status_code for _ in range(3)]
    assert statuses == [403, 403, 200] and fault.hits == 2


# --- rule violations ------------------------------------------------------------------------


def _rule_shape() -> OAS30Validator:
    resource = Resource.from_contents(R.description(), default_specification=DRAFT4)
    registry: Registry = Registry().with_resource("urn:r", resource)
    pointer = "/components/schemas/repository-rule-violation-error"
    return OAS30Validator({"$ref": f"urn:r#{pointer}"}, registry=registry)


def test_a_ruleset_refuses_a_branch_with_422_and_creates_nothing(gh: LocalGitHub) -> None:
    gh.inject_rule_violation("POST", r"/git/refs$", rule="creation")
    sha = gh.branch_sha("acme/app", "main")
    answer = api(gh, "POST", "/repos/acme/app/git/refs", json={"ref": "refs/heads/x", "sha": sha})
    assert answer.status_code == 422
    assert answer.json()["message"].startswith(RULE_VIOLATIONS)
    assert "creations being restricted" in answer.json()["message"]
    assert gh.branch_sha("acme/app", "x") is None


def test_push_protection_refuses_a_file_with_409_and_a_bypass_placeholder(
    gh: LocalGitHub,
) -> None:
    gh.inject_rule_violation("PUT", r"/contents/", rule="secret_scanning")
    answer = api(gh, "PUT", "/repos/acme/app/contents/key.txt", json=put_file("key.txt", "k"))
    assert answer.status_code == 409
    body = answer.json()
    assert body["message"].startswith(RULE_VIOLATIONS) and body["status"] == "409"
    placeholder = body["metadata"]["secret_scanning"]["bypass_placeholders"][0]
    assert placeholder["placeholder_id"] and placeholder["token_type"]
    assert gh.read("acme/app", "main", "key.txt") is None


@pytest.mark.parametrize(
    "rule", ["creation", "update", "deletion", "pull_request", "secret_scanning"]
)
def test_every_rule_violation_has_githubs_documented_shape(gh: LocalGitHub, rule: str) -> None:
    gh.inject_rule_violation("PATCH", r"/git/refs/", rule=rule)
    answer = api(gh, "PATCH", "/repos/acme/app/git/refs/heads/main", json={"sha": "0" * 40})
    assert not list(_rule_shape().iter_errors(answer.json()))


# --- empty repositories ---------------------------------------------------------------------


@pytest.fixture
def empty(gh: LocalGitHub) -> LocalGitHub:
    gh.create_empty_repo("acme/empty")
    return gh


def test_contents_of_an_empty_repository_answer_404_it_is_empty(empty: LocalGitHub) -> None:
    answer = api(empty, "GET", "/repos/acme/empty/contents/schema/SPEC.yaml")
    assert (answer.status_code, answer.json()["message"]) == (404, "This repository is empty.")


@pytest.mark.parametrize(
    ("method", "path", "body"),
    [
        ("GET", "/git/ref/heads/main", None),
        ("POST", "/git/refs", {"ref": "refs/heads/x", "sha": "1" * 40}),
        ("GET", "/commits", None),
        ("GET", f"/commits/{'1' * 40}/pulls", None),
    ],
)
def test_git_data_of_an_empty_repository_answers_409_it_is_empty(
    empty: LocalGitHub, method: str, path: str, body: object
) -> None:
    answer = api(empty, method, f"/repos/acme/empty{path}", json=body)
    assert (answer.status_code, answer.json()["message"]) == (409, "Git Repository is empty.")


def test_an_empty_repository_itself_answers_200(empty: LocalGitHub) -> None:
    answer = api(empty, "GET", "/repos/acme/empty")
    assert answer.status_code == 200 and answer.json()["default_branch"] == "main"


def test_the_first_file_written_gives_an_empty_repository_its_branch(empty: LocalGitHub) -> None:
    answer = api(empty, "PUT", "/repos/acme/empty/contents/a.txt", json=put_file("a.txt", "a"))
    assert answer.status_code == 201
    assert empty.read("acme/empty", "main", "a.txt") == b"a"


def test_a_clone_of_an_empty_repository_is_empty(empty: LocalGitHub, tmp_path: Path) -> None:
    done = git("clone", empty.git_url("acme/empty", TOKEN), str(tmp_path / "c"))
    assert done.returncode == 0 and "empty repository" in done.stderr
    assert [p.name for p in (tmp_path / "c").iterdir()] == [".git"]


def test_the_first_push_to_an_empty_repository_makes_its_contents_readable(
    empty: LocalGitHub, tmp_path: Path
) -> None:
    work = tmp_path / "w"
    assert git("init", "-q", "-b", "main", str(work)).returncode == 0
    (work / "a.txt").write_text("a")
    git("add", "a.txt", cwd=work)
    git("commit", "-qm", "first", cwd=work)
    done = git("push", "-q", empty.git_url("acme/empty", TOKEN), "main", cwd=work)
    assert done.returncode == 0, done.stderr
    assert api(empty, "GET", "/repos/acme/empty/contents/a.txt").status_code == 200


# --- malformed answers ----------------------------------------------------------------------


def test_a_200_without_the_expected_fields_after_the_write_is_done(gh: LocalGitHub) -> None:
    gh.inject_malformed("PUT", r"/contents/", "without-fields", drop=("commit",))
    answer = api(gh, "PUT", "/repos/acme/app/contents/n.txt", json=put_file("n.txt", "n"))
    assert answer.status_code == 200
    assert "commit" not in answer.json() and "content" in answer.json()
    assert gh.read("acme/app", "main", "n.txt") == b"n"


def test_a_body_that_is_not_json(gh: LocalGitHub) -> None:
    gh.inject_malformed("GET", r"^/repos/acme/app$", "not-json")
    answer = api(gh, "GET", "/repos/acme/app")
    assert answer.status_code == 200 and "json" in answer.headers["Content-Type"]
    with pytest.raises(requests.exceptions.JSONDecodeError):
        answer.json()


def test_html_from_a_proxy_and_nothing_done(gh: LocalGitHub) -> None:
    gh.inject_malformed("POST", r"/labels$", "html")
    answer = api(gh, "POST", "/repos/acme/app/labels", json={"name": "x"})
    assert answer.status_code == 502 and answer.headers["Content-Type"] == "text/html"
    assert answer.text.lstrip().startswith("<html>")
    assert gh.labels("acme/app") == []


def test_malformed_answers_are_not_held_against_the_local_github(gh: LocalGitHub) -> None:
    gh.inject_malformed("GET", r"^/repos/acme/app$", "without-fields")
    assert api(gh, "GET", "/repos/acme/app").json() == {}
    assert gh.clear_violations() == []


# --- pull requests of a commit ---------------------------------------------------------------


def test_a_commit_on_the_default_branch_lists_the_merged_pull_that_brought_it(
    gh: LocalGitHub,
) -> None:
    sha = gh.commit("acme/app", "change", {"a.txt": "a"})
    gh.open_pull("acme/app", "change", title="Add a")
    gh.create_branch("acme/app", "later", "change")
    gh.open_pull("acme/app", "later", title="Later")  # contains the commit, but not merged
    gh.merge_pull("acme/app", 1)
    answer = api(gh, "GET", f"/repos/acme/app/commits/{sha}/pulls")
    assert answer.status_code == 200
    assert [(p["number"], p["state"]) for p in answer.json()] == [(1, "closed")]


def test_a_commit_off_the_default_branch_lists_the_open_pulls_containing_it(
    gh: LocalGitHub,
) -> None:
    sha = gh.commit("acme/app", "change", {"a.txt": "a"})
    gh.open_pull("acme/app", "change", title="Add a")
    answer = api(gh, "GET", f"/repos/acme/app/commits/{sha}/pulls")
    assert [(p["number"], p["state"]) for p in answer.json()] == [(1, "open")]


def test_a_commit_without_pull_requests_lists_none(gh: LocalGitHub) -> None:
    sha = gh.branch_sha("acme/app", "main")
    assert api(gh, "GET", f"/repos/acme/app/commits/{sha}/pulls").json() == []


def test_an_unknown_commit_answers_422(gh: LocalGitHub) -> None:
    answer = api(gh, "GET", f"/repos/acme/app/commits/{'1' * 40}/pulls")
    assert answer.status_code == 422
