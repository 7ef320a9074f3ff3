#!/usr/bin/env python3
"""Measure schema-sync: requests, wall time, engine time and memory, cold start.

    python benchmarks/run.py            # the full run, several minutes
    python benchmarks/run.py --quick    # fewer repetitions and smaller naive runs, < 2 min

Everything runs on this machine, with no network: a local GitHub on 127.0.0.1
(`tests/localgithub`) that sleeps `--latency` seconds (default 0.05) in every REST
request, and generated Airtable-like specs in a temporary directory. The script prints
one Markdown table of figures, each target with PASS or FAIL, and the command that
reproduces it; the exit status is 1 when a target is missed. It measures and never
asserts: the request counts and limits are also checked by tests/e2e/test_scale.py.
"""

from __future__ import annotations

import argparse
import io
import json
import math
import os
import platform
import shutil
import statistics
import subprocess
import sys
import sysconfig
import tempfile
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

import specgen  # noqa: E402

TOKEN = "ghp_benchmarkToken0123456789abcdefABCDEF"
SOURCE = "bench/strukt-system"
SPEC_PATH = "schema/AIRTABLE_SPEC.yaml"
BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
LABELS = ("schema-sync", "bot", "safe-to-merge")
SIZES = (100, 500, 1000)
MiB = 1024 * 1024


# --- the table ------------------------------------------------------------------------------


@dataclass
class Row:
    area: str
    measure: str
    figure: str
    target: str = ""
    ok: bool | None = None  # None: a figure without a target


ROWS: list[Row] = []


def row(area: str, measure: str, figure: str, target: str = "", ok: bool | None = None) -> None:
    ROWS.append(Row(area, measure, figure, target, ok))
    mark = "" if ok is None else ("  PASS" if ok else "  FAIL")
    print(f"  {measure}: {figure}{mark}", file=sys.stderr, flush=True)


def table() -> str:
    lines = ["| area | measure | figure | target | result |", "|---|---|---|---|---|"]
    for r in ROWS:
        result = "" if r.ok is None else ("PASS" if r.ok else "**FAIL**")
        lines.append(f"| {r.area} | {r.measure} | {r.figure} | {r.target} | {result} |")
    return "\n".join(lines)


def secs(value: float) -> str:
    return f"{value * 1000:.0f} ms" if value < 1 else f"{value:.2f} s"


# --- measuring child processes -------------------------------------------------------------


@dataclass
class Child:
    seconds: float
    peak_mib: float
    code: int
    stdout: str


# A process's peak memory (ru_maxrss) starts from the memory of the process that forked
# it, so commands are started from this small launcher rather than from the benchmark
# itself, which holds a local GitHub and much else. It times the command and reports the
# command's own peak memory (wait4 gives this one child's) and exit code.
LAUNCHER = """
import json, os, sys, time
started = time.perf_counter()
pid = os.posix_spawnp(sys.argv[2], sys.argv[2:], os.environ)
_, status, usage = os.wait4(pid, 0)
seconds = time.perf_counter() - started
with open(sys.argv[1], "w") as out:
    json.dump([seconds, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], out)
"""


def measured(
    cmd: Sequence[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> Child:
    """Run a command: its wall time, peak resident memory, exit code and output."""
    with tempfile.TemporaryDirectory() as scratch:
        result = Path(scratch) / "result.json"
        done = subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(result), *cmd],
            cwd=cwd,
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            check=False,
        )
        if not result.exists():
            raise SystemExit(f"could not run {cmd[0]}:\n{done.stdout.decode()}")
        seconds, maxrss, code = json.loads(result.read_text())
    scale = 1 if sys.platform == "darwin" else 1024  # ru_maxrss: bytes on macOS, KiB on Linux
    return Child(seconds, maxrss * scale / MiB, code, done.stdout.decode("utf-8", "replace"))


def median_of(
    runs: int, cmd: Sequence[str], expect: int = 0, **kw: Any
) -> tuple[float, float, Child]:
    """Median wall time and the highest peak memory of `runs` runs, each exiting `expect`."""
    children = [measured(cmd, **kw) for _ in range(runs)]
    for child in children:
        if child.code != expect:
            raise SystemExit(f"{' '.join(cmd)} failed ({child.code}):\n{child.stdout}")
    return (
        statistics.median(c.seconds for c in children),
        max(c.peak_mib for c in children),
        children[-1],
    )


