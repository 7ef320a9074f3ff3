"""Keep action.yml, the Dockerfile, requirements.txt and the example workflows in step.

These tests read repository files only. The contract's inputs and outputs are written
down here as data, so that a change to action.yml that breaks users' workflows fails
a test instead of a user's run.
"""

from __future__ import annotations

import ast
import re
import tomllib
from pathlib import Path

import pytest
import yaml
from packaging.requirements import Requirement

ROOT = Path(__file__).resolve().parents[2]

# Markers for contract defaults that action.yml cannot spell out as a value.
REQUIRED = object()  # no default: the input is required
COMPUTED = object()  # the default depends on something else; action.yml leaves it empty
NONE = object()  # no value means "not used"; action.yml leaves it empty

# Every input of the contract with its default, in the contract's order.
CONTRACT_INPUTS: dict[str, object] = {
    "mode": "drift",
    "role": "auto",
    "schema-path": "schema/AIRTABLE_SPEC.yaml",
    "peer-repos": COMPUTED,  # required, except in airtable mode
    "peer-path": COMPUTED,  # the value of schema-path
    "peer-ref": COMPUTED,  # the peer's default branch
    "token": "${{ github.token }}",
    "comment-token": "${{ github.token }}",
    "fail-on-drift": "true",
    "fail-on": COMPUTED,  # from fail-on-drift
    "comment": "true",
    "report-path": "schema-drift-report/schema_drift_report.json",
    "force-sync": "false",
    "disabled": "false",
    "base-branch": COMPUTED,  # the peer's default branch
    "sync-branch": COMPUTED,  # schema-sync/<slug of peer-path>
    "labels": "schema-sync,bot",
    "safe-labels": "safe-to-merge",
    "breaking-labels": "breaking-change",
    "reviewers": NONE,
    "team-reviewers": NONE,
    "assignees": NONE,
    "pr-title": "chore(schema): sync {path} from {source} ({version})",
    "dry-run": "false",
    "require-version-bump": "true",
    "version-policy": "bump",
    "spec-schema": COMPUTED,  # the built-in schema for Airtable specs
    "ignore": NONE,
    "app-id": NONE,
    "app-private-key": NONE,
    "airtable-base-id": COMPUTED,  # the environment variable AIRTABLE_BASE_ID
    "airtable-token": COMPUTED,  # the environment variable AIRTABLE_API_KEY
    "airtable-api-url": "https://api.airtable.com",
    "max-pr-age": "7",
    "token-expiry-days": "14",
    "sync-workflow": NONE,
    "dashboard": "false",
    "impact": "true",
    "impact-paths": COMPUTED,  # every file the checkout's .gitignore files keep
}

CONTRACT_OUTPUTS = [
    "drift",
    "breaking",
    "changes",
    "report-path",
    "local-sha256",
    "peer-sha256",
    "sync-status",
    "pr-urls",
    "results",
    "pending",
    "token-expires-at",
]

# What users write in `uses:` to reach this action.
OUR_ACTION = re.compile(r"^(?:\./?|STRUKT1/schema-sync-action@[\w.\-]+)$", re.IGNORECASE)

PINNED_PYTHON_IMAGE = re.compile(r"^python:3\.11\.\d+-slim(?:-[a-z]+)?(?:@sha256:[0-9a-f]{64})?$")
PINNED_REQUIREMENT = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._\-]*==[A-Za-z0-9][A-Za-z0-9.+!\-]*$")

EXAMPLES = sorted((ROOT / "docs" / "examples").glob("*.yml"))
WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))


def load_yaml(path: Path) -> dict:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict), f"{path} is not a YAML mapping"
    return data


@pytest.fixture(scope="module")
def action() -> dict:
    return load_yaml(ROOT / "action.yml")


def dockerfile_instructions() -> list[tuple[str, str]]:
    """The Dockerfile's instructions as (KEYWORD, arguments), continuation lines joined."""
    text = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if not pending and (not line or line.startswith("#")):
            continue
        if line.startswith("#"):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    if pending:
        logical.append(pending)
    result = []
    for entry in logical:
        keyword, _, rest = entry.partition(" ")
        result.append((keyword.upper(), rest.strip()))
    return result


