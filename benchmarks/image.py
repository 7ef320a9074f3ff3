#!/usr/bin/env python3
"""Measure the action's Docker image: its size, and what a run costs in it.

    python benchmarks/image.py           # builds the image (scripts/build-image) first
    python benchmarks/image.py --runs 9

Figures: the image's size, its base's, and what the action adds; the median wall time
from `docker run` to exit of an in-sync drift check against the local GitHub on
127.0.0.1, and of `docker run IMAGE python -c pass` in the same run, and the difference.
Needs a Docker engine (scripts/docker-engine start). It measures and never asserts; the
exit status is 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

MIB = 1024 * 1024
ADDED_TARGET_MIB = 45
OVERHEAD_TARGET_S = 0.4
TOKEN = "ghp_benchmarkToken0123456789abcdefABCDEF"
SPEC_PATH = "schema/AIRTABLE_SPEC.yaml"


def docker(*args: str) -> str:
    return subprocess.run(["docker", *args], capture_output=True, text=True,
                          check=True).stdout.strip()


def size(image: str) -> int:
    return int(docker("image", "inspect", "--format", "{{.Size}}", image))


def base_of(image: str) -> str:
    """The base named by the build: the stand-in's tag, or BASE_IMAGE."""
    return os.environ.get("BASE_IMAGE") or "schema-sync-base:python3.11-slim-bookworm-standin"


def timed(command: Sequence[str], env: dict[str, str] | None = None) -> float:
    started = time.perf_counter()
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)
    took = time.perf_counter() - started
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command[:3])}... exited {done.returncode}:\n"
                         f"{done.stdout[-2000:]}{done.stderr[-2000:]}")
    return took


def drift_command(image: str, workspace: Path, temp: Path, api_url: str) -> tuple[list[str], dict]:
    """An in-sync drift check, started as the runner starts the action."""
    env = {"INPUT_MODE": "drift", "INPUT_PEER-REPOS": "STRUKT1/strukt-app",
           "INPUT_TOKEN": TOKEN, "INPUT_SCHEMA-PATH": SPEC_PATH,
           "GITHUB_ACTIONS": "true", "CI": "true", "HOME": "/github/home",
           "GITHUB_WORKSPACE": "/github/workspace", "GITHUB_REPOSITORY": "STRUKT1/strukt-system",
           "GITHUB_EVENT_NAME": "push", "GITHUB_EVENT_PATH": "/github/workflow/event.json",
           "GITHUB_OUTPUT": "/github/file_commands/set_output",
           "GITHUB_STEP_SUMMARY": "/github/file_commands/step_summary",
           "GITHUB_API_URL": api_url, "GITHUB_SERVER_URL": api_url.removesuffix("/api/v3"),
           "RUNNER_TEMP": "/github/runner_temp"}
    for folder in ("_github_home", "_github_workflow", "_runner_file_commands"):
        (temp / folder).mkdir(exist_ok=True)
    (temp / "_github_workflow" / "event.json").write_text("{}")
    command = ["docker", "run", "--rm", "--network", "host", "--workdir", "/github/workspace"]
    for name in env:
        command += ["-e", name]
    command += ["-v", f"{temp}:/github/runner_temp", "-v", f"{temp}/_github_home:/github/home",
                "-v", f"{temp}/_github_workflow:/github/workflow",
                "-v", f"{temp}/_runner_file_commands:/github/file_commands",
                "-v", f"{workspace}:/github/workspace", image]
    return command, {"PATH": os.environ["PATH"], **env}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=7, help="runs of each (default 7)")
    args = parser.parse_args(argv)
    image = subprocess.run(["bash", str(ROOT / "scripts/build-image")], capture_output=True,
                           text=True, check=True).stdout.strip().splitlines()[-1]
    total, base = size(image), size(base_of(image))
    from tests.localgithub.server import LocalGitHub

    spec = (ROOT / "tests/fixtures/AIRTABLE_SPEC.yaml").read_bytes()
    with tempfile.TemporaryDirectory() as tmp, LocalGitHub(Path(tmp) / "gh") as github:
        github.create_repo("STRUKT1/strukt-system", {SPEC_PATH: spec})
        github.create_repo("STRUKT1/strukt-app", {SPEC_PATH: spec})
        github.add_token(TOKEN)
        workspace, temp = Path(tmp) / "workspace", Path(tmp) / "temp"
        (workspace / "schema").mkdir(parents=True)
        (workspace / SPEC_PATH).write_bytes(spec)
        temp.mkdir()
        drift, env = drift_command(image, workspace, temp, github.api_url)
        bare = ["docker", "run", "--rm", "--entrypoint", "python", image, "-c", "pass"]
        timed(bare), timed(drift, env)  # warm the page cache once
        bare_runs, drift_runs = [], []
        for _ in range(args.runs):  # interleaved, so both see the same machine load
            bare_runs.append(timed(bare))
            drift_runs.append(timed(drift, env))
        outputs = (temp / "_runner_file_commands" / "set_output").read_text().splitlines()
    bare_s, drift_s = statistics.median(bare_runs), statistics.median(drift_runs)
    added = (total - base) / MIB
    rows = [
        ("image size", f"{total / MIB:.0f} MiB ({image})", "", None),
        ("base size", f"{base / MIB:.0f} MiB ({base_of(image)})", "", None),
        ("added by the action", f"{added:.1f} MiB", f"<= {ADDED_TARGET_MIB} MiB",
         added <= ADDED_TARGET_MIB),
        ("docker run ... python -c pass", f"{bare_s:.2f} s median of {args.runs}", "", None),
        ("docker run, in-sync drift", f"{drift_s:.2f} s median of {args.runs}", "", None),
        ("drift over the bare container", f"+{drift_s - bare_s:.2f} s",
         f"<= {OVERHEAD_TARGET_S} s", drift_s - bare_s <= OVERHEAD_TARGET_S),
    ]
    print("| measure | figure | target | result |\n|---|---|---|---|")
    for measure, figure, target, ok in rows:
        result = "" if ok is None else ("PASS" if ok else "**FAIL**")
        print(f"| {measure} | {figure} | {target} | {result} |")
    in_sync = any(line.startswith("drift<<") and outputs[i + 1] == "false"
                  for i, line in enumerate(outputs))
    print(f"\nEvery drift run said in sync: {json.dumps(in_sync)}")
    return 0 if all(ok is not False for *_, ok in rows) else 1


if __name__ == "__main__":
    raise SystemExit(main())
