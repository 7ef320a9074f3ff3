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
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

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
) -> ActionRun:
    runner_dir = workspace.parent / f"runner-{workspace.name}"
    runner_dir.mkdir(exist_ok=True)
    output = runner_dir / "output"
    summary = runner_dir / "summary"
    event_file = runner_dir / "event.json"
    for file in (output, summary):
        file.write_text("")
    event_file.write_text(json.dumps(event or {}))
    values = action_defaults()
    values.update(inputs)
    environment = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "HOME": str(runner_dir),
        "PYTHONPATH": str(ROOT),
        "GITHUB_ACTIONS": "true",
        "CI": "true",
        "GITHUB_WORKSPACE": str(workspace),
        "GITHUB_REPOSITORY": repository,
        "GITHUB_SHA": SHA,
        "GITHUB_REF": "refs/heads/main",
        "GITHUB_EVENT_NAME": event_name,
        "GITHUB_EVENT_PATH": str(event_file),
        "GITHUB_OUTPUT": str(output),
        "GITHUB_STEP_SUMMARY": str(summary),
        "GITHUB_API_URL": github.api_url,
        "GITHUB_SERVER_URL": github.server_url,
        "RUNNER_TEMP": str(runner_dir),
    }
    for name, value in values.items():
        value = value.replace("${{ github.token }}", token)
        environment[f"INPUT_{name.upper()}"] = value
    environment.update(env or {})
    done = subprocess.run(
        [sys.executable, str(ENTRYPOINT)],
        cwd=workspace,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    report_path = values.get("report-path") or "schema-drift-report/schema_drift_report.json"
    run = ActionRun(
        returncode=done.returncode,
        stdout=done.stdout,
        stderr=done.stderr,
        outputs=parse_outputs(output.read_text()),
        summary=summary.read_text(),
        workspace=workspace,
        report_file=workspace / report_path,
    )
    assert_no_token(run, github, token)
    if run.report_file.is_file():
        assert_valid_report(run.report)
    return run


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