def worker(kind: str, *args: str) -> list[str]:
    return [sys.executable, str(Path(__file__).resolve()), "--worker", kind, *args]


def schema_sync() -> list[str]:
    """The installed `schema-sync` command (pip install -e puts it beside the interpreter)."""
    for candidate in (
        Path(sysconfig.get_path("scripts")) / "schema-sync",
        Path(sysconfig.get_path("scripts", f"{os.name}_user")) / "schema-sync",
    ):
        if candidate.is_file():
            return [str(candidate)]
    found = shutil.which("schema-sync")
    if found:
        return [found]
    print("note: no schema-sync command found; using python -m sync_action", file=sys.stderr)
    return [sys.executable, "-m", "sync_action"]


# --- workers: run in a fresh interpreter, print one JSON line -------------------------------


def run_worker(kind: str, args: list[str]) -> None:
    # The texts are read up front, outside the timing, by the workers that take text.
    texts = [Path(a).read_text(encoding="utf-8") for a in args] if kind != "engine" else []
    times: dict[str, float] = {}
    if kind == "cload":  # PyYAML's C loader alone, as a program that loads the files would
        import yaml

        started = time.perf_counter()
        loaded = [yaml.load(text, Loader=yaml.CSafeLoader) for text in texts]
        times["cload"] = time.perf_counter() - started
        assert all(isinstance(d, dict) for d in loaded)
    elif kind == "engine":  # our load, validate and diff, each timed
        from sync_action.engine import diff
        from sync_action.spec import model, validation

        started = time.perf_counter()
        old, new = (model.load_file(Path(a)) for a in args)
        times["load"] = (time.perf_counter() - started) / 2
        started = time.perf_counter()
        validation.validate(new)
        times["validate"] = time.perf_counter() - started
        started = time.perf_counter()
        changes = diff.diff_documents(old.data, new.data)
        times["diff"] = time.perf_counter() - started
        times["changes"] = len(changes)
    elif kind == "naive":  # yaml.safe_load both files, DeepDiff of the whole documents
        import yaml
        from deepdiff import DeepDiff

        started = time.perf_counter()
        old, new = (yaml.safe_load(text) for text in texts)
        times["load"] = time.perf_counter() - started
        started = time.perf_counter()
        found = DeepDiff(old, new)
        times["diff"] = time.perf_counter() - started
        times["changes"] = sum(len(v) for v in found.values())
    else:
        raise SystemExit(f"unknown worker {kind}")
    print(json.dumps(times))


def worker_result(child: Child) -> dict[str, float]:
    return json.loads(child.stdout.strip().splitlines()[-1])


# --- the local GitHub ------------------------------------------------------------------------


def start_github(root: Path, latency: float) -> Any:
    from tests.localgithub.server import LocalGitHub

    github = LocalGitHub(root).start()
    github.latency = latency
    github.add_token(TOKEN)
    return github


def stop_github(github: Any) -> None:
    github.stop()
    if github.violations:
        print("warning: the local GitHub saw requests GitHub would not answer:", file=sys.stderr)
        for text in github.violations[:5]:
            print(f"  {text.splitlines()[0]}", file=sys.stderr)


def fixture_specs() -> tuple[bytes, bytes, bytes]:
    """The real strukt-system spec, a later version, and one later still."""
    import yaml

    old = (ROOT / "tests/fixtures/AIRTABLE_SPEC.yaml").read_bytes()
    data = yaml.safe_load(old)
    data["spec_version"] = "v1.1.0"
    data["tables"]["users"]["fields"]["timezone"] = {"name": "Timezone", "type": "string"}
    new = yaml.safe_dump(data, sort_keys=False).encode()
    data["spec_version"] = "v1.2.0"
    data["tables"]["users"]["fields"]["timezone"]["name"] = "Time zone"
    newer = yaml.safe_dump(data, sort_keys=False).encode()
    return old, new, newer


def workspace(root: Path, name: str, content: bytes) -> Path:
    path = root / name
    (path / "schema").mkdir(parents=True, exist_ok=True)
    (path / SPEC_PATH).write_bytes(content)
    return path


