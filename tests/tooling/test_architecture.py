"""The house stays as docs/architecture.md draws it: every module listed under its folder,
each small, few modules left at the top, and the layers kept by import-linter."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "sync_action"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _listed(module: Path) -> str:
    return f"| `{module.relative_to(PACKAGE).as_posix()}` |"


def test_every_module_has_its_line_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    missing = [m.name for m in MODULES if m.name != "__init__.py" and _listed(m) not in doc]
    assert not missing


def test_every_folder_has_its_section_in_the_architecture_doc() -> None:
    doc = (ROOT / "docs" / "architecture.md").read_text(encoding="utf-8")
    folders = {m.parent.relative_to(PACKAGE).as_posix() for m in MODULES if m.parent != PACKAGE}
    assert not [f for f in sorted(folders) if f"## `{f}/`" not in doc]


def test_at_most_six_modules_stay_at_the_top() -> None:
    top = [m.name for m in PACKAGE.glob("*.py") if m.name not in ("__init__.py", "__main__.py")]
    assert len(top) <= 6, top


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.relative_to(PACKAGE).as_posix())
def test_no_module_is_over_450_lines(module: Path) -> None:
    assert len(module.read_text(encoding="utf-8").splitlines()) <= 450


def test_the_import_contracts_are_kept() -> None:
    """Layers, one adapter per remote, modes free of backends (pyproject.toml's contracts)."""
    command = shutil.which("lint-imports", path=str(Path(sys.executable).parent))
    if command is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    done = subprocess.run([command], cwd=ROOT, capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stdout[-3000:]
    assert "0 broken" in done.stdout
