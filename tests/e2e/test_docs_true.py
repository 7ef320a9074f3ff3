"""What the docs say of the CA variables, `--peer-dir` and status mode's log, checked
against the code: a real `schema-sync` against the local GitHub."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.actionrun import CONSUMER, ROOT, SOURCE, TOKEN

README = (ROOT / "README.md").read_text()


def terminal(
    workspace: Path, github, *args: str, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`schema-sync ARGS` typed in the source's checkout, the API at the local GitHub."""
    base = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(workspace),
        "GITHUB_REPOSITORY": SOURCE,
        "GITHUB_API_URL": github.api_url,
        "GITHUB_SERVER_URL": github.server_url,
    }
    return subprocess.run(
        [sys.executable, "-m", "sync_action", *args],
        cwd=workspace,
        capture_output=True,
        text=True,
        env={**base, **(env or {})},
        check=False,
    )


def drift(workspace: Path, github, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return terminal(workspace, github, "drift", "--peer-repos", CONSUMER, "--token", TOKEN, env=env)


def test_a_missing_ssl_cert_file_alone_is_exit_2_naming_it(workspace, github, tmp_path):
    missing = tmp_path / "none.pem"
    done = drift(workspace, github, {"SSL_CERT_FILE": str(missing)})
    assert done.returncode == 2
    assert f"SSL_CERT_FILE={missing}: no such CA file" in done.stderr


@pytest.mark.parametrize("first", ["REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE"])
def test_a_missing_ssl_cert_file_is_not_read_when_requests_own_variable_is_set(
    workspace, github, tmp_path, first
):
    ca = tmp_path / "ca.pem"
    ca.write_text("")  # never loaded: the local GitHub speaks plain HTTP
    done = drift(workspace, github, {first: str(ca), "SSL_CERT_FILE": str(tmp_path / "x.pem")})
    assert done.returncode == 0, done.stderr


def test_requests_ca_bundle_wins_over_curl_ca_bundle(workspace, github, tmp_path):
    ca = tmp_path / "ca.pem"
    ca.write_text("")
    missing = tmp_path / "none.pem"
    done = drift(workspace, github, {"REQUESTS_CA_BUNDLE": str(missing), "CURL_CA_BUNDLE": str(ca)})
    assert done.returncode == 2
    assert f"REQUESTS_CA_BUNDLE={missing}: no such CA file" in done.stderr


def test_the_docs_give_the_ca_variables_in_the_order_the_code_reads_them():
    container = " ".join((ROOT / "docs" / "container.md").read_text().split())
    assert "`REQUESTS_CA_BUNDLE`, `CURL_CA_BUNDLE` (the two" in container
    assert "then `SSL_CERT_FILE`" in container


def test_a_peer_dir_that_is_no_checkout_is_exit_2_as_the_readme_says(tmp_path, workspace):
    plain = tmp_path / "plain"
    plain.mkdir()
    done = subprocess.run(
        [sys.executable, "-m", "sync_action", "drift", "--peer-dir", str(plain)],
        cwd=workspace,
        capture_output=True,
        text=True,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)},
        check=False,
    )
    assert done.returncode == 2
    assert "is not a git checkout" in done.stderr
    row = next(line for line in README.splitlines() if line.startswith("| 2 | bad input"))
    assert "not a git checkout" in row


def test_status_logs_a_latency_it_could_not_measure_in_words(workspace, github):
    done = terminal(workspace, github, "status", "--peer-repos", CONSUMER, "--token", TOKEN)
    assert done.returncode == 0, done.stderr
    assert "latency: none (no sync pull request was merged)" in done.stdout
    assert "None h" not in done.stdout
