"""The local GitHub itself: statuses, error bodies, pagination, auth, faults, git over HTTP.

The rest of the suite trusts this server to answer like GitHub, so its own
behaviour is pinned here through PyGithub and through plain HTTP.
"""

from __future__ import annotations

import base64
import http.client
import json
import os
import subprocess
import threading
import time
from pathlib import Path

import pytest
import requests
from github import Auth, Github, GithubException

from tests.localgithub import LocalGitHub
from tests.localgithub.faults import SECONDARY_LIMIT

TOKEN = "ghs_localtesttoken"
SPEC = b"spec_version: v1.0.0\ntables: {}\n"


@pytest.fixture
def gh(local_github: LocalGitHub) -> LocalGitHub:
    local_github.create_repo("acme/app", files={"schema/SPEC.yaml": SPEC, "README.md": "hi\n"})
    local_github.add_token(TOKEN, {"acme/app": "write"})
    return local_github


def api(
    gh: LocalGitHub, method: str, path: str, token: str | None = TOKEN, **kw: object
) -> requests.Response:
    headers = {"Authorization": f"token {token}"} if token else {}
    return requests.request(method, f"{gh.api_url}{path}", headers=headers, timeout=10, **kw)  # type: ignore[arg-type]


def client(gh: LocalGitHub, token: str = TOKEN) -> Github:
    return Github(
        auth=Auth.Token(token),
        base_url=gh.api_url,
        retry=None,
        per_page=2,
        seconds_between_requests=None,
        seconds_between_writes=None,
    )


def git(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(
        os.environ,
        GIT_TERMINAL_PROMPT="0",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME="t",
        GIT_AUTHOR_EMAIL="t@example.com",
        GIT_COMMITTER_NAME="t",
        GIT_COMMITTER_EMAIL="t@example.com",
    )
    return subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, check=False
    )


# --- repository and contents ----------------------------------------------------------


def test_pygithub_reads_repo_and_contents(gh: LocalGitHub) -> None:
    repo = client(gh).get_repo("acme/app")
    assert repo.default_branch == "main"
    assert repo.html_url == f"{gh.server_url}/acme/app"
    found = repo.get_contents("schema/SPEC.yaml")
    assert not isinstance(found, list)
    assert found.decoded_content == SPEC
    listing = repo.get_contents("schema")
    assert isinstance(listing, list) and [f.path for f in listing] == ["schema/SPEC.yaml"]


def test_contents_blob_sha_is_the_git_blob(gh: LocalGitHub, tmp_path: Path) -> None:
    (tmp_path / "f").write_bytes(SPEC)
    expected = git("hash-object", str(tmp_path / "f")).stdout.strip()
    body = api(gh, "GET", "/repos/acme/app/contents/schema/SPEC.yaml").json()
    assert body["sha"] == expected
    assert body["encoding"] == "base64" and base64.b64decode(body["content"]) == SPEC
    assert body["url"].startswith(f"{gh.api_url}/repos/acme/app/contents/")


def test_contents_errors_and_refs(gh: LocalGitHub) -> None:
    missing = api(gh, "GET", "/repos/acme/app/contents/nope.yaml")
    assert missing.status_code == 404
    assert set(missing.json()) >= {"message", "documentation_url"}
    bad_ref = api(gh, "GET", "/repos/acme/app/contents/README.md", params={"ref": "nope"})
    assert bad_ref.status_code == 404 and "No commit found" in bad_ref.json()["message"]
    sha = gh.commit("acme/app", "feature", {"README.md": "feature\n"})
    by_sha = api(gh, "GET", "/repos/acme/app/contents/README.md", params={"ref": sha})
    assert base64.b64decode(by_sha.json()["content"]) == b"feature\n"
    by_branch = api(gh, "GET", "/repos/acme/app/contents/README.md", params={"ref": "feature"})
    assert base64.b64decode(by_branch.json()["content"]) == b"feature\n"
    default = api(gh, "GET", "/repos/acme/app/contents/README.md")
    assert base64.b64decode(default.json()["content"]) == b"hi\n"


