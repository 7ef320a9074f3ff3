"""GitHubHosting against the local GitHub: results, request counts, retries, errors.

No mocks: every call is real HTTP through PyGithub to the local server, whose
request log gives the counts and whose faults produce the failures.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Callable

import pytest

from sync_action.backends.github.hosting import GitHubHosting
from sync_action.core.errors import Conflict, Forbidden, NotFound, RemoteError
from tests.localgithub import LocalGitHub

TOKEN = "ghs_SECRETsyncTOKEN0123456789"
REPO = "acme/consumer"
PATH = "schema/AIRTABLE_SPEC.yaml"
BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
OLD = b"spec_version: v1.0.0\ntables: {}\n"
NEW = b"spec_version: v1.1.0\ntables: {}\n"


@pytest.fixture
def gh(local_github: LocalGitHub) -> LocalGitHub:
    local_github.create_repo(REPO, files={PATH: OLD, "docs/README.md": b"docs\n"})
    local_github.add_token(TOKEN, {REPO: "write"})
    return local_github


@pytest.fixture
def host(gh: LocalGitHub) -> GitHubHosting:
    return GitHubHosting(gh.api_url, TOKEN, backoff=0.01)


def counted(gh: LocalGitHub, work: Callable[[], object]) -> tuple[int, int]:
    """(reads, writes) that `work` sent."""
    gh.reset_log()
    work()
    return len(gh.reads()), len(gh.writes())


def sync_branch(gh: LocalGitHub, content: bytes = NEW) -> str:
    """The sync branch with `content`, as a previous run would have left it."""
    return gh.commit(REPO, BRANCH, {PATH: content}, "sync")


def head_of(gh: LocalGitHub, branch: str = "main", repo: str = REPO) -> str:
    sha = gh.branch_sha(repo, branch)
    assert sha is not None
    return sha


def assert_no_token(exc: BaseException) -> None:
    for text in (str(exc), repr(exc), getattr(exc, "message", "")):
        assert TOKEN not in text


# --- reading ------------------------------------------------------------------------------


def test_read_file_in_one_request(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.reset_log()
    found = host.read_file(REPO, PATH, "main")
    assert (found.content, found.ref, found.missing) == (OLD, "main", False)
    entry = gh.repo(REPO).git.entry(head_of(gh), PATH)
    assert entry is not None and found.blob_sha == entry.sha
    assert [r.query for r in gh.reads()] == [{"ref": "main"}]
    default = host.read_file(REPO, PATH, None)
    assert default.content == OLD and default.ref == "main"
    assert gh.reads()[-1].query == {}  # no ref sent: GitHub serves the default branch
    assert len(gh.requests()) == 2


def test_drift_with_one_peer_takes_at_most_two_requests(gh: LocalGitHub) -> None:
    fresh = GitHubHosting(gh.api_url, TOKEN)
    reads, writes = counted(gh, lambda: fresh.read_file(REPO, PATH, fresh.default_branch(REPO)))
    assert (reads, writes) == (2, 0)
    with_ref = GitHubHosting(gh.api_url, TOKEN)
    assert counted(gh, lambda: with_ref.read_file(REPO, PATH, "main")) == (1, 0)


def test_read_file_missing_and_unknown(gh: LocalGitHub, host: GitHubHosting) -> None:
    missing = host.read_file(REPO, "schema/NOPE.yaml", None)
    assert missing.missing and missing.blob_sha is None and missing.ref == "main"
    with pytest.raises(NotFound, match="no branch, tag or commit 'nope'"):
        host.read_file(REPO, PATH, "nope")
    with pytest.raises(NotFound, match="exists and that the token can see it") as unknown:
        host.read_file("acme/ghost", PATH, "main")
    assert_no_token(unknown.value)
    with pytest.raises(RemoteError, match="is a directory"):
        host.read_file(REPO, "docs", "main")


def test_read_large_file_through_the_blob_api(gh: LocalGitHub, host: GitHubHosting) -> None:
    big = os.urandom(1024 * 1024 + 1)
    gh.commit(REPO, "main", {"big.bin": big})
    reads, _ = counted(gh, lambda: host.read_file(REPO, "big.bin", "main"))
    assert host.read_file(REPO, "big.bin", "main").content == big
    assert reads == 2 and gh.reads()[-1].operation == "git/get-blob"


def test_default_branch_and_branch_head(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.create_repo("acme/trunk", default_branch="trunk")
    gh.add_token(TOKEN, {REPO: "write", "acme/trunk": "read"})
    assert counted(gh, lambda: host.default_branch("acme/trunk")) == (1, 0)
    assert host.default_branch("acme/trunk") == "trunk"
    assert counted(gh, lambda: host.default_branch("acme/trunk")) == (0, 0)  # cached
    assert host.branch_head(REPO, "main") == gh.branch_sha(REPO, "main")
    assert host.branch_head(REPO, "no/such") is None
    assert counted(gh, lambda: host.branch_head(REPO, "main")) == (1, 0)


def test_find_pull_reads_labels_from_the_listing(gh: LocalGitHub, host: GitHubHosting) -> None:
    assert host.find_pull(REPO, BRANCH) is None
    sync_branch(gh)
    seeded = gh.open_pull(REPO, BRANCH, title="Sync", body="body")
    gh.add_label(REPO, "bot")
    seeded.labels.append("bot")
    gh.reset_log()
    found = host.find_pull(REPO, BRANCH)
    assert found is not None and len(gh.requests()) == 1
    assert found.number == seeded.number and found.labels == ("bot",)
    assert found.url == f"{gh.server_url}/{REPO}/pull/{seeded.number}"
    assert (found.head_ref, found.base_ref) == (BRANCH, "main")
    assert (found.title, found.body) == ("Sync", "body")
    assert found.head_sha == gh.branch_sha(REPO, BRANCH)
    query = gh.reads()[0].query
    assert query["head"] == f"acme:{BRANCH}" and query["state"] == "open"


def test_find_comment_walks_every_page(gh: LocalGitHub, host: GitHubHosting) -> None:
    sync_branch(gh)
    number = gh.open_pull(REPO, BRANCH).number
    for i in range(230):
        gh.add_comment(REPO, number, f"noise {i}")
    marker = "<!-- schema-sync:drift:schema/AIRTABLE_SPEC.yaml -->"
    made = gh.add_comment(REPO, number, f"{marker}\nreport", user="github-actions[bot]")
    gh.reset_log()
    found = host.find_comment(REPO, number, marker)
    assert found is not None and found.id == made.id and found.body.startswith(marker)
    assert len(gh.reads()) == 3  # 231 comments, 100 a page
    assert host.find_comment(REPO, number, "<!-- other -->") is None


# --- the sync flows and their request budgets --------------------------------------------------


def test_sync_created_flow_within_budget(gh: LocalGitHub, host: GitHubHosting) -> None:
    def created() -> None:
        base = host.read_file(REPO, PATH, None)
        assert host.find_pull(REPO, BRANCH) is None
        head = host.branch_head(REPO, base.ref)
        assert head is not None
        host.create_branch(REPO, BRANCH, head)
        host.commit_file(REPO, BRANCH, PATH, NEW, "chore(schema): sync", base.blob_sha)
        pull = host.open_pull(REPO, BRANCH, base.ref, "Sync", "body")
        host.add_labels(REPO, pull.number, ["schema-sync", "bot", "safe-to-merge"])

    reads, writes = counted(gh, created)
    assert reads <= 4 and writes <= 4
    (pull,) = gh.pulls(REPO)
    assert pull.labels == ["schema-sync", "bot", "safe-to-merge"]
    assert gh.labels(REPO) == ["schema-sync", "bot", "safe-to-merge"]
    assert gh.read(REPO, BRANCH, PATH) == NEW


def test_sync_unchanged_and_updated_within_budget(gh: LocalGitHub, host: GitHubHosting) -> None:
    sync_branch(gh, OLD + b"# older sync\n")
    number = gh.open_pull(REPO, BRANCH).number

    def unchanged() -> None:
        host.read_file(REPO, PATH, None)
        host.find_pull(REPO, BRANCH)
        host.read_file(REPO, PATH, BRANCH)

    assert counted(gh, unchanged) == (3, 0)
    current = host.read_file(REPO, PATH, BRANCH)

    def updated() -> None:
        host.commit_file(REPO, BRANCH, PATH, NEW, "sync again", current.blob_sha)
        host.edit_pull(REPO, number, "New title", "New body")

    assert counted(gh, updated) == (0, 2)
    assert gh.read(REPO, BRANCH, PATH) == NEW
    assert (gh.pulls(REPO)[0].title, gh.pulls(REPO)[0].body) == ("New title", "New body")


def test_single_request_writes(gh: LocalGitHub, host: GitHubHosting) -> None:
    head = head_of(gh)
    assert counted(gh, lambda: host.create_branch(REPO, BRANCH, head)) == (0, 1)
    moved = sync_branch(gh)
    assert counted(gh, lambda: host.reset_branch(REPO, BRANCH, head)) == (0, 1)
    assert gh.branch_sha(REPO, BRANCH) == head != moved
    sync_branch(gh)
    number = gh.open_pull(REPO, BRANCH).number
    assert counted(gh, lambda: host.add_labels(REPO, number, ["a", "b"])) == (0, 1)
    assert counted(gh, lambda: host.add_labels(REPO, number, [])) == (0, 0)
    comment = host.create_comment(REPO, number, "first")
    assert counted(gh, lambda: host.edit_comment(REPO, comment.id, "second")) == (0, 1)
    assert gh.comments(REPO, number)[0].body == "second"
    assert counted(gh, lambda: host.close_pull(REPO, number, "not needed")) == (0, 2)
    assert counted(gh, lambda: host.delete_branch(REPO, BRANCH)) == (0, 1)
    assert gh.branch_sha(REPO, BRANCH) is None
    host.delete_branch(REPO, BRANCH)  # already gone: nothing to do
    assert gh.pulls(REPO)[0].state == "closed"
    assert gh.comments(REPO, number)[-1].body == "not needed"


def test_commit_file_creates_and_returns_the_commit(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.create_branch(REPO, BRANCH)
    sha = host.commit_file(REPO, BRANCH, "schema/NEW.yaml", NEW, "add", None)
    assert sha == gh.branch_sha(REPO, BRANCH)
    assert gh.repo(REPO).git.commit_meta(sha).message == "add"
    assert gh.read(REPO, sha, "schema/NEW.yaml") == NEW


# --- conflicts and refusals -------------------------------------------------------------------


def test_conflicts(gh: LocalGitHub, host: GitHubHosting) -> None:
    head = head_of(gh)
    host.create_branch(REPO, BRANCH, head)
    with pytest.raises(Conflict):
        host.create_branch(REPO, BRANCH, head)
    with pytest.raises(Conflict) as stale:
        host.commit_file(REPO, BRANCH, PATH, NEW, "m", "0" * 40)
    assert stale.value.status == 409
    with pytest.raises(Conflict):
        host.commit_file(REPO, BRANCH, PATH, NEW, "m", None)  # exists, caller thought not
    with pytest.raises(NotFound):
        host.commit_file(REPO, "no-branch", PATH, NEW, "m", None)
    sync_branch(gh)
    gh.open_pull(REPO, BRANCH)
    with pytest.raises(Conflict, match="already exists"):
        host.open_pull(REPO, BRANCH, "main", "t", "b")
    gh.create_branch(REPO, "empty")
    with pytest.raises(RemoteError, match="No commits between main and empty"):
        host.open_pull(REPO, "empty", "main", "t", "b")


def test_refusals_say_how_to_fix_them(gh: LocalGitHub) -> None:
    gh.create_repo("acme/readonly", files={PATH: OLD})
    gh.create_repo("acme/old", files={PATH: OLD}, archived=True)
    gh.add_token(TOKEN, {REPO: "write", "acme/readonly": "read", "acme/old": "write"})
    host = GitHubHosting(gh.api_url, TOKEN, backoff=0.01)
    head = head_of(gh, repo="acme/readonly")
    errors = []
    with pytest.raises(Forbidden, match=r"lacks the permission.*contents: write") as denied:
        host.create_branch("acme/readonly", BRANCH, head)
    errors.append(denied.value)
    with pytest.raises(Forbidden, match="archived") as archived:
        host.create_branch("acme/old", BRANCH, head_of(gh, repo="acme/old"))
    errors.append(archived.value)
    sync_branch(gh)
    gh.repo(REPO).actions_can_create_prs = False
    with pytest.raises(Forbidden, match="Settings → Actions → General") as actions:
        host.open_pull(REPO, BRANCH, "main", "t", "b")
    assert "https://docs.github.com/" in actions.value.message
    errors.append(actions.value)
    with pytest.raises(Forbidden, match="invalid or expired") as bad:
        GitHubHosting(gh.api_url, TOKEN + "x").read_file(REPO, PATH, "main")
    errors.append(bad.value)
    for exc in errors:
        assert_no_token(exc)
        assert exc.exit_code == 3


def test_refusals_are_not_retried(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.add_token(TOKEN, {REPO: "read"})
    gh.reset_log()
    with pytest.raises(Forbidden):
        host.reset_branch(REPO, "main", head_of(gh))
    assert len(gh.requests()) == 1


# --- retries ------------------------------------------------------------------------------------


def test_get_is_retried_on_502(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.inject("GET", r"/contents/", status=502, times=2)
    assert host.read_file(REPO, PATH, "main").content == OLD
    assert [r.status for r in gh.requests()] == [502, 502, 200]


def test_retries_give_up_with_a_remote_error(gh: LocalGitHub) -> None:
    host = GitHubHosting(gh.api_url, TOKEN, retries=2, backoff=0.01)
    gh.inject("GET", r"/git/ref/", status=503, times=None)
    with pytest.raises(RemoteError, match="503") as failed:
        host.branch_head(REPO, "main")
    assert failed.value.exit_code == 3 and failed.value.status == 503
    assert_no_token(failed.value)
    assert len(gh.requests()) == 3


def test_dropped_connections_on_reads_are_retried(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.inject("GET", r"/pulls$", reset_connection=True)
    assert host.find_pull(REPO, BRANCH) is None
    assert [r.status for r in gh.requests()] == [0, 200]


def test_put_retried_after_it_succeeded_surfaces_as_conflict(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    """The sync engine re-reads on Conflict and finds its own content: nothing is lost."""
    gh.create_branch(REPO, BRANCH)
    blob = host.read_file(REPO, PATH, BRANCH).blob_sha
    gh.inject("PUT", r"/contents/", status=502, after=True)
    with pytest.raises(Conflict):
        host.commit_file(REPO, BRANCH, PATH, NEW, "m", blob)
    assert gh.read(REPO, BRANCH, PATH) == NEW
    assert [r.status for r in gh.writes()] == [502, 409]


def test_open_pull_after_ambiguous_502_finds_the_pull_instead_of_duplicating(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    sync_branch(gh)
    gh.inject("POST", r"/pulls$", status=502, after=True)
    pull = host.open_pull(REPO, BRANCH, "main", "Sync", "body")
    assert len(gh.pulls(REPO)) == 1 and pull.number == gh.pulls(REPO)[0].number
    assert [(r.method, r.status) for r in gh.requests()] == [("POST", 502), ("GET", 200)]


def test_open_pull_after_dropped_connection_does_not_duplicate(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    sync_branch(gh)
    gh.inject("POST", r"/pulls$", reset_connection=True, after=True)
    pull = host.open_pull(REPO, BRANCH, "main", "Sync", "body")
    assert [p.number for p in gh.pulls(REPO)] == [pull.number]


def test_open_pull_not_performed_is_tried_again_after_looking(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    sync_branch(gh)
    gh.inject("POST", r"/pulls$", status=500)
    pull = host.open_pull(REPO, BRANCH, "main", "Sync", "body")
    assert [p.number for p in gh.pulls(REPO)] == [pull.number]
    steps = [(r.method, r.status) for r in gh.requests()]
    assert steps == [("POST", 500), ("GET", 200), ("POST", 201)]  # never resent blindly


def test_create_comment_and_branch_after_ambiguous_failures(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    sync_branch(gh)
    number = gh.open_pull(REPO, BRANCH).number
    gh.inject("POST", r"/comments$", status=502, after=True)
    made = host.create_comment(REPO, number, "<!-- m -->\nonce")
    assert [c.id for c in gh.comments(REPO, number)] == [made.id]
    gh.inject("POST", r"/git/refs$", status=504, after=True)
    host.create_branch(REPO, "other", head_of(gh))
    assert gh.branch_sha(REPO, "other") == gh.branch_sha(REPO, "main")
    gh.inject("POST", r"/labels$", status=502, after=True)
    host.add_labels(REPO, number, ["bot"])
    assert gh.pulls(REPO)[0].labels == ["bot"]


def test_secondary_rate_limit_retry_after_is_honoured_even_for_post(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    sync_branch(gh)
    gh.inject("POST", r"/pulls$", status=403, retry_after=1)
    host.open_pull(REPO, BRANCH, "main", "Sync", "body")
    assert len(gh.pulls(REPO)) == 1
    refused, created = gh.requests("POST")
    assert [refused.status, created.status] == [403, 201]
    assert created.at - refused.at >= 1.0  # asked again only after Retry-After


def test_primary_rate_limit_waits_for_the_reset(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.inject("GET", r"^/repos/acme/consumer$", status=429, ratelimit_reset=0.2)
    assert host.default_branch(REPO) == "main"
    limited, answered = gh.requests()
    assert [limited.status, answered.status] == [429, 200]
    assert answered.at - limited.at >= 0.2  # asked again only after the reset


def test_write_budget_is_waited_out(gh: LocalGitHub, host: GitHubHosting) -> None:
    gh.limit_writes(1, per_seconds=1)
    sync_branch(gh)
    number = gh.open_pull(REPO, BRANCH).number
    host.add_labels(REPO, number, ["a"])
    host.add_labels(REPO, number, ["b"])
    assert gh.pulls(REPO)[0].labels == ["a", "b"]
    assert [r.status for r in gh.writes()] == [200, 403, 200]


def test_rate_limits_beyond_the_retry_time_fail_clearly(gh: LocalGitHub) -> None:
    host = GitHubHosting(gh.api_url, TOKEN, longest_wait=1)
    gh.inject("GET", r"/contents/", status=403, retry_after=30)
    with pytest.raises(RemoteError, match="rate limit") as limited:
        host.read_file(REPO, PATH, "main")
    assert len(gh.requests()) == 1  # a wait past the retry time is not waited: no retry
    assert not isinstance(limited.value, Forbidden)
    assert_no_token(limited.value)


# --- threads ------------------------------------------------------------------------------------


def test_one_hosting_serves_many_threads(gh: LocalGitHub, host: GitHubHosting) -> None:
    names = [f"acme/peer{i}" for i in range(8)]
    for name in names:
        gh.create_repo(name, files={PATH: OLD})
    gh.add_token(TOKEN, None)
    gh.latency = 0.02
    errors: list[BaseException] = []

    def sync(name: str) -> None:
        try:
            base = host.read_file(name, PATH, None)
            head = host.branch_head(name, base.ref)
            assert head is not None
            host.create_branch(name, BRANCH, head)
            host.commit_file(name, BRANCH, PATH, NEW, "sync", base.blob_sha)
            host.open_pull(name, BRANCH, base.ref, "Sync", name)
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=sync, args=(name,)) for name in names]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert gh.max_concurrency > 1
    for name in names:
        (pull,) = gh.pulls(name)
        assert pull.body == name and gh.read(name, BRANCH, PATH) == NEW
