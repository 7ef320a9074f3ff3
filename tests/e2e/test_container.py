"""The action in its image, started as the Actions runner starts a Docker action.

Every end-to-end scenario runs in the container when `tests/e2emode.py` says so (CI
requires it); these tests cover what only the container can get wrong: a quiet fall-back
to the host, no git at run time, files owned by the runner's user, nothing written
outside the runner's folders, and a private CA.
"""

from __future__ import annotations

import datetime
import ipaddress
import os
import re
import subprocess
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID

from sync_action.core import workspace_files
from tests import e2emode
from tests.actionrun import CONSUMER, SOURCE, TOKEN, pull_request_event, run_action
from tests.conftest import SPEC_PATH, git
from tests.localgithub.server import LocalGitHub

in_container = pytest.mark.skipif(
    e2emode.requested() == "host" or not e2emode.engine_answers(),
    reason=f"container mode: {e2emode.skip_reason()}",
)


def changed(spec: bytes) -> bytes:
    return spec.replace(b"spec_version: v1.0.0", b"spec_version: v1.1.0").replace(
        b"name: Timezone", b"name: Time zone", 1
    )


def test_required_container_mode_runs_every_scenario_in_the_image(github, workspace):
    """SCHEMA_SYNC_E2E=container never falls back to the host, where git and the
    developer's Python would hide what the image lacks."""
    if e2emode.requested() != "container":
        pytest.skip("container mode is not required (SCHEMA_SYNC_E2E is not 'container')")
    assert e2emode.mode() == "container"
    run = run_action(workspace, github, {"peer-repos": CONSUMER})
    assert run.returncode == 0, run.stdout
    assert run.container and re.fullmatch(r"[0-9a-f]{64}", run.container)


@in_container
def test_drift_in_a_full_clone_of_the_source_exits_1_with_report_and_outputs(
    local_github, tmp_path, current_spec
):
    """The image has no git: the clone's history is unread and the API says the consumer
    is behind (the runner's own git would refuse the foreign-owned clone anyway)."""
    local_github.create_repo(SOURCE, {SPEC_PATH: current_spec})
    head = local_github.commit(SOURCE, "main", {SPEC_PATH: changed(current_spec)}, "v1.1.0")
    local_github.create_repo(CONSUMER, {SPEC_PATH: current_spec})
    local_github.add_token(TOKEN)
    workspace = tmp_path / "workspace"
    (workspace / "schema").mkdir(parents=True)
    git(workspace, "init", "-q", "-b", "main")
    (workspace / SPEC_PATH).write_bytes(current_spec)
    git(workspace, "add", "-A")
    git(workspace, "commit", "-q", "-m", "v1.0.0")
    (workspace / SPEC_PATH).write_bytes(changed(current_spec))
    git(workspace, "commit", "-q", "-am", "v1.1.0")
    run = run_action(workspace, local_github, {"peer-repos": CONSUMER}, env={"GITHUB_SHA": head})
    assert run.returncode == 1, run.stdout
    assert run.commands("error") and not run.stderr.strip()
    assert run.outputs["drift"] == "true"
    assert run.report["drift_detected"] is True
    assert run.report["peers"][0]["provenance"]["state"] == "behind-source"


@in_container
def test_the_action_writes_nothing_outside_the_runner_folders(github, workspace):
    """`docker diff` of the finished container: the image's own file system is untouched;
    all that was written went to the mounted workspace, home, temp and file commands."""
    (workspace / SPEC_PATH).write_bytes(changed((workspace / SPEC_PATH).read_bytes()))
    github.open_pull(SOURCE, "feature")
    run = run_action(
        workspace,
        github,
        {"peer-repos": CONSUMER, "fail-on-drift": "false"},
        event_name="pull_request",
        event=pull_request_event(1),
        keep_container=True,
    )
    try:
        diff = subprocess.run(
            ["docker", "diff", str(run.container)], capture_output=True, text=True, check=True
        ).stdout
    finally:
        subprocess.run(["docker", "rm", str(run.container)], capture_output=True, check=False)
    assert run.returncode == 0, run.stdout
    assert run.report_file.is_file() and github.comments(SOURCE, 1)
    mount_points = {
        "/github",
        "/github/file_commands",
        "/github/home",
        "/github/runner_temp",
        "/github/workflow",
        "/github/workspace",
    }  # made by docker for the mounts
    written = [line for line in diff.splitlines() if line.split(" ", 1)[1] not in mount_points]
    assert written == []