def counts(github: Any) -> tuple[int, int]:
    return len(github.reads()), len(github.writes())


def rw(reads: int, writes: int) -> str:
    return f"{plural(reads, 'read')}, {plural(writes, 'write')}"


def plural(count: int, noun: str) -> str:
    return f"{count} {noun}{'' if count == 1 else 's'}"


def bench_requests(tmp: Path, latency: float) -> None:
    """Requests per scenario, through the real entrypoint as the runner starts it."""
    from tests.actionrun import run_action

    print("requests ...", file=sys.stderr, flush=True)
    old, new, newer = fixture_specs()
    github = start_github(tmp / "gh-requests", latency)
    consumer, settled = "bench/strukt-app", "bench/strukt-web"
    try:
        github.create_repo(SOURCE, {SPEC_PATH: old})
        github.create_repo(consumer, {SPEC_PATH: old})
        github.create_repo(settled, {SPEC_PATH: new})
        area = f"requests ({latency * 1000:.0f} ms each)"

        def run(ws: Path, status: str | None = None, **inputs: str) -> tuple[int, int]:
            github.reset_log()
            done = run_action(ws, github, inputs, token=TOKEN, repository=SOURCE)
            if done.returncode != 0 or (status and done.outputs.get("sync-status") != status):
                raise SystemExit(f"unexpected run: {done.returncode}\n{done.stdout}{done.stderr}")
            return counts(github)

        same = workspace(tmp, "ws-drift", old)
        r, w = run(same, **{"peer-repos": consumer})
        row(area, "drift, 1 peer in sync, no comment", rw(r, w), "≤ 2 requests", r + w <= 2)
        r, w = run(same, **{"peer-repos": consumer, "peer-ref": "main"})
        row(area, "drift, 1 peer, `peer-ref` set", rw(r, w), "≤ 1 request", r + w <= 1)

        ws = workspace(tmp, "ws-sync", new)
        sync = {"mode": "sync", "peer-repos": consumer}
        r, w = run(ws, "created", **sync)
        # The fifth read lists the source's commits of the file: "Why it changed" names the
        # source pull requests behind them (the contract's sync pull request body).
        row(area, "sync created (1 consumer)", rw(r, w), "≤ 4 writes, ≤ 5 reads", w <= 4 and r <= 5)
        r, w = run(ws, "unchanged", **sync)
        row(
            area,
            "sync unchanged, sync branch holds the file",
            rw(r, w),
            "0 writes, ≤ 3 reads",
            w == 0 and r <= 3,
        )
        r, w = run(ws, "unchanged", **{"mode": "sync", "peer-repos": settled})
        row(
            area,
            "sync unchanged, base holds the file",
            rw(r, w),
            "0 writes, ≤ 2 reads",
            w == 0 and r <= 2,
        )
        (ws / SPEC_PATH).write_bytes(newer)
        r, w = run(ws, "updated", **sync)
        row(area, "sync updated (pull request open)", rw(r, w), "≤ 2 writes", w <= 2)
    finally:
        stop_github(github)


# --- sync wall time ----------------------------------------------------------------------------


def consumers(github: Any, prefix: str, count: int, content: bytes) -> list[str]:
    names = [f"bench/{prefix}-{i:03d}" for i in range(count)]
    for name in names:
        github.create_repo(name, {SPEC_PATH: content})
    return names


def sync_in_process(
    github: Any, ws: Path, peers: Sequence[str], extra_env: dict[str, str] | None = None
) -> tuple[float, Any]:
    """One sync run of the action in this process (modules already imported)."""
    from sync_action import action
    from sync_action.core.runner import Runner
    from sync_action.settings import config

    env = {
        "GITHUB_WORKSPACE": str(ws),
        "GITHUB_REPOSITORY": SOURCE,
        "GITHUB_SHA": "0123456789abcdef0123456789abcdef01234567",
        "GITHUB_EVENT_NAME": "push",
        "GITHUB_API_URL": github.api_url,
        "GITHUB_SERVER_URL": github.server_url,
        **(extra_env or {}),
    }
    inputs = {"mode": "sync", "peer-repos": "\n".join(peers), "token": TOKEN}
    cfg = config.load(inputs, env)
    log = io.StringIO()
    runner = Runner(on_runner=True, secrets=[TOKEN], out=log, err=log)
    host = action.make_host(cfg)
    started = time.perf_counter()
    code = action.execute(cfg, runner, host)
    seconds = time.perf_counter() - started
    created = sum(len(github.pulls(p, "open")) for p in peers)
    if code != 0 or created != len(peers):
        raise SystemExit(f"sync of {len(peers)} consumers: exit {code}\n{log.getvalue()[-3000:]}")
    return seconds, host