def test_large_file_comes_without_content_and_blob_serves_it(gh: LocalGitHub) -> None:
    big = os.urandom(1024 * 1024 + 10)
    gh.commit("acme/app", "main", {"big.bin": big})
    body = api(gh, "GET", "/repos/acme/app/contents/big.bin").json()
    assert body["encoding"] == "none" and body["content"] == ""
    blob = api(gh, "GET", f"/repos/acme/app/git/blobs/{body['sha']}").json()
    assert base64.b64decode(blob["content"]) == big
    assert api(gh, "GET", f"/repos/acme/app/git/blobs/{'0' * 40}").status_code == 404


def test_put_contents_statuses_and_real_commits(gh: LocalGitHub) -> None:
    path = "/repos/acme/app/contents/schema/NEW.yaml"
    content = base64.b64encode(b"new\n").decode()
    created = api(gh, "PUT", path, json={"message": "add", "content": content})
    assert created.status_code == 201
    assert gh.read("acme/app", "main", "schema/NEW.yaml") == b"new\n"
    blob = created.json()["content"]["sha"]
    no_sha = api(gh, "PUT", path, json={"message": "m", "content": content})
    assert no_sha.status_code == 422 and '"sha" wasn\'t supplied.' in no_sha.json()["message"]
    stale = api(gh, "PUT", path, json={"message": "m", "content": content, "sha": "1" * 40})
    assert stale.status_code == 409
    update = {
        "message": "upd",
        "content": base64.b64encode(b"v2\n").decode(),
        "sha": blob,
        "committer": {"name": "Bot", "email": "bot@example.com"},
    }
    updated = api(gh, "PUT", path, json=update)
    assert updated.status_code == 200
    commit = updated.json()["commit"]
    assert commit["sha"] == gh.branch_sha("acme/app", "main")
    assert commit["committer"]["name"] == "Bot" and commit["message"] == "upd"
    assert gh.read("acme/app", commit["sha"], "schema/NEW.yaml") == b"v2\n"
    nobranch = api(gh, "PUT", path, json={**update, "branch": "nope"})
    assert nobranch.status_code == 404


def test_list_commits_follows_path_and_paginates(gh: LocalGitHub) -> None:
    first = gh.commit("acme/app", "main", {"schema/SPEC.yaml": b"a\n"})
    gh.commit("acme/app", "main", {"README.md": b"b\n"})
    third = gh.commit("acme/app", "main", {"schema/SPEC.yaml": b"c\n"})
    page = api(
        gh, "GET", "/repos/acme/app/commits", params={"path": "schema/SPEC.yaml", "per_page": 2}
    )
    assert [c["sha"] for c in page.json()] == [third, first]
    assert 'rel="next"' in page.headers["Link"]
    commits = client(gh).get_repo("acme/app").get_commits(sha="main", path="schema/SPEC.yaml")
    assert len(list(commits)) == 3  # two updates and the initial commit


# --- refs and branches -------------------------------------------------------------------


