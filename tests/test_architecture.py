"""The module map in docs/architecture.md stays true: every module listed, each small,
PyGithub imported in github.py alone, and the engine free of backends."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "sync_action"
MODULES = sorted(PACKAGE.glob("*.py"))
ENGINE = ("spec", "yaml_loader", "validation", "fastpath", "diff", "compare", "report")
BACKENDS = ("github", "github_app", "github_errors", "github_retry", "pacing", "local", "git")


def imported(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def test_every_module_has_its_line_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [m.name for m in MODULES if f"| `{m.name}` |" not in doc]
    assert not missing


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_no_module_is_over_450_lines(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 450


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.name)
def test_only_github_py_imports_pygithub(module: Path) -> None:
    if module.name != "github.py":
        assert not {n for n in imported(module) if n == "github" or n.startswith("github.")}


@pytest.mark.parametrize("name", ENGINE)
def test_the_engine_imports_no_backend(name: str) -> None:
    names = imported(PACKAGE / f"{name}.py")
    assert not {f"sync_action.{b}" for b in BACKENDS} & names