def naive_sync(github: Any, peers: Sequence[str], content: bytes) -> float:
    """The straightforward way: PyGithub with its default settings (a 0.25 s pause between
    requests, 1 s between writes, its own retry), one consumer after another, the same
    operations as the action's `created` path."""
    from github import Auth, Github

    client = Github(auth=Auth.Token(TOKEN), base_url=github.api_url)
    started = time.perf_counter()
    for name in peers:
        repo = client.get_repo(name)
        current = repo.get_contents(SPEC_PATH)
        assert not isinstance(current, list)
        owner = name.split("/")[0]
        if list(repo.get_pulls(state="open", head=f"{owner}:{BRANCH}")):
            continue
        base = repo.get_git_ref(f"heads/{repo.default_branch}")
        repo.create_git_ref(f"refs/heads/{BRANCH}", base.object.sha)
        repo.update_file(SPEC_PATH, "chore(schema): sync", content, current.sha, branch=BRANCH)
        pull = repo.create_pull(
            base=repo.default_branch, head=BRANCH, title="chore(schema): sync", body="sync"
        )
        pull.add_to_labels(*LABELS)
    seconds = time.perf_counter() - started
    assert all(len(github.pulls(p, "open")) == 1 for p in peers)
    return seconds


def bench_wall_time(tmp: Path, latency: float, quick: bool) -> None:
    import sync_action.backends.github.hosting  # noqa: F401  (imported once, as in a run)

    print("sync wall time ...", file=sys.stderr, flush=True)
    old, new, _ = fixture_specs()
    area = f"sync wall time ({latency * 1000:.0f} ms a request)"
    github = start_github(tmp / "gh-wall", latency)
    github.create_repo(SOURCE, {SPEC_PATH: old})
    ws = workspace(tmp, "ws-wall", new)
    try:
        ours: dict[int, float] = {}
        for count in (1, 10, 50):
            peers = consumers(github, f"w{count}", count, old)
            github.reset_log()
            # 50 consumers make 200 writes: more than GitHub's 80 a minute, so the default
            # pacing would wait; this row measures the fan-out, with pacing off.
            extra = {"SCHEMA_SYNC_WRITE_LIMIT": "off"} if count == 50 else None
            ours[count], _ = sync_in_process(github, ws, peers, extra)
            r, w = counts(github)
            note = ", pacing off" if extra else ""
            row(
                area,
                f"action, {plural(count, 'consumer')} created{note}",
                f"{secs(ours[count])} ({rw(r, w)}, at most {github.max_concurrency} at once)",
            )

        naive_measured = 2 if quick else 10
        peers = consumers(github, "naive", naive_measured, old)
        one = naive_sync(github, peers[:1], new)
        rest = naive_sync(github, peers[1:], new)
        per_consumer = (one + rest) / naive_measured
        naive = {1: one, naive_measured: one + rest}
        row(area, "naive way, 1 consumer", secs(one))
        for count in (10, 50):
            if count in naive:
                text = secs(naive[count])
            else:
                naive[count] = per_consumer * count
                text = f"{secs(naive[count])} (extrapolated from {naive_measured})"
            row(area, f"naive way, {count} consumers", text)
        for count in (1, 10, 50):
            ratio = naive[count] / ours[count]
            measure = f"action vs naive, {plural(count, 'consumer')}"
            if count == 10:
                row(area, measure, f"{ratio:.0f}x faster", "≥ 10x", ratio >= 10)
            else:
                row(area, measure, f"{ratio:.0f}x faster")
    finally:
        stop_github(github)