def test_refs_create_update_delete(gh: LocalGitHub) -> None:
    main = gh.branch_sha("acme/app", "main")
    new = {"ref": "refs/heads/topic/x", "sha": main}
    assert api(gh, "POST", "/repos/acme/app/git/refs", json=new).status_code == 201
    again = api(gh, "POST", "/repos/acme/app/git/refs", json=new)
    assert again.status_code == 422 and again.json()["message"] == "Reference already exists"
    ref = api(gh, "GET", "/repos/acme/app/git/ref/heads/topic/x").json()
    assert ref["object"]["sha"] == main and ref["ref"] == "refs/heads/topic/x"
    assert api(gh, "GET", "/repos/acme/app/branches/topic/x").json()["commit"]["sha"] == main
    ahead = gh.commit("acme/app", "main", {"README.md": "ahead\n"})
    assert (
        api(gh, "PATCH", "/repos/acme/app/git/refs/heads/topic/x", json={"sha": ahead}).status_code
        == 200
    )
    gh.create_branch("acme/app", "side", from_ref=main)
    side = gh.commit("acme/app", "side", {"x": "y"})
    not_ff = api(gh, "PATCH", "/repos/acme/app/git/refs/heads/topic/x", json={"sha": side})
    assert not_ff.status_code == 422 and not_ff.json()["message"] == "Update is not a fast forward"
    forced = api(
        gh, "PATCH", "/repos/acme/app/git/refs/heads/topic/x", json={"sha": side, "force": True}
    )
    assert forced.status_code == 200 and gh.branch_sha("acme/app", "topic/x") == side
    assert api(gh, "DELETE", "/repos/acme/app/git/refs/heads/topic/x").status_code == 204
    assert api(gh, "DELETE", "/repos/acme/app/git/refs/heads/topic/x").status_code == 422
    assert api(gh, "GET", "/repos/acme/app/git/ref/heads/topic/x").status_code == 404
    assert api(gh, "GET", "/repos/acme/app/branches/topic/x").status_code == 404


# --- pull requests, comments, labels --------------------------------------------------------


def test_pull_requests_like_github(gh: LocalGitHub) -> None:
    repo = client(gh).get_repo("acme/app")
    gh.create_branch("acme/app", "empty")
    with pytest.raises(GithubException) as nothing:
        repo.create_pull(base="main", head="empty", title="t")
    assert nothing.value.data["errors"][0]["message"] == "No commits between main and empty"
    gh.commit("acme/app", "sync", {"schema/SPEC.yaml": "v2\n"})
    pull = repo.create_pull(base="main", head="acme:sync", title="Sync", body="b")
    assert pull.html_url == f"{gh.server_url}/acme/app/pull/{pull.number}"
    with pytest.raises(GithubException) as twice:
        repo.create_pull(base="main", head="sync", title="again")
    assert twice.value.status == 422
    assert (
        twice.value.data["errors"][0]["message"] == "A pull request already exists for acme:sync."
    )
    listed = list(repo.get_pulls(state="open", head="acme:sync", base="main"))
    assert [p.number for p in listed] == [pull.number]
    assert list(repo.get_pulls(head="other:sync")) == []
    pull.edit(title="New", state="closed")
    assert gh.pulls("acme/app")[0].state == "closed" and gh.pulls("acme/app")[0].title == "New"
    assert list(repo.get_pulls(state="open")) == []


def test_actions_may_be_forbidden_to_open_pulls(gh: LocalGitHub) -> None:
    gh.commit("acme/app", "sync", {"a": "b"})
    gh.repo("acme/app").actions_can_create_prs = False
    refused = api(
        gh, "POST", "/repos/acme/app/pulls", json={"head": "sync", "base": "main", "title": "t"}
    )
    assert refused.status_code == 403
    assert (
        refused.json()["message"]
        == "GitHub Actions is not permitted to create or approve pull requests."
    )
    assert gh.pulls("acme/app") == []


def test_comments_paginate_with_link_headers_on_the_client_base(gh: LocalGitHub) -> None:
    gh.commit("acme/app", "sync", {"a": "b"})
    number = gh.open_pull("acme/app", "sync").number
    for i in range(5):
        gh.add_comment("acme/app", number, f"c{i}")
    first = api(gh, "GET", f"/repos/acme/app/issues/{number}/comments", params={"per_page": 2})
    assert [c["body"] for c in first.json()] == ["c0", "c1"]
    links = requests.utils.parse_header_links(first.headers["Link"])
    rels = {link["rel"]: link["url"] for link in links}
    assert set(rels) == {"next", "last"} and rels["last"].endswith("page=3")
    assert all(url.startswith(f"{gh.api_url}/repos/acme/app/issues/") for url in rels.values())
    middle = requests.get(rels["next"], headers={"Authorization": f"Bearer {TOKEN}"}, timeout=5)
    assert {link["rel"] for link in requests.utils.parse_header_links(middle.headers["Link"])} == {
        "prev",
        "first",
        "next",
        "last",
    }
    pull = client(gh).get_repo("acme/app").get_pull(number)
    assert [c.body for c in pull.get_issue_comments()] == [
        f"c{i}" for i in range(5)
    ]  # follows Link
    made = pull.create_issue_comment("new")
    made.edit("edited")
    assert gh.comments("acme/app", number)[-1].body == "edited"


