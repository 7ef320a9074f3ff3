#!/usr/bin/env python3
"""Measure status mode's requests per consumer, through the real entrypoint.

    python benchmarks/status.py

Every consumer is behind, with an open sync pull request (reviewed, with commits) and
a merged one in its history: the most a consumer costs. Three figures: a checkout
with the source's full history (`fetch-depth: 0`, as docs/examples/strukt-system-status.yml
does), where the source's history is read from git; a shallow checkout, where it is
asked of GitHub once per distinct question; and ten consumers sharing those answers.
Prints a Markdown table with PASS/FAIL per target; exit status 1 when one is missed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench

TARGET = 6  # requests per consumer with an open sync pull request
# Requests are counted, not the container: the full-history row needs the host's git (the
# image has none, and there the single consumer costs the 7 of the shallow row).
os.environ.setdefault("SCHEMA_SYNC_E2E", "host")
AREA = "status requests"


def seed(github: Any, consumers: list[str], old: bytes, new: bytes) -> None:
    now = datetime.now(UTC)
    github.create_repo(bench.SOURCE, {bench.SPEC_PATH: old})
    made = github.commit(bench.SOURCE, "main", {bench.SPEC_PATH: new}, "v1.1.0")
    for name in consumers:
        github.create_repo(name, {bench.SPEC_PATH: old})
        github.commit(name, "merged", {"NOTES.md": b"x\n"}, "earlier sync")
        earlier = github.open_pull(
            name,
            "merged",
            body=f"<!-- schema-sync:pr commit={made} -->",
            created_at=now - timedelta(days=20),
        )
        github.merge_pull(name, earlier.number, at=now - timedelta(days=19))
        github.commit(
            name,
            bench.BRANCH,
            {bench.SPEC_PATH: new},
            f"chore(schema): sync {bench.SPEC_PATH} from {bench.SOURCE}",
        )
        pull = github.open_pull(name, bench.BRANCH, created_at=now - timedelta(days=10))
        github.add_review(name, pull.number, "octocat", "APPROVED")
        # The merged one came from another branch here; status reads the sync branch's.
        github.pull(name, earlier.number).head = bench.BRANCH


def measure(tmp: Path, label: str, count: int, full_history: bool, target: bool = True) -> None:
    from tests.actionrun import run_action

    old, new, _ = bench.fixture_specs()
    github = bench.start_github(tmp / f"gh-{label}", 0.0)
    names = [f"bench/app-{n}" for n in range(count)]
    try:
        seed(github, names, old, new)
        ws = tmp / f"ws-{label}"
        if full_history:
            subprocess.run(
                ["git", "clone", "-q", github.git_url(bench.SOURCE), str(ws)],
                check=True,
                capture_output=True,
            )
        else:
            ws = bench.workspace(tmp, f"ws-{label}", new)
        github.reset_log()
        done = run_action(
            ws,
            github,
            {"mode": "status", "peer-repos": "\n".join(names)},
            token=bench.TOKEN,
            repository=bench.SOURCE,
            event_name="schedule",
        )
        if done.returncode != 0 or any(r["status"] != "behind" for r in done.results):
            raise SystemExit(f"unexpected run: {done.returncode}\n{done.stdout}{done.stderr}")
        reads, writes = bench.counts(github)
        per = (reads + writes) / count
        figure = f"{bench.rw(reads, writes)}: {per:.1f} per consumer"
        if not target:  # two source-history questions, asked of GitHub for one consumer
            bench.row(AREA, label, figure)
            return
        bench.row(AREA, label, figure, f"≤ {TARGET} per consumer", per <= TARGET and writes == 0)
    finally:
        bench.stop_github(github)


def main() -> int:
    with tempfile.TemporaryDirectory(prefix="schema-sync-status-bench-") as name:
        tmp = Path(name)
        measure(tmp, "1 consumer, checkout with full history", 1, True)
        measure(tmp, "10 consumers, shallow checkout", 10, False)
        tmp_one = tmp / "one"
        tmp_one.mkdir()
        measure(tmp_one, "1 consumer, shallow checkout", 1, False, target=False)
    print(bench.table())
    missed = [r for r in bench.ROWS if r.ok is False]
    print(f"\n{sum(r.ok is True for r in bench.ROWS)} targets met, {len(missed)} missed.")
    print("Reproduce: python benchmarks/status.py")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