def bench_limits(tmp: Path, latency: float, quick: bool) -> None:
    """50 consumers against a local GitHub that enforces a write budget, paced to match."""
    print("50 consumers under a write budget ...", file=sys.stderr, flush=True)
    old, new, _ = fixture_specs()
    github = start_github(tmp / "gh-limits", latency)
    github.create_repo(SOURCE, {SPEC_PATH: old})
    ws = workspace(tmp, "ws-limits", new)
    # The full run uses GitHub's own numbers and the default pacing; --quick compresses
    # time tenfold (80 writes per 6 s on both sides) to finish in seconds.
    limit, window = (80, 6.0) if quick else (80, 60.0)
    setting = {"SCHEMA_SYNC_WRITE_LIMIT": "80/6s"} if quick else {}
    try:
        peers = consumers(github, "limited", 50, old)
        github.reset_log()
        github.limit_writes(limit, per_seconds=window)
        seconds, _ = sync_in_process(github, ws, peers, setting)
        refused = [r for r in github.requests() if r.status in (403, 429)]
        most = github.max_concurrency
        writes = len(github.writes())
        floor = (math.ceil(writes / limit) - 1) * window  # the budget allows no faster
        budget = f"{limit} writes / {window:.0f} s"
        pacing = setting.get("SCHEMA_SYNC_WRITE_LIMIT", "default 80/min,500/h")
        row(
            f"sync wall time ({latency * 1000:.0f} ms a request)",
            f"action, 50 consumers, server budget {budget}, pacing {pacing}",
            f"{secs(seconds)} ({writes} writes; the budget allows them in no less than "
            f"{floor:.0f} s)",
        )
        row(
            "GitHub limits",
            f"50 consumers, server enforcing {budget}",
            f"{len(refused)} answers 403/429, at most {most} requests at once",
            "no 403, ≤ 100 at once",
            not refused and most <= 100,
        )
    finally:
        github.clear_faults()
        stop_github(github)


# --- the engine ----------------------------------------------------------------------------------


def bench_engine(tmp: Path, quick: bool) -> None:
    cli = schema_sync()
    for size in SIZES:
        print(f"engine, {size} tables ...", file=sys.stderr, flush=True)
        old_text, new_text = specgen.generate_pair(size)
        old, new = tmp / f"old-{size}.yaml", tmp / f"new-{size}.yaml"
        old.write_text(old_text, encoding="utf-8")
        new.write_text(new_text, encoding="utf-8")
        runs = (3 if size <= 100 else 1) if quick else (5 if size <= 100 else 3)
        area = f"engine, {size} tables of 20 fields ({len(new_text) / MiB:.1f} MiB)"

        cload_one = statistics.median(
            worker_result(measured(worker("cload", str(new))))["cload"] for _ in range(runs)
        )
        cload_both = statistics.median(
            worker_result(measured(worker("cload", str(old), str(new))))["cload"]
            for _ in range(runs)
        )
        children = [measured(worker("engine", str(old), str(new))) for _ in range(runs)]
        engine = [worker_result(child) for child in children]
        part = {k: statistics.median(e[k] for e in engine) for k in ("load", "validate", "diff")}
        engine_peak = max(child.peak_mib for child in children)
        row(
            area,
            "PyYAML C loader alone, one file / both",
            f"{secs(cload_one)} / {secs(cload_both)}",
        )
        row(
            area,
            "in process: load (per file) / validate / diff",
            f"{secs(part['load'])} / {secs(part['validate'])} / {secs(part['diff'])} "
            f"({int(engine[0]['changes'])} changes; {engine_peak:.0f} MiB at most)",
        )

        v_time, v_peak, _ = median_of(runs, [*cli, "validate", str(new)])
        ratio = v_time / cload_one
        row(
            area,
            "`schema-sync validate` (whole command)",
            f"{secs(v_time)} = {ratio:.2f}x C-loading it",
            "≤ 1.8x",
            ratio <= 1.8,
        )
        d_time, d_peak, _ = median_of(runs, [*cli, "diff", str(old), str(new)], expect=1)
        ratio = d_time / cload_both
        row(
            area,
            "`schema-sync diff` (whole command)",
            f"{secs(d_time)} = {ratio:.2f}x C-loading both",
            "≤ 1.3x",
            ratio <= 1.3,
        )
        peak = max(v_peak, d_peak)
        row(
            area,
            "peak memory: validate / diff",
            f"{v_peak:.0f} / {d_peak:.0f} MiB",
            "≤ 200 MiB",
            peak <= 200,
        )

        if quick and size > 100:
            row(area, "naive way: `yaml.safe_load` both + DeepDiff", "not run with --quick")
            continue
        naive = measured(worker("naive", str(old), str(new)))
        found = worker_result(naive)
        row(
            area,
            "naive way: `yaml.safe_load` both + DeepDiff",
            f"{secs(naive.seconds)}, {naive.peak_mib:.0f} MiB ({naive.seconds / d_time:.0f}x "
            f"the time of `schema-sync diff`; {int(found['changes'])} differences, none "
            f"classified)",
        )