def requirement_lines() -> list[str]:
    lines = (ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()
    return [line.strip() for line in lines if line.strip() and not line.strip().startswith("#")]


def our_steps(workflow: dict) -> list[dict]:
    """Every step of the workflow that runs this action."""
    steps = []
    for job in (workflow.get("jobs") or {}).values():
        for step in job.get("steps") or []:
            if OUR_ACTION.match(str(step.get("uses", ""))):
                steps.append(step)
    return steps


# --- action.yml ---------------------------------------------------------------------


def test_action_is_a_docker_action(action: dict) -> None:
    runs = action["runs"]
    assert runs["using"] == "docker"
    image = runs["image"]
    assert image == "Dockerfile" or re.fullmatch(
        r"docker://ghcr\.io/strukt1/schema-sync-action:v\d+\.\d+\.\d+", image
    ), image


def test_inputs_are_not_passed_as_args(action: dict) -> None:
    # The runner passes every input as INPUT_<NAME> itself.
    assert "args" not in action["runs"]
    assert "env" not in action["runs"]


def test_action_has_marketplace_metadata(action: dict) -> None:
    for key in ("name", "description", "author"):
        assert isinstance(action.get(key), str) and action[key].strip(), key
    assert action["branding"]["icon"]
    assert action["branding"]["color"]


def test_inputs_are_exactly_the_contracts(action: dict) -> None:
    assert list(action["inputs"]) == list(CONTRACT_INPUTS)


@pytest.mark.parametrize("name", list(CONTRACT_INPUTS))
def test_input_default_matches_the_contract(action: dict, name: str) -> None:
    spec = action["inputs"][name]
    expected = CONTRACT_INPUTS[name]
    if expected is REQUIRED:
        assert spec.get("required") is True
        assert "default" not in spec
        return
    assert spec.get("required", False) is False
    default = spec.get("default")
    # Defaults are strings, as the runner hands them over: `true`, not a YAML boolean.
    assert isinstance(default, str), f"{name}: default {default!r} is not a string"
    if expected is COMPUTED or expected is NONE:
        assert default == ""
    else:
        assert default == expected


@pytest.mark.parametrize("name", list(CONTRACT_INPUTS))
def test_empty_defaults_are_explained(action: dict, name: str) -> None:
    spec = action["inputs"][name]
    if spec.get("default", None) == "":
        assert "empty" in spec["description"].lower(), f"{name} must say what empty means"


def test_outputs_are_exactly_the_contracts(action: dict) -> None:
    assert list(action["outputs"]) == CONTRACT_OUTPUTS


def test_every_input_and_output_has_a_description(action: dict) -> None:
    for kind in ("inputs", "outputs"):
        for name, spec in action[kind].items():
            description = spec.get("description")
            assert isinstance(description, str) and description.strip(), f"{kind}.{name}"


def test_docker_outputs_have_no_value(action: dict) -> None:
    # Only composite actions map outputs with `value`; a container writes GITHUB_OUTPUT.
    for name, spec in action["outputs"].items():
        assert "value" not in spec, name


# --- Dockerfile -----------------------------------------------------------------------


def test_dockerfile_has_no_user_and_no_workdir() -> None:
    keywords = [keyword for keyword, _ in dockerfile_instructions()]
    assert "USER" not in keywords
    assert "WORKDIR" not in keywords


def test_dockerfile_base_image_is_pinned() -> None:
    """One FROM, of the BASE build argument, whose default (what the release builds on) is
    the official Python image at an exact version."""
    instructions = dockerfile_instructions()
    froms = [rest for keyword, rest in instructions if keyword == "FROM"]
    assert froms == ["${BASE}"]
    args = [rest for keyword, rest in instructions if keyword == "ARG"]
    assert len(args) == 1 and args[0].startswith("BASE="), args
    image = args[0].removeprefix("BASE=")
    assert PINNED_PYTHON_IMAGE.match(image), image


def test_dockerfile_writes_no_bytecode_at_run_time() -> None:
    env = " ".join(rest for keyword, rest in dockerfile_instructions() if keyword == "ENV")
    assert "PYTHONDONTWRITEBYTECODE=1" in env


def test_dockerfile_runs_the_entrypoint() -> None:
    instructions = dockerfile_instructions()
    entrypoints = [rest for keyword, rest in instructions if keyword == "ENTRYPOINT"]
    assert entrypoints == ['["python", "/app/entrypoint.py"]']
    copies = " ".join(rest for keyword, rest in instructions if keyword == "COPY")
    assert "entrypoint.py /app/" in copies
    assert "sync_action /app/sync_action" in copies
    runs = " ".join(rest for keyword, rest in instructions if keyword == "RUN")
    assert "requirements.txt" in runs and "--no-cache-dir" in runs
    assert "compileall" in runs
    env = " ".join(rest for keyword, rest in instructions if keyword == "ENV")
    assert "PYTHONPATH=/app" in env
    assert "PYTHONUNBUFFERED=1" in env


def test_dockerignore_keeps_what_the_image_copies() -> None:
    lines = (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines()
    patterns = [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if "*" in patterns:
        for needed in ("entrypoint.py", "requirements.txt", "sync_action"):
            assert f"!{needed}" in patterns, needed


# --- requirements.txt and entrypoint.py ------------------------------------------------


def test_requirements_pin_every_line() -> None:
    lines = requirement_lines()
    assert lines
    for line in lines:
        assert PINNED_REQUIREMENT.match(line), f"not pinned with ==: {line!r}"
    names = [Requirement(line).name.lower().replace("_", "-") for line in lines]
    assert len(names) == len(set(names)), "a package is listed twice"


def test_requirements_satisfy_pyproject() -> None:
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    pinned = {}
    for line in requirement_lines():
        requirement = Requirement(line)
        version = next(iter(requirement.specifier)).version
        pinned[requirement.name.lower().replace("_", "-")] = version
    for dependency in pyproject["project"]["dependencies"]:
        wanted = Requirement(dependency)
        name = wanted.name.lower().replace("_", "-")
        assert name in pinned, f"{wanted.name} is not pinned in requirements.txt"
        assert wanted.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} is outside pyproject's {wanted.specifier}"
        )


def test_entrypoint_only_hands_over() -> None:
    tree = ast.parse((ROOT / "entrypoint.py").read_text(encoding="utf-8"))
    imports = [node for node in tree.body if isinstance(node, ast.ImportFrom)]
    assert [(node.module, [alias.name for alias in node.names]) for node in imports] == [
        ("sync_action.cli", ["run_action"])
    ]
    guards = [node for node in tree.body if isinstance(node, ast.If)]
    assert len(guards) == 1
    assert "__main__" in ast.unparse(guards[0].test)
    assert "SystemExit(run_action())" in ast.unparse(guards[0])


# --- example and project workflows ---------------------------------------------------


def test_there_are_examples() -> None:
    names = {path.name for path in EXAMPLES}
    assert {"strukt-system-drift.yml", "strukt-system-sync.yml", "strukt-app-drift.yml"} <= names


@pytest.mark.parametrize("path", EXAMPLES + WORKFLOWS, ids=lambda p: p.name)
def test_workflows_use_only_known_inputs(action: dict, path: Path) -> None:
    known = set(action["inputs"])
    required = {name for name, spec in action["inputs"].items() if spec.get("required")}
    for step in our_steps(load_yaml(path)):
        given = set(step.get("with") or {})
        assert given <= known, f"unknown inputs {sorted(given - known)} in {path.name}"
        assert required <= given, f"missing required {sorted(required - given)} in {path.name}"


@pytest.mark.parametrize("path", EXAMPLES + WORKFLOWS, ids=lambda p: p.name)
def test_workflows_read_only_known_outputs(action: dict, path: Path) -> None:
    workflow = load_yaml(path)
    ours = {step["id"] for step in our_steps(workflow) if "id" in step}
    text = path.read_text(encoding="utf-8")
    for step_id, output in re.findall(r"steps\.([\w-]+)\.outputs\.([\w-]+)", text):
        if step_id in ours:
            assert output in action["outputs"], f"{path.name}: unknown output {output}"


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.name)
def test_examples_say_where_they_go_and_what_secret_they_need(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    header = []
    for line in text.splitlines():
        if not line.startswith("#"):
            break
        header.append(line)
    header_text = " ".join(header)
    assert ".github/workflows/" in header_text
    assert re.search(r"STRUKT1/strukt-(system|app)", header_text)
    assert "secret" in header_text.lower()
    for step in our_steps(load_yaml(path)):
        assert step["uses"].startswith("STRUKT1/schema-sync-action@")


def test_self_test_runs_the_local_action() -> None:
    workflow = load_yaml(ROOT / ".github" / "workflows" / "self-test.yml")
    assert any(step["uses"] == "./" for step in our_steps(workflow))
