"""Run `entrypoint.py` exactly as the Actions runner runs a Docker action.

The runner sets one `INPUT_<NAME>` variable per input of `action.yml` (hyphens
kept, defaults filled in, `${{ github.token }}` expanded), the `GITHUB_*`
variables, a workspace as the working directory, and files for outputs and
the step summary. Nothing of the action is imported or patched here.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from tests import e2emode

ROOT = Path(__file__).resolve().parent.parent
ENTRYPOINT = ROOT / "entrypoint.py"
TOKEN = "ghp_e2eTestToken0123456789abcdefABCDEF"
SOURCE = "STRUKT1/strukt-system"
CONSUMER = "STRUKT1/strukt-app"
SHA = "0123456789abcdef0123456789abcdef01234567"


SCANNED: list[str] = []  # every scenario whose traces were searched for the token


def traces(run: ActionRun, github: Any) -> dict[str, str]:
    """Everywhere a run leaves text: the log (but for the runner's `::add-mask::` lines),
    outputs, summary, every file in the workspace, and what was written to GitHub."""
    log = "\n".join(ln for ln in run.stdout.splitlines() if not ln.startswith("::add-mask::"))
    places = {
        "stdout": log,
        "stderr": run.stderr,
        "summary": run.summary,
        "outputs": json.dumps(run.outputs),
    }
    for file in run.workspace.rglob("*"):
        if file.is_file():
            places[str(file)] = file.read_bytes().decode("utf-8", "replace")
    for repo in github.store.repos.values():
        for pull in repo.pulls.values():
            places[f"{repo.full_name}#{pull.number}"] = f"{pull.title}\n{pull.body}"
        for comment in repo.comments.values():
            places[f"{repo.full_name} comment {comment.id}"] = comment.body
    return places


def leaks(run: ActionRun, github: Any, secrets: list[str]) -> list[str]:
    """The places of `traces` that hold any of `secrets`."""
    return sorted(
        {
            where
            for where, text in traces(run, github).items()
            for secret in secrets
            if secret and secret in text
        }
    )


def assert_no_token(run: ActionRun, github: Any, token: str) -> None:
    """The token appears nowhere but in the one `::add-mask::` line."""
    if not token:
        return
    leaked = leaks(run, github, [token])
    assert not leaked, f"the token leaked into {leaked}"
    SCANNED.append(run.workspace.name)


def action_defaults() -> dict[str, str]:
    inputs = yaml.safe_load((ROOT / "action.yml").read_text())["inputs"]
    return {name: str(spec.get("default", "")) for name, spec in inputs.items()}


@dataclass
class ActionRun:
    returncode: int
    stdout: str
    stderr: str
    outputs: dict[str, str]
    summary: str
    workspace: Path
    report_file: Path
    container: str | None = None  # the id of the container it ran in; None on the host

    @property
    def report(self) -> dict[str, Any]:
        return json.loads(self.report_file.read_text())

    @property
    def results(self) -> list[dict[str, Any]]:
        return json.loads(self.outputs["results"])

    def commands(self, name: str) -> list[str]:
        """The workflow commands of one kind (`error`, `warning`, ...) as printed."""
        return [line for line in self.stdout.splitlines() if line.startswith(f"::{name}")]


def parse_outputs(text: str) -> dict[str, str]:
    """GITHUB_OUTPUT holds `name=value` lines and `name<<DELIMITER` blocks."""
    outputs: dict[str, str] = {}
    lines = iter(text.splitlines())
    for line in lines:
        if "<<" in line:
            name, delimiter = line.split("<<", 1)
            value: list[str] = []
            for inner in lines:
                if inner == delimiter:
                    break
                value.append(inner)
            outputs[name] = "\n".join(value)
        elif "=" in line:
            name, value_text = line.split("=", 1)
            outputs[name] = value_text
    return outputs


RUNNER_UID, RUNNER_GID = 1001, 121  # the hosted runner's user, who owns its files


def run_action(
    workspace: Path,
    github: Any,
    inputs: dict[str, str],
    *,
    event_name: str = "push",
    event: dict[str, Any] | None = None,
    token: str = TOKEN,
    repository: str = SOURCE,
    env: dict[str, str] | None = None,
    keep_container: bool = False,
) -> ActionRun:
    """Run the action once, on the host or in its image (`tests/e2emode.py`), with the
    folders the runner makes: RUNNER_TEMP holding `_github_home`, `_github_workflow`
    (the event) and `_runner_file_commands` (outputs and summary)."""
    runner_dir = workspace.parent / f"runner-{workspace.name}"
    folders = RunnerFolders(runner_dir)
    folders.event.write_text(json.dumps(event or {}))
    values = action_defaults()
    values.update(inputs)
    inside = e2emode.mode() == "container"
    where = folders.container_paths(workspace) if inside else folders.host_paths(workspace)
    environment = {
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "HOME": where["home"],
        "GITHUB_WORKSPACE": where["workspace"],
        "GITHUB_REPOSITORY": repository,
        "GITHUB_SHA": SHA,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": where["event"],
        "GITHUB_OUTPUT": where["output"],
        "GITHUB_STEP_SUMMARY": where["summary"],
        "GITHUB_API_URL": github.api_url,
        "GITHUB_SERVER_URL": github.server_url,
        "RUNNER_TEMP": where["temp"],
    }
    for name, value in values.items():
        value = value.replace("${{ github.token }}", token)
        environment[f"INPUT_{name.upper()}"] = value
    environment.update(env or {})
    if inside:
        done, container = _in_container(workspace, folders, environment, keep_container)
    else:
        done, container = _on_host(workspace, environment), None
    report_path = values.get("report-path") or "schema-drift-report/schema_drift_report.json"
    run = ActionRun(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        outputs=parse_outputs(folders.output.read_text()),
        summary=folders.summary.read_text(),
        workspace=workspace,
        report_file=workspace / report_path,
        container=container,
    )
    RUNS.append(run.container or "host")
    assert_no_token(run, github, token)
    if run.report_file.is_file():
        assert_valid_report(run.report)
    return run


class RunnerFolders:
    """RUNNER_TEMP as the runner lays it out for a container action."""

    def __init__(self, temp: Path):
        self.temp = temp
        self.home = temp / "_github_home"
        self.workflow = temp / "_github_workflow"
        self.file_commands = temp / "_runner_file_commands"
        for folder in (self.home, self.workflow, self.file_commands):
            folder.mkdir(parents=True, exist_ok=True)
        self.event = self.workflow / "event.json"
        self.output = self.file_commands / "set_output_e2e"
        self.summary = self.file_commands / "step_summary_e2e"
        for file in (self.output, self.summary):
            file.write_text("")

    def host_paths(self, workspace: Path) -> dict[str, str]:
        return {
            "home": str(self.home),
            "workspace": str(workspace),
            "event": str(self.event),
            "output": str(self.output),
            "summary": str(self.summary),
            "temp": str(self.temp),
        }

    def container_paths(self, workspace: Path) -> dict[str, str]:
        return {
            name: self.translate(workspace, path)
            for name, path in self.host_paths(workspace).items()
        }

    def mounts(self, workspace: Path) -> list[tuple[Path, str]]:
        """Host folder and where the container sees it; the most specific first."""
        return [
            (self.home, "/github/home"),
            (self.workflow, "/github/workflow"),
            (self.file_commands, "/github/file_commands"),
            (self.temp, "/github/runner_temp"),
            (workspace, "/github/workspace"),
        ]

    def translate(self, workspace: Path, value: str) -> str:
        """A host path under a mount as the container sees it (the runner does the same)."""
        for host, inside in self.mounts(workspace):
            if value == str(host) or value.startswith(f"{host}/"):
                return inside + value[len(str(host)) :]
        return value


RUNS: list[str] = []  # one entry per end-to-end run: its container id, or "host"


def _on_host(workspace: Path, environment: dict[str, str]) -> subprocess.CompletedProcess[str]:
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "PYTHONPATH": str(ROOT),
        **environment,
    }
    return subprocess.run(
        [sys.executable, str(ENTRYPOINT)],
        cwd=workspace,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


def _in_container(
    workspace: Path, folders: RunnerFolders, environment: dict[str, str], keep: bool = False
) -> tuple[subprocess.CompletedProcess[str], str]:
    """`docker run` as actions/runner's ContainerActionHandler does it: the image's own user
    (root), every variable by name with its value inherited (never on the command line),
    the runner's folders and the workspace mounted, the files owned by the runner's user.
    The only difference: the host's network, where the local GitHub listens."""
    environment = {name: folders.translate(workspace, value) for name, value in environment.items()}
    name = f"schema-sync-e2e-{uuid.uuid4().hex[:12]}"
    cidfile = workspace.parent / f"{name}.cid"
    command = [
        "docker",
        "run",
        "--name",
        name,
        "--label",
        "schema-sync-e2e",
        "--workdir",
        "/github/workspace",
        "--network",
        "host",
        "--cidfile",
        str(cidfile),
    ]
    if not keep:  # kept only to inspect its file system (`docker diff`) afterwards
        command.append("--rm")
    for variable in environment:
        command += ["-e", variable]
    for host, inside in folders.mounts(workspace):
        command += ["-v", f"{host}:{inside}"]
    command.append(e2emode.image())
    owner = workspace.stat()
    _chown_tree([workspace, folders.temp], RUNNER_UID, RUNNER_GID)
    try:
        done = subprocess.run(
            command,
            env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **environment},
            capture_output=True,
            text=True,
            timeout=180,
            check=False,
        )
    except subprocess.TimeoutExpired:
        subprocess.run(["docker", "kill", name], capture_output=True, check=False)
        raise
    foreign = _not_owned_by(workspace, RUNNER_UID)
    _chown_tree([workspace, folders.temp], owner.st_uid, owner.st_gid)
    assert done.returncode != 125, f"docker could not start the image:\n{done.stderr}"
    assert not foreign, f"the action left files the runner's user does not own: {foreign}"
    return done, cidfile.read_text().strip()