def test_labels_are_created_when_added_to_a_pull(gh: LocalGitHub) -> None:
    gh.commit("acme/app", "sync", {"a": "b"})
    number = gh.open_pull("acme/app", "sync").number
    made = api(gh, "POST", "/repos/acme/app/labels", json={"name": "bot", "color": "123456"})
    assert made.status_code == 201
    dup = api(gh, "POST", "/repos/acme/app/labels", json={"name": "bot"})
    assert dup.status_code == 422 and dup.json()["errors"][0]["code"] == "already_exists"
    added = api(
        gh,
        "POST",
        f"/repos/acme/app/issues/{number}/labels",
        json={"labels": ["bot", "schema-sync"]},
    )
    assert added.status_code == 200 and [x["name"] for x in added.json()] == ["bot", "schema-sync"]
    assert gh.labels("acme/app") == ["bot", "schema-sync"]
    client(gh).get_repo("acme/app").get_pull(number).add_to_labels("safe")  # a bare array
    assert gh.pulls("acme/app")[0].labels == ["bot", "schema-sync", "safe"]
    assert {x["name"] for x in api(gh, "GET", "/repos/acme/app/labels").json()} == {
        "bot",
        "schema-sync",
        "safe",
    }


# --- auth, headers, base URLs ----------------------------------------------------------------


def test_auth_and_permissions(gh: LocalGitHub) -> None:
    gh.create_repo("acme/secret", private=True)
    gh.create_repo("acme/old", archived=True)
    gh.add_token("reader", {"acme/app": "read", "acme/old": "write"})
    assert api(gh, "GET", "/repos/acme/app", token=None).status_code == 401
    bad = api(gh, "GET", "/repos/acme/app", token="wrong")
    assert bad.status_code == 401 and bad.json()["message"] == "Bad credentials"
    assert api(gh, "GET", "/repos/acme/app", token="reader").status_code == 200
    assert api(gh, "GET", "/repos/acme/secret").status_code == 404
    assert api(gh, "GET", "/repos/acme/public-nowhere").status_code == 404
    write = api(gh, "POST", "/repos/acme/app/labels", token="reader", json={"name": "x"})
    assert (
        write.status_code == 403
        and write.json()["message"] == "Resource not accessible by integration"
    )
    archived = api(gh, "POST", "/repos/acme/old/labels", token="reader", json={"name": "x"})
    assert (
        archived.status_code == 403
        and archived.json()["message"] == "Repository was archived so is read-only."
    )
    bearer = {"Authorization": f"Bearer {TOKEN}"}
    assert (
        requests.get(f"{gh.api_url}/repos/acme/app", headers=bearer, timeout=5).status_code == 200
    )


def test_rate_limit_headers_everywhere(gh: LocalGitHub) -> None:
    for response in (
        api(gh, "GET", "/repos/acme/app"),
        api(gh, "GET", "/repos/acme/nope"),
        api(gh, "GET", "/repos/acme/app", token="bad"),
    ):
        for header in ("limit", "remaining", "reset", "used", "resource"):
            assert f"x-ratelimit-{header}" in response.headers
    assert client(gh).get_rate_limit().resources.core.limit == 5000