# --- cold start ----------------------------------------------------------------------------------


def git(cwd: Path, *args: str) -> None:
    env = {
        **os.environ,
        "GIT_AUTHOR_NAME": "bench",
        "GIT_AUTHOR_EMAIL": "bench@example.com",
        "GIT_COMMITTER_NAME": "bench",
        "GIT_COMMITTER_EMAIL": "bench@example.com",
    }
    subprocess.run(["git", *args], cwd=cwd, env=env, check=True, capture_output=True)


def checkout(root: Path, name: str, content: bytes) -> Path:
    path = workspace(root, name, content)
    git(path, "init", "-q", "-b", "main")
    git(path, "add", "-A")
    git(path, "commit", "-q", "-m", "initial")
    return path


def bench_cold_start(tmp: Path, quick: bool) -> None:
    print("cold start ...", file=sys.stderr, flush=True)
    cli = schema_sync()
    runs = 7 if quick else 15
    area = f"cold start (median of {runs})"
    bare, _, _ = median_of(runs, [sys.executable, "-c", "pass"])
    row(area, "`python -c pass`", secs(bare))
    helped, _, _ = median_of(runs, [*cli, "--help"])
    over = helped - bare
    row(
        area,
        "`schema-sync --help`",
        f"{secs(helped)} ({secs(over)} over bare Python)",
        "≤ 120 ms over",
        over <= 0.120,
    )
    old, new, _ = fixture_specs()
    source = checkout(tmp, "cold-source", new)
    peer = checkout(tmp, "cold-peer", old)
    drift = [
        *cli,
        "drift",
        "--peer-dir",
        str(peer),
        "--peer-repos",
        "bench/strukt-app",
        "--fail-on-drift",
        "false",
    ]
    local, peak, _ = median_of(runs, drift, cwd=source)
    row(
        area,
        "`schema-sync drift --peer-dir` (2 checkouts, drift found)",
        f"{secs(local)} ({secs(local - bare)} over bare Python, {peak:.0f} MiB)",
    )


# --- main ----------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer repetitions, < 2 minutes")
    parser.add_argument("--latency", type=float, default=0.05, help="seconds per REST request")
    parser.add_argument("--worker", nargs="+", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        run_worker(args.worker[0], args.worker[1:])
        return 0

    command = "python benchmarks/run.py" + (" --quick" if args.quick else "")
    if args.latency != 0.05:
        command += f" --latency {args.latency}"
    started = time.perf_counter()
    steps: list[Callable[[Path], None]] = [
        lambda tmp: bench_requests(tmp, args.latency),
        lambda tmp: bench_wall_time(tmp, args.latency, args.quick),
        lambda tmp: bench_limits(tmp, args.latency, args.quick),
        lambda tmp: bench_engine(tmp, args.quick),
        lambda tmp: bench_cold_start(tmp, args.quick),
    ]
    with tempfile.TemporaryDirectory(prefix="schema-sync-bench-") as name:
        for step in steps:
            step(Path(name))
    took = time.perf_counter() - started

    print()
    print(
        f"schema-sync benchmark: Python {platform.python_version()}, {platform.system()} "
        f"{platform.machine()}, {os.cpu_count()} CPUs; "
        f"{'--quick' if args.quick else 'full run'}, {took:.0f} s"
    )
    print()
    print(table())
    print()
    missed = [r for r in ROWS if r.ok is False]
    print(f"{sum(r.ok is True for r in ROWS)} targets met, {len(missed)} missed.")
    print(f"Reproduce: {command}")
    return 1 if missed else 0


if __name__ == "__main__":
    raise SystemExit(main())