def _chown_tree(roots: list[Path], uid: int, gid: int) -> None:
    if os.geteuid() != 0:
        return  # without root the files stay the tester's own, which the action can write
    for root in roots:
        for path in (root, *root.rglob("*")):
            os.chown(path, uid, gid, follow_symlinks=False)


def _not_owned_by(root: Path, uid: int) -> list[str]:
    if os.geteuid() != 0:
        return []
    return sorted(str(p.relative_to(root)) for p in root.rglob("*") if p.lstat().st_uid != uid)


def assert_valid_report(report: dict[str, Any]) -> None:
    """Every report a scenario leaves satisfies the schema shipped in the package."""
    from importlib import resources

    from jsonschema import Draft202012Validator

    schema = json.loads(
        resources.files("sync_action").joinpath("schemas/drift-report.schema.json").read_text()
    )
    errors = [
        f"{list(e.absolute_path)}: {e.message}"
        for e in Draft202012Validator(schema).iter_errors(report)
    ]
    assert not errors, errors


def pull_request_event(number: int, repository: str = SOURCE) -> dict[str, Any]:
    return {
        "action": "synchronize",
        "number": number,
        "pull_request": {"number": number, "head": {"ref": "feature"}, "base": {"ref": "main"}},
        "repository": {"full_name": repository},
    }