def test_urls_are_built_on_the_host_the_client_used(gh: LocalGitHub) -> None:
    base = f"http://localhost:{gh.port}/api/v3"
    repo = Github(auth=Auth.Token(TOKEN), base_url=base, retry=None).get_repo("acme/app")
    assert repo.url == f"{base}/repos/acme/app"
    assert repo.html_url == f"http://localhost:{gh.port}/acme/app"


# --- validation and the request log ------------------------------------------------------------


def test_schema_validation_catches_a_wrong_body(gh: LocalGitHub) -> None:
    gh.inject("GET", r"^/repos/acme/app$", status=200, body={"id": "not-an-integer"})
    api(gh, "GET", "/repos/acme/app")
    problems = gh.clear_violations()
    assert any(
        "repos/get 200 response" in p and "'name' is a required property" in p for p in problems
    )
    assert any("'not-an-integer' is not of type 'integer'" in p for p in problems)


def test_undocumented_requests_are_violations(gh: LocalGitHub) -> None:
    assert api(gh, "GET", "/repos/acme/app/milestones").status_code == 404
    assert api(gh, "POST", "/repos/acme/app/issues/1/labels", json={"labels": 7}).status_code == 404
    problems = gh.clear_violations()
    assert any("not an operation of the REST description" in p for p in problems)
    assert any("issues/add-labels request" in p for p in problems)


def test_request_log(gh: LocalGitHub) -> None:
    gh.reset_log()
    api(gh, "GET", "/repos/acme/app")
    api(gh, "GET", "/repos/acme/app/contents/README.md", params={"ref": "main"})
    api(gh, "POST", "/repos/acme/app/labels", json={"name": "x"})
    assert [r.path for r in gh.reads()] == ["/repos/acme/app", "/repos/acme/app/contents/README.md"]
    assert gh.reads()[1].query == {"ref": "main"} and gh.reads()[1].operation == "repos/get-content"
    assert [(r.method, r.status, r.body) for r in gh.writes()] == [("POST", 201, {"name": "x"})]
    assert len(gh.requests(path_contains="contents")) == 1 and len(gh.requests(method="post")) == 1
    gh.reset_log()
    assert gh.requests() == []


# --- faults ---------------------------------------------------------------------------------------


def test_injected_errors_count_down(gh: LocalGitHub) -> None:
    gh.inject("GET", r"/contents/", status=502, times=2)
    statuses = [api(gh, "GET", "/repos/acme/app/contents/README.md").status_code for _ in range(3)]
    assert statuses == [502, 502, 200]
    assert [r.injected for r in gh.requests()] == [True, True, False]


def test_after_performs_the_write_then_fails(gh: LocalGitHub) -> None:
    gh.commit("acme/app", "sync", {"a": "b"})
    gh.inject("POST", r"/pulls$", status=502, after=True)
    failed = api(
        gh, "POST", "/repos/acme/app/pulls", json={"head": "sync", "base": "main", "title": "t"}
    )
    assert failed.status_code == 502
    assert len(gh.pulls("acme/app")) == 1


def test_reset_connection_drops_the_request(gh: LocalGitHub) -> None:
    gh.inject("POST", r"/labels$", reset_connection=True, after=True)
    with pytest.raises(requests.ConnectionError):
        api(gh, "POST", "/repos/acme/app/labels", json={"name": "x"})
    assert gh.labels("acme/app") == ["x"]
    assert gh.requests()[-1].status == 0


def test_rate_limit_faults_carry_github_headers(gh: LocalGitHub) -> None:
    gh.inject("GET", r"^/repos/acme/app$", status=403, retry_after=7)
    gh.inject("GET", r"^/repos/acme/app$", status=429, ratelimit_reset=30)
    secondary = api(gh, "GET", "/repos/acme/app")
    assert (
        secondary.headers["Retry-After"] == "7" and secondary.json()["message"] == SECONDARY_LIMIT
    )
    primary = api(gh, "GET", "/repos/acme/app")
    assert primary.status_code == 429 and primary.headers["x-ratelimit-remaining"] == "0"
    assert int(primary.headers["x-ratelimit-reset"]) >= time.time() + 29


