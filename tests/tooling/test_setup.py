"""The project's set-up: the Pythons it claims, and the ones CI tests, agree."""

from __future__ import annotations

import tomllib

import yaml

from tests.actionrun import ROOT


def test_ci_tests_every_python_the_classifiers_name():
    project = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]
    claimed = sorted(
        c.rsplit(" :: ", 1)[1]
        for c in project["classifiers"]
        if c.startswith("Programming Language :: Python :: 3.")
    )
    workflow = yaml.safe_load((ROOT / ".github" / "workflows" / "ci.yml").read_text())
    tested = sorted(workflow["jobs"]["ci"]["strategy"]["matrix"]["python-version"])
    assert claimed == tested == ["3.11", "3.12", "3.13"]
    assert project["requires-python"] == ">=3.11"