@pytest.mark.skipif(os.geteuid() != 0, reason="giving files away needs root")
def test_what_the_action_creates_belongs_to_the_workspace_owner(tmp_path):
    workspace = tmp_path / "workspace"
    (workspace / "existing").mkdir(parents=True)
    os.chown(workspace, 1001, 121)
    target = workspace / "schema-drift-report" / "deep" / "report.json"
    workspace_files.write_text(workspace, target, "{}")
    for path in (target, target.parent, target.parent.parent):
        assert (path.stat().st_uid, path.stat().st_gid) == (1001, 121), path
    assert (workspace / "existing").stat().st_uid == 0  # what was there is left alone


# --- a private CA, as GitHub Enterprise Server may use ---------------------------------


def make_ca_and_certificate(folder: Path) -> tuple[Path, Path, Path]:
    """A CA, and a certificate it signs for 127.0.0.1: (ca, certificate, key) files."""
    now = datetime.datetime.now(datetime.UTC)

    def build(subject: str, key, issuer_name, issuer_key, ca: bool):
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, subject)])
        builder = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(issuer_name or name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(x509.BasicConstraints(ca=ca, path_length=None), critical=True)
        )
        if not ca:
            builder = builder.add_extension(
                x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]),
                critical=False,
            )
        return builder.sign(issuer_key or key, hashes.SHA256())

    ca_key, key = ec.generate_private_key(ec.SECP256R1()), ec.generate_private_key(ec.SECP256R1())
    ca = build("schema-sync test CA", ca_key, None, None, True)
    leaf = build("127.0.0.1", key, ca.subject, ca_key, False)
    files = folder / "ca.pem", folder / "server.pem", folder / "server.key"
    files[0].write_bytes(ca.public_bytes(serialization.Encoding.PEM))
    files[1].write_bytes(leaf.public_bytes(serialization.Encoding.PEM))
    files[2].write_bytes(
        key.private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
    )
    return files


@pytest.fixture
def tls_github(tmp_path_factory, current_spec):
    folder = tmp_path_factory.mktemp("tls")
    ca, certificate, key = make_ca_and_certificate(folder)
    server = LocalGitHub(tmp_path_factory.mktemp("localgithub")).use_tls(certificate, key).start()
    server.create_repo(SOURCE, {SPEC_PATH: current_spec})
    server.create_repo(CONSUMER, {SPEC_PATH: current_spec})
    server.add_token(TOKEN)
    try:
        yield server, ca
    finally:
        server.stop()


@pytest.mark.parametrize("variable", ["SSL_CERT_FILE", "REQUESTS_CA_BUNDLE"])
def test_a_private_ca_is_trusted_when_named(tls_github, workspace, variable):
    server, ca = tls_github
    runner_temp = workspace.parent / f"runner-{workspace.name}"  # RUNNER_TEMP, mounted
    runner_temp.mkdir(exist_ok=True)
    (runner_temp / "ca.pem").write_bytes(ca.read_bytes())
    run = run_action(
        workspace, server, {"peer-repos": CONSUMER}, env={variable: str(runner_temp / "ca.pem")}
    )
    assert run.returncode == 0, run.stdout
    assert run.outputs["drift"] == "false"


def test_an_unknown_ca_is_a_remote_failure_not_a_traceback(tls_github, workspace):
    server, _ = tls_github
    run = run_action(workspace, server, {"peer-repos": CONSUMER})
    assert run.returncode == 3, run.stdout
    assert run.commands("error") and "Traceback" not in run.stdout + run.stderr
