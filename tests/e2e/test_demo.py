"""The README's quick start, `bash examples/demo.sh`, runs the main job offline."""

from __future__ import annotations

import os
import subprocess
import sys

from tests.actionrun import ROOT


def test_the_demo_validates_checks_drift_and_syncs(tmp_path):
    env = {**os.environ, "PYTHON": sys.executable, "TMPDIR": str(tmp_path)}
    done = subprocess.run(
        ["bash", str(ROOT / "examples" / "demo.sh")],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "valid (version v1.1.0, 8 tables, 59 fields)" in done.stdout
    assert "6 change(s), 1 breaking" in done.stdout
    assert "(behind-source)" in done.stderr
    assert "STRUKT1/strukt-app → created" in done.stdout
    assert "STRUKT1/strukt-app → unchanged" in done.stdout
