"""Every command in README.md and docs/ is run here or checked against what it names:
`schema-sync` lines against the real parser's flags, `jq` lines on a real report, `gh`
lines against the example workflows' files, inputs and artifacts, scripts and paths by
their existence. A command that fits no rule fails the first test: add a rule."""

from __future__ import annotations

import functools
import re
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml

from tests.actionrun import ROOT
from tests.e2e.test_cli_inputs import options

DOCS = [ROOT / "README.md", *sorted((ROOT / "docs").glob("*.md"))]
PROGRAMS = (
    r"(?:\.venv/bin/schema-sync|schema-sync|python3?|\.venv/bin/python|bash|gh|git|jq"
    r"|export|cp|\.|scripts/[\w-]+)"
)
START = re.compile(rf"^(?:[A-Z0-9_]+=\S+ )*{PROGRAMS}(?: |$)")
SUBCOMMANDS = ("drift", "sync", "diff", "validate", "airtable", "status", "impact")
FENCE = re.compile(r"^ *```(?:bash|sh)\n(.*?)^ *```", re.MULTILINE | re.DOTALL)


def _words(text: str) -> list[str]:
    """The command's words after any leading `NAME=value` assignments."""
    words = text.split()
    while words and re.match(r"^[A-Z0-9_]+=", words[0]):
        words.pop(0)
    return words


def _is_command(text: str) -> bool:
    """An inline code span that is a command line, not a name or a message."""
    words = _words(text)
    if not START.match(text) or not words:
        return False
    if words[0] in ("schema-sync", ".venv/bin/schema-sync"):
        return len(words) > 1 and (words[1].split("|")[0] in SUBCOMMANDS or words[1][0] == "-")
    if words[0].startswith("scripts/"):
        return True
    return len(words) > 1 and not text.endswith((";", "it"))


def documented() -> dict[str, str]:
    """Each command line of the docs (fenced shell blocks and inline spans) -> its file."""
    found: dict[str, str] = {}
    for doc in DOCS:
        text = doc.read_text()
        for block in FENCE.findall(text):
            for line in block.replace("\\\n", " ").splitlines():
                line = re.split(r"\s+#\s", line)[0].strip()
                if line and not line.startswith("#"):
                    found.setdefault(" ".join(line.split()), doc.name)
        prose = FENCE.sub("", text)
        prose = re.sub(r"^#+ .*$", "", prose, flags=re.MULTILINE)  # headings are messages
        for span in re.findall(r"`([^`]+)`", prose):
            span = " ".join(span.split())
            if _is_command(span):
                found.setdefault(span, doc.name)
    return found


# --- the rules -------------------------------------------------------------------------