def test_write_budget_answers_secondary_rate_limit(gh: LocalGitHub) -> None:
    gh.limit_writes(2, per_seconds=60)
    statuses = [
        api(gh, "POST", "/repos/acme/app/labels", json={"name": f"l{i}"}).status_code
        for i in range(3)
    ]
    assert statuses == [201, 201, 403]
    refused = gh.requests()[-1]
    assert refused.write and refused.status == 403
    third = api(gh, "POST", "/repos/acme/app/labels", json={"name": "l9"})
    assert third.json()["message"].startswith("You have exceeded a secondary rate limit")
    assert int(third.headers["Retry-After"]) >= 1
    assert api(gh, "GET", "/repos/acme/app").status_code == 200  # reads are not budgeted


def test_latency_and_concurrency(gh: LocalGitHub) -> None:
    gh.latency = 0.1
    threads = [threading.Thread(target=api, args=(gh, "GET", "/repos/acme/app")) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert gh.max_concurrency >= 2  # answered side by side, not one after another
    gh.latency = 0.0
    slow = gh.inject("GET", r"README", latency=0.2)  # slow, not failing
    assert api(gh, "GET", "/repos/acme/app/contents/README.md").status_code == 200
    assert slow.hits == 1  # the delay was applied, and the answer is still the real one


def test_chunked_request_bodies_are_decoded(gh: LocalGitHub) -> None:
    body = json.dumps({"name": "chunky"}).encode()
    conn = http.client.HTTPConnection("127.0.0.1", gh.port, timeout=5)
    conn.request(
        "POST",
        "/api/v3/repos/acme/app/labels",
        body=iter([body[:5], body[5:]]),
        encode_chunked=True,
        headers={"Authorization": f"token {TOKEN}", "Transfer-Encoding": "chunked"},
    )
    assert conn.getresponse().status == 201
    assert gh.labels("acme/app") == ["chunky"]


# --- git over HTTP ----------------------------------------------------------------------


def test_git_clone_and_push_over_http(gh: LocalGitHub, tmp_path: Path) -> None:
    work = tmp_path / "clone"
    assert git("clone", "-q", gh.git_url("acme/app", TOKEN), str(work)).returncode == 0
    assert (work / "schema/SPEC.yaml").read_bytes() == SPEC
    (work / "big.bin").write_bytes(os.urandom(3 * 1024 * 1024))  # over 1 MiB: a chunked push
    git("add", "-A", cwd=work)
    git("commit", "-qm", "big", cwd=work)
    pushed = git("push", "-q", "origin", "HEAD:refs/heads/big", cwd=work)
    assert pushed.returncode == 0, pushed.stderr
    head = git("rev-parse", "HEAD", cwd=work).stdout.strip()
    assert gh.branch_sha("acme/app", "big") == head
    listed = api(gh, "GET", "/repos/acme/app/git/ref/heads/big").json()
    assert listed["object"]["sha"] == head
    assert gh.reads() and not gh.writes()  # git traffic is not REST traffic


def test_git_auth(gh: LocalGitHub, tmp_path: Path) -> None:
    gh.create_repo("acme/secret", private=True, files={"a": "b"})
    gh.add_token("reader", {"acme/secret": "read"})
    assert git("clone", "-q", gh.git_url("acme/secret"), str(tmp_path / "anon")).returncode != 0
    assert (
        git("clone", "-q", gh.git_url("acme/secret", "wrong"), str(tmp_path / "bad")).returncode
        != 0
    )
    work = tmp_path / "reader"
    assert git("clone", "-q", gh.git_url("acme/secret", "reader"), str(work)).returncode == 0
    refused = git("push", "-q", "origin", "HEAD:refs/heads/x", cwd=work)
    assert refused.returncode != 0 and "denied" in refused.stderr
    assert gh.branch_sha("acme/secret", "x") is None
