"""The README's inputs and outputs tables say what action.yml says."""

from __future__ import annotations

import re

import yaml

from tests.actionrun import ROOT

README = (ROOT / "README.md").read_text()
ACTION = yaml.safe_load((ROOT / "action.yml").read_text())


def table_rows(heading: str) -> dict[str, list[str]]:
    section = README.split(f"## {heading}\n", 1)[1].split("\n## ", 1)[0]
    rows = {}
    for line in section.splitlines():
        match = re.match(r"^\| `([a-z0-9-]+)` \|(.*)\|$", line)
        if match:
            rows[match.group(1)] = [cell.strip() for cell in match.group(2).split(" | ")]
    return rows


def one_line(text: str) -> str:
    return " ".join(str(text).split()).replace("|", "\\|")


def test_the_readme_lists_every_input_in_order():
    assert list(table_rows("Inputs")) == list(ACTION["inputs"])


def test_the_readme_lists_every_output_in_order():
    assert list(table_rows("Outputs")) == list(ACTION["outputs"])


def test_input_defaults_and_descriptions_match_action_yml():
    for name, row in table_rows("Inputs").items():
        spec = ACTION["inputs"][name]
        default = spec.get("default", "")
        expected = (
            f"`{default}`" if default != "" else ("(required)" if spec.get("required") else "")
        )
        assert row[0] == expected, name
        assert row[1] == one_line(spec["description"]), name


def test_output_descriptions_match_action_yml():
    for name, row in table_rows("Outputs").items():
        assert row[0] == one_line(ACTION["outputs"][name]["description"]), name


def test_ci_runs_the_readmes_two_commands():
    """A newcomer's set-up and test commands are exactly what CI runs."""
    ci = [line.strip() for line in (ROOT / ".ci" / "run").read_text().splitlines()]
    setup = README.split("## Set up and test", 1)[1].split("```bash\n", 1)[1].split("```", 1)[0]
    commands = setup.strip().splitlines()
    assert commands == ["bash scripts/setup", ".venv/bin/python -m pytest"]
    for command in commands:
        assert command in ci
