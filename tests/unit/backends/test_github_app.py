"""GitHub App authentication: JWTs, one installation token per owner, the action using them.

No mocks: an RSA key is generated here, the local GitHub verifies the app's JWTs
with its public half and mints installation tokens, and PyGithub talks to it over
real HTTP, from `GitHubHosting.for_app` and from the real entrypoint.
"""

from __future__ import annotations

import json
import time
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime
from typing import Any

import jwt
import pytest
import requests
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.hazmat.primitives.serialization import (
    BestAvailableEncryption,
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from sync_action.backends.github.hosting import GitHubHosting
from sync_action.core.errors import EXIT_REMOTE, EXIT_USAGE, Forbidden, NotFound, UsageError
from tests.actionrun import CONSUMER, SOURCE, ActionRun, leaks, pull_request_event, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_action_drift import changed_spec
from tests.localgithub import LocalGitHub
from tests.localgithub.appauth import BAD_IAT, EXPIRED, TOO_LONG, UNDECODABLE

APP_ID = 424242
BOT = "schema-sync[bot]"
ADMIN = "STRUKT1/strukt-admin"
SECOND = "acme-labs"  # a second owner, with an installation of its own
WEB = f"{SECOND}/strukt-web"
OUTSIDER = "outsider/strukt-tools"  # an owner the app is not installed on
INSTALLATIONS = {"STRUKT1": 1001, SECOND: 1002}
BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
OLD = b"spec_version: v1.0.0\ntables: {}\n"
NEW = b"spec_version: v1.1.0\ntables: {}\n"


def private_pem(key: rsa.RSAPrivateKey | ec.EllipticCurvePrivateKey) -> str:
    """PKCS#1 for RSA (`BEGIN RSA PRIVATE KEY`), the format GitHub hands out."""
    form = PrivateFormat.TraditionalOpenSSL
    return key.private_bytes(Encoding.PEM, form, NoEncryption()).decode()


def public_pem(key: rsa.RSAPrivateKey) -> str:
    return key.public_key().public_bytes(Encoding.PEM, PublicFormat.SubjectPublicKeyInfo).decode()


@pytest.fixture(scope="module")
def key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def other_key() -> rsa.RSAPrivateKey:
    return rsa.generate_private_key(public_exponent=65537, key_size=2048)


@pytest.fixture(scope="module")
def private_key(key: rsa.RSAPrivateKey) -> str:
    return private_pem(key)


@pytest.fixture
def gh(local_github: LocalGitHub, key: rsa.RSAPrivateKey) -> LocalGitHub:
    for repo in (CONSUMER, ADMIN, WEB, OUTSIDER):
        local_github.create_repo(repo, {SPEC_PATH: OLD})
    local_github.add_app(APP_ID, public_pem(key), INSTALLATIONS)
    return local_github


@pytest.fixture
def host(gh: LocalGitHub, private_key: str) -> GitHubHosting:
    return GitHubHosting.for_app(gh.api_url, APP_ID, private_key, backoff=0.01)


def signed(key: rsa.RSAPrivateKey, **claims: Any) -> str:
    """A JWT as PyGithub makes it (issued a minute back, five minutes long), claims overridden."""
    now = int(time.time())
    payload = {"iat": now - 60, "exp": now + 300, "iss": str(APP_ID), **claims}
    # Signed as raw JWS: PyJWT's encoder would refuse a numeric `iss`, which GitHub takes.
    return jwt.api_jws.encode(json.dumps(payload).encode(), key, algorithm="RS256")


def call(
    gh: LocalGitHub, method: str, path: str, credential: str, body: Any = None
) -> requests.Response:
    headers = {"Authorization": credential} if credential else {}
    return requests.request(method, gh.api_url + path, headers=headers, json=body, timeout=10)


def mint_paths(gh: LocalGitHub) -> list[str]:
    return sorted(r.path for r in gh.requests("POST", "/access_tokens"))


def lookups(gh: LocalGitHub) -> list[str]:
    return [r.path for r in gh.requests("GET") if r.path.endswith("/installation")]


def key_lines(private_key: str) -> list[str]:
    """The base64 body of the key, line by line (long enough not to match by chance)."""
    return [ln for ln in private_key.splitlines() if not ln.startswith("-----") and len(ln) >= 16]


# --- the local GitHub: JWTs and installation tokens -----------------------------------------


def test_a_valid_jwt_finds_the_installation_and_mints_an_hour_long_token(
    gh: LocalGitHub, key: rsa.RSAPrivateKey
) -> None:
    for iss in (str(APP_ID), APP_ID):  # GitHub takes the app id as a string or a number
        found = call(gh, "GET", f"/repos/{CONSUMER}/installation", f"Bearer {signed(key, iss=iss)}")
        assert found.status_code == 200, found.text
        assert (found.json()["id"], found.json()["app_id"]) == (1001, APP_ID)
        assert found.json()["account"]["login"] == "STRUKT1"
    minted = call(gh, "POST", "/app/installations/1001/access_tokens", f"Bearer {signed(key)}", {})
    assert minted.status_code == 201, minted.text
    token = minted.json()["token"]
    expires = datetime.strptime(minted.json()["expires_at"], "%Y-%m-%dT%H:%M:%SZ")
    left = expires.replace(tzinfo=UTC).timestamp() - time.time()
    assert 3500 < left <= 3600
    auth = f"token {token}"
    assert call(gh, "GET", f"/repos/{CONSUMER}/contents/{SPEC_PATH}", auth).status_code == 200
    assert call(gh, "POST", f"/repos/{ADMIN}/labels", auth, {"name": "ok"}).status_code == 201
    other = call(gh, "POST", f"/repos/{WEB}/labels", auth, {"name": "no"})
    assert (other.status_code, other.json()["message"]) == (
        403,
        "Resource not accessible by integration",
    )


@pytest.mark.parametrize(
    ("claims", "message"),
    [
        ({"iat": -700, "exp": -100}, EXPIRED),
        ({"iat": 0, "exp": 900}, TOO_LONG),
        ({"iat": 300, "exp": 500}, BAD_IAT),
        ({"iss": "999"}, UNDECODABLE),  # no such app
        ({"iss": None}, UNDECODABLE),
    ],
    ids=["expired", "longer-than-10-minutes", "issued-in-the-future", "unknown-app", "no-iss"],
)
def test_the_server_refuses_bad_jwts_with_githubs_401(
    gh: LocalGitHub, key: rsa.RSAPrivateKey, claims: dict[str, Any], message: str
) -> None:
    now = int(time.time())
    times = {k: now + v for k, v in claims.items() if k in ("iat", "exp")}
    token = signed(key, **{**claims, **times})
    for method, path in (
        ("GET", f"/repos/{CONSUMER}/installation"),
        ("POST", "/app/installations/1001/access_tokens"),
    ):
        refused = call(gh, method, path, f"Bearer {token}")
        assert (refused.status_code, refused.json()["message"]) == (401, message)
    assert gh.installation_tokens() == []


def test_a_forged_or_unsigned_jwt_is_refused(
    gh: LocalGitHub, key: rsa.RSAPrivateKey, other_key: rsa.RSAPrivateKey
) -> None:
    now = int(time.time())
    claims = {"iat": now - 60, "exp": now + 300, "iss": str(APP_ID)}
    forged = signed(other_key)
    hmac = jwt.encode(claims, "a-shared-secret-of-at-least-32-bytes", algorithm="HS256")
    for credential in (f"Bearer {forged}", f"Bearer {hmac}", "Bearer not.a.jwt", "token abc"):
        refused = call(gh, "POST", "/app/installations/1001/access_tokens", credential)
        assert (refused.status_code, refused.json()["message"]) == (401, UNDECODABLE)
    missing = call(gh, "GET", f"/repos/{CONSUMER}/installation", "")
    assert (missing.status_code, missing.json()["message"]) == (401, "Requires authentication")
    assert gh.installation_tokens() == []


def test_a_jwt_is_no_token_and_a_token_works_only_until_it_expires(
    gh: LocalGitHub, key: rsa.RSAPrivateKey
) -> None:
    app_jwt = f"Bearer {signed(key)}"
    refused = call(gh, "GET", f"/repos/{CONSUMER}", app_jwt)
    assert (refused.status_code, refused.json()["message"]) == (401, "Bad credentials")
    token = call(gh, "POST", "/app/installations/1001/access_tokens", app_jwt).json()["token"]
    as_jwt = call(gh, "GET", f"/repos/{CONSUMER}/installation", f"Bearer {token}")
    assert (as_jwt.status_code, as_jwt.json()["message"]) == (401, UNDECODABLE)
    assert call(gh, "GET", f"/repos/{CONSUMER}", f"token {token}").status_code == 200
    [held] = gh.installation_tokens("STRUKT1")
    held.expires_at = time.time() - 1
    expired = call(gh, "GET", f"/repos/{CONSUMER}", f"token {token}")
    assert (expired.status_code, expired.json()["message"]) == (401, "Bad credentials")


def test_no_installation_on_an_owner_is_404(gh: LocalGitHub, key: rsa.RSAPrivateKey) -> None:
    app_jwt = f"Bearer {signed(key)}"
    for method, path in (
        ("GET", f"/repos/{OUTSIDER}/installation"),
        ("GET", "/repos/STRUKT1/no-such-repo/installation"),
        ("POST", "/app/installations/9999/access_tokens"),
    ):
        assert call(gh, method, path, app_jwt).status_code == 404


# --- GitHubHosting.for_app -------------------------------------------------------------------


def test_for_app_reads_files_and_opens_a_pull_request(gh: LocalGitHub, host: GitHubHosting) -> None:
    found = host.read_file(CONSUMER, SPEC_PATH, None)
    assert (found.content, found.ref) == (OLD, "main")
    head = host.branch_head(CONSUMER, "main")
    assert head is not None
    host.create_branch(CONSUMER, BRANCH, head)
    host.commit_file(CONSUMER, BRANCH, SPEC_PATH, NEW, "sync", found.blob_sha)
    pull = host.open_pull(CONSUMER, BRANCH, "main", "chore(schema): sync", "body")
    host.add_labels(CONSUMER, pull.number, ["schema-sync"])
    [opened] = gh.pulls(CONSUMER, "open")
    assert (opened.number, opened.user, opened.labels) == (pull.number, BOT, ["schema-sync"])
    assert gh.read(CONSUMER, BRANCH, SPEC_PATH) == NEW
    assert lookups(gh) == [f"/repos/{CONSUMER}/installation"]
    assert mint_paths(gh) == ["/app/installations/1001/access_tokens"]


def test_one_token_is_minted_per_owner_however_many_threads_ask(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    # A slow mint: without the per-owner lock, every thread would mint its own token.
    gh.inject("POST", r"/access_tokens$", status=None, latency=0.3, times=None)
    repos = [CONSUMER, ADMIN, WEB] * 4
    with ThreadPoolExecutor(max_workers=8) as pool:
        files = list(pool.map(lambda repo: host.read_file(repo, SPEC_PATH, "main"), repos))
    assert [f.content for f in files] == [OLD] * len(repos)
    assert mint_paths(gh) == [
        "/app/installations/1001/access_tokens",
        "/app/installations/1002/access_tokens",
    ]
    assert sorted(path.split("/")[2] for path in lookups(gh)) == ["STRUKT1", SECOND]
    assert len(gh.installation_tokens("STRUKT1")) == len(gh.installation_tokens(SECOND)) == 1


def test_a_token_near_its_expiry_is_minted_anew_without_a_new_lookup(
    gh: LocalGitHub, key: rsa.RSAPrivateKey, private_key: str
) -> None:
    gh.add_app(777, public_pem(key), INSTALLATIONS, token_lifetime=120)  # < 5 minutes left
    host = GitHubHosting.for_app(gh.api_url, "777", private_key)
    for _ in range(2):
        assert host.read_file(CONSUMER, SPEC_PATH, "main").content == OLD
    assert len(mint_paths(gh)) == 2
    assert lookups(gh) == [f"/repos/{CONSUMER}/installation"]


def test_a_failed_mint_is_retried_with_the_same_settings(
    gh: LocalGitHub, host: GitHubHosting
) -> None:
    gh.inject("POST", r"/access_tokens$", status=502)
    assert host.read_file(CONSUMER, SPEC_PATH, "main").content == OLD
    assert [r.status for r in gh.requests("POST", "/access_tokens")] == [502, 201]
    assert len(gh.installation_tokens()) == 1


def test_an_owner_without_the_app_is_a_clear_not_found(
    gh: LocalGitHub, host: GitHubHosting, private_key: str
) -> None:
    with pytest.raises(NotFound) as refused:
        host.read_file(OUTSIDER, SPEC_PATH, None)
    message = refused.value.message
    assert f"GitHub App {APP_ID} is not installed on outsider" in message
    assert "Install the app on outsider" in message
    assert "Contents, Pull requests and Issues: read and write" in message
    assert refused.value.exit_code == EXIT_REMOTE
    assert mint_paths(gh) == []
    assert host.read_file(WEB, SPEC_PATH, None).content == OLD  # other owners go on
    assert not any(line in message for line in key_lines(private_key))


def test_a_key_github_refuses_is_a_remote_error(
    gh: LocalGitHub, other_key: rsa.RSAPrivateKey, private_key: str
) -> None:
    gh.add_app(555, public_pem(other_key), INSTALLATIONS)  # registered with another key
    for app_id in (555, APP_ID + 1):  # the wrong key; an app id that does not exist
        host = GitHubHosting.for_app(gh.api_url, app_id, private_key)
        with pytest.raises(Forbidden) as refused:
            host.read_file(CONSUMER, SPEC_PATH, None)
        message = refused.value.message
        assert f"GitHub refused the GitHub App {app_id}'s JWT (401 {UNDECODABLE})" in message
        assert "app-id" in message and "app-private-key" in message
        assert refused.value.exit_code == EXIT_REMOTE
        assert not any(line in message for line in key_lines(private_key))
    assert gh.installation_tokens() == []


def _encrypted(key: rsa.RSAPrivateKey) -> str:
    form, crypt = PrivateFormat.TraditionalOpenSSL, BestAvailableEncryption(b"passphrase")
    return key.private_bytes(Encoding.PEM, form, crypt).decode()


@pytest.mark.parametrize(
    ("make", "reason"),
    [
        (lambda key: "not a key", "is not a PEM private key"),
        (lambda key: private_pem(key)[:300], "is not a PEM private key"),  # truncated
        (public_pem, "is not a PEM private key"),
        (lambda key: private_pem(ec.generate_private_key(ec.SECP256R1())), "is not an RSA key"),
        (_encrypted, "is encrypted"),
    ],
    ids=["text", "truncated", "public-key", "ec-key", "encrypted"],
)
def test_a_malformed_key_is_bad_input_before_any_request(
    key: rsa.RSAPrivateKey, make: Any, reason: str
) -> None:
    text = make(key)
    with pytest.raises(UsageError) as bad:
        GitHubHosting.for_app("http://127.0.0.1:9/api/v3", APP_ID, text)
    assert f"Input 'app-private-key' {reason}" in bad.value.message
    assert bad.value.exit_code == EXIT_USAGE
    assert not any(line in bad.value.message for line in key_lines(text))


def test_a_key_with_escaped_line_breaks_is_accepted(gh: LocalGitHub, private_key: str) -> None:
    host = GitHubHosting.for_app(gh.api_url, APP_ID, private_key.replace("\n", "\\n"))
    assert host.read_file(CONSUMER, SPEC_PATH, "main").content == OLD


# --- end to end: the real entrypoint as the runner runs it -----------------------------------


@pytest.fixture
def e2e(local_github: LocalGitHub, current_spec: bytes, key: rsa.RSAPrivateKey) -> LocalGitHub:
    """Source and consumers under two owners, the app on both; no token is registered."""
    for repo in (SOURCE, CONSUMER, WEB, OUTSIDER):
        local_github.create_repo(repo, {SPEC_PATH: current_spec})
    local_github.add_app(APP_ID, public_pem(key), INSTALLATIONS)
    return local_github


def run_as_app(
    workspace: Any, github: LocalGitHub, private_key: str, app_id: int = APP_ID, **kw: Any
) -> ActionRun:
    inputs = {"app-id": str(app_id), "app-private-key": private_key, **kw.pop("inputs", {})}
    run = run_action(workspace, github, inputs, token="", **kw)
    assert_secrets_absent(run, github, private_key)
    return run


def assert_secrets_absent(run: ActionRun, github: LocalGitHub, private_key: str) -> None:
    """No line of the key and no minted token anywhere the run left text."""
    secrets = key_lines(private_key) + [t.value for t in github.installation_tokens()]
    leaked = leaks(run, github, secrets)
    assert not leaked, f"the app's key or a minted token leaked into {leaked}"


def test_sync_as_an_app_opens_a_pull_request_in_each_owners_consumer(
    workspace: Any, e2e: LocalGitHub, private_key: str, current_spec: bytes
) -> None:
    source = changed_spec(current_spec)
    (workspace / SPEC_PATH).write_bytes(source)
    peers = f"{CONSUMER}\n{WEB}"
    run = run_as_app(workspace, e2e, private_key, inputs={"mode": "sync", "peer-repos": peers})
    assert run.returncode == 0, run.stdout + run.stderr
    for repo in (CONSUMER, WEB):
        [pull] = e2e.pulls(repo, "open")
        assert (pull.head, pull.user) == (BRANCH, BOT)
        assert e2e.read(repo, BRANCH, SPEC_PATH) == source
    assert run.outputs["sync-status"] == f"{CONSUMER}=created\n{WEB}=created"
    assert mint_paths(e2e) == [
        "/app/installations/1001/access_tokens",
        "/app/installations/1002/access_tokens",
    ]
    assert sorted(lookups(e2e)) == sorted(f"/repos/{repo}/installation" for repo in (CONSUMER, WEB))


def test_no_line_of_the_key_reaches_the_log_bare(
    workspace: Any, e2e: LocalGitHub, private_key: str
) -> None:
    """A workflow command is one line: one `::add-mask::` for the whole key would print
    every line after its first as plain log text."""
    run = run_as_app(workspace, e2e, private_key, inputs={"peer-repos": CONSUMER})
    assert run.returncode == 0, run.stdout + run.stderr
    bare = [ln for ln in run.stdout.splitlines() if ln.strip() in key_lines(private_key)]
    assert bare == [], f"{len(bare)} lines of the private key printed without a mask"


def test_drift_as_an_app_comments_through_the_source_owners_installation(
    workspace: Any, e2e: LocalGitHub, private_key: str, current_spec: bytes
) -> None:
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    e2e.open_pull(SOURCE, "feature")
    run = run_as_app(
        workspace,
        e2e,
        private_key,
        inputs={"peer-repos": WEB},
        event_name="pull_request",
        event=pull_request_event(1),
    )
    assert run.returncode == 1, run.stdout + run.stderr
    assert run.outputs["drift"] == "true"
    [comment] = e2e.comments(SOURCE, 1)
    assert comment.user == BOT
    assert "Meals › Calories (fldUOPuN6n39Aj1v7): type number → string" in comment.body
    assert mint_paths(e2e) == [  # the source's owner (for the comment) and the peer's
        "/app/installations/1001/access_tokens",
        "/app/installations/1002/access_tokens",
    ]


def test_an_owner_without_the_app_fails_only_its_peer(
    workspace: Any, e2e: LocalGitHub, private_key: str, current_spec: bytes
) -> None:
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    peers = f"{CONSUMER}, {OUTSIDER}"
    run = run_as_app(workspace, e2e, private_key, inputs={"mode": "sync", "peer-repos": peers})
    assert run.returncode == EXIT_REMOTE
    assert run.outputs["sync-status"] == f"{CONSUMER}=created\n{OUTSIDER}=failed"
    assert len(e2e.pulls(CONSUMER, "open")) == 1
    assert any("is not installed on outsider" in line for line in run.commands("error"))


def test_a_malformed_key_stops_the_run_with_exit_2(workspace: Any, e2e: LocalGitHub) -> None:
    body = "Tm90QUtleUJ1dFNlY3JldEFueXdheTEyMzQ1"
    bad = f"-----BEGIN RSA PRIVATE KEY-----\n{body}\n-----END RSA PRIVATE KEY-----\n"
    run = run_as_app(workspace, e2e, bad, inputs={"mode": "sync", "peer-repos": CONSUMER})
    assert run.returncode == EXIT_USAGE
    [error] = run.commands("error")
    assert "app-private-key" in error and "is not a PEM private key" in error
    assert e2e.requests() == []


def test_a_key_github_refuses_exits_3_and_writes_nothing(
    workspace: Any, e2e: LocalGitHub, private_key: str, current_spec: bytes
) -> None:
    (workspace / SPEC_PATH).write_bytes(changed_spec(current_spec))
    run = run_as_app(
        workspace,
        e2e,
        private_key,
        app_id=APP_ID + 1,
        inputs={"mode": "sync", "peer-repos": CONSUMER},
    )
    assert run.returncode == EXIT_REMOTE
    assert any("refused the GitHub App" in line for line in run.commands("error"))
    assert e2e.writes() == [] and e2e.pulls(CONSUMER) == []