@functools.cache
def flags_of(command: str) -> frozenset[str]:
    """The flags `schema-sync COMMAND --help` lists (the top level with COMMAND "")."""
    args = [command, "--help"] if command else ["--help"]
    done = subprocess.run(
        [sys.executable, "-m", "sync_action", *args], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stderr
    return frozenset(options(done.stdout)) | {"--help", "-h"}


def check_schema_sync(words: list[str]) -> None:
    """The subcommand exists (each of a synopsis's `a|b|c`) and offers every flag used."""
    rest = [w for w in words[1:] if w not in ("…", "...")]
    commands = [""] if not rest or rest[0].startswith("-") else rest.pop(0).split("|")
    for command in commands:
        if command:
            assert command in SUBCOMMANDS[:-1], command
        for word in rest:
            flag = word.strip("[]").split("=")[0]
            if flag.startswith("--"):
                assert flag in flags_of(command), (command, flag)


def example_workflows() -> dict[str, dict]:
    """The examples by the file name their first comment says they go in."""
    found = {}
    for path in sorted((ROOT / "docs" / "examples").glob("*.yml")):
        text = path.read_text()
        name = re.search(r"\.github/workflows/(\S+\.yml)", text)
        assert name, path
        found.setdefault(name.group(1), []).append(yaml.safe_load(text))
    return {name: flows[0] | {"all": flows} for name, flows in found.items()}


def check_gh(words: list[str]) -> None:
    """`gh workflow ... FILE [-f input=value]`, `gh run ... --workflow FILE`, `-n ARTIFACT`:
    each names an example's workflow file, its dispatch inputs and its artifacts."""
    flows = example_workflows()
    if words[1] == "workflow" and len(words) > 3 and words[2] in ("run", "disable", "enable"):
        assert words[3] in flows, words[3]
        declared = (flows[words[3]].get(True) or flows[words[3]].get("on"))["workflow_dispatch"]
        for pair in (words[i + 1] for i, w in enumerate(words) if w == "-f"):
            assert pair.split("=")[0] in ((declared or {}).get("inputs") or {}), pair
    if "--workflow" in words:
        assert words[words.index("--workflow") + 1] in flows
    if "-n" in words:
        assert words[words.index("-n") + 1] in artifacts(), words


def artifacts() -> set[str]:
    """The artifact names the examples upload."""
    return {
        step["with"]["name"]
        for path in (ROOT / "docs" / "examples").glob("*.yml")
        for job in yaml.safe_load(path.read_text())["jobs"].values()
        for step in job["steps"]
        if str(step.get("uses", "")).startswith("actions/upload-artifact")
    }


def check_exists(words: list[str]) -> None:
    """A script, benchmark or test path the command runs is in the repository."""
    for word in words:
        if re.match(r"^(scripts|examples|benchmarks|tests)/[\w./-]+$", word):
            assert (ROOT / word).exists(), word


def _rule(text: str) -> tuple[str, Callable[[list[str]], None] | None]:
    """Which rule checks a command: its name, and the check (None: see the name)."""
    words = _words(text)
    program = words[0]
    if program in ("schema-sync", ".venv/bin/schema-sync"):
        return "parsed", check_schema_sync
    if program in ("python", "python3", ".venv/bin/python") and words[1:3] == ["-m", "sync_action"]:
        return "parsed", lambda w: check_schema_sync(["schema-sync", *w[3:]])
    if program == "jq":
        return "run on a report", None  # test_every_jq_line_runs_on_a_status_report
    if program == "gh":
        return "against the examples", check_gh
    if text in RUN_HERE:
        return "run", None  # test_the_cheap_offline_commands_run
    if program in ("bash", "python", "python3", ".venv/bin/python") or program.startswith(
        "scripts/"
    ):
        return "exists", check_exists
    if program in ("git", "cp", "export", "."):
        return "the reader's own checkout", None
    if program == "docker":
        return "the release's registry", None
    return "", None


RUN_HERE = {
    "scripts/release-action-yml 1.2.3 | diff action.yml -": 1,  # diff(1): the image line
    "schema-sync --help": 0,
    "schema-sync drift --help": 0,
    ".venv/bin/schema-sync drift --help": 0,
}


def test_every_command_of_the_docs_has_a_rule():
    assert {c: f for c, f in documented().items() if not _rule(c)[0]} == {}


@pytest.mark.parametrize("command", sorted(documented()))
def test_each_command_names_what_exists(command):
    check = _rule(command)[1]
    if check is not None:
        check(_words(command))


def test_the_cheap_offline_commands_run(tmp_path):
    venv_bin = Path(sys.executable).parent
    for command, code in RUN_HERE.items():
        line = command.replace(".venv/bin/schema-sync", str(venv_bin / "schema-sync"))
        if line.startswith("schema-sync "):
            line = f"{sys.executable} -m sync_action {line[len('schema-sync ') :]}"
        done = subprocess.run(
            ["bash", "-c", line], cwd=ROOT, capture_output=True, text=True, check=False
        )
        assert done.returncode == code, (command, done.stderr)


def test_the_release_preview_changes_only_the_image_line():
    done = subprocess.run(
        ["bash", "-c", "scripts/release-action-yml 1.2.3 | diff action.yml -"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    changed = [line for line in done.stdout.splitlines() if line[:2] in ("< ", "> ")]
    assert [line.split(":", 1)[0] for line in changed] == ["<   image", ">   image"]


@pytest.fixture
def status_report(checkout, tmp_path) -> Path:
    """A real status report: the bundled examples as source and consumer, after a sync."""
    source_spec = (ROOT / "examples/strukt-system/schema/AIRTABLE_SPEC.yaml").read_bytes()
    app_spec = (ROOT / "examples/strukt-app/schema/AIRTABLE_SPEC.yaml").read_bytes()
    path = "schema/AIRTABLE_SPEC.yaml"
    source = checkout("strukt-system", {path: source_spec})
    app = checkout("strukt-app", {path: app_spec})
    env = {"PATH": "/usr/bin:/bin", "HOME": str(tmp_path)}
    for mode in ("sync", "status"):
        subprocess.run(
            [sys.executable, "-m", "sync_action", mode, "--peer-dir", str(app)],
            cwd=source,
            env=env,
            capture_output=True,
            check=False,
        )
    report = source / "schema-drift-report" / "schema_drift_report.json"
    target = tmp_path / "report" / "schema_drift_report.json"
    target.parent.mkdir()
    target.write_bytes(report.read_bytes())
    return tmp_path


def test_every_jq_line_runs_on_a_status_report(status_report):
    lines = [c for c in documented() if _words(c)[0] == "jq" and "report/" in c]
    assert lines
    if subprocess.run(["bash", "-c", "command -v jq"], capture_output=True).returncode:
        pytest.skip("jq is not installed")
    for line in lines:
        done = subprocess.run(
            ["bash", "-c", line], cwd=status_report, capture_output=True, text=True, check=False
        )
        assert done.returncode == 0, (line, done.stderr)
    first = subprocess.run(
        ["bash", "-c", lines[0]], cwd=status_report, capture_output=True, text=True, check=False
    )
    assert re.match(r"^\S+/strukt-app: (in-sync|behind|edited)$", first.stdout.strip())
