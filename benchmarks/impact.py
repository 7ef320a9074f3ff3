#!/usr/bin/env python3
"""Measure the impact scan on a checkout of 20,000 files against `grep -rnF`.

    python benchmarks/impact.py              # 5 runs of each, the median
    python benchmarks/impact.py --runs 3

The checkout is generated in a temporary directory: TypeScript and Python files of about
40 lines (imports, functions, string literals, comments), `node_modules/`, a `dist/`
the root `.gitignore` ignores, generated files a nested `.gitignore` ignores, images
and a `.git/` of binary objects. About 3 % of the source files use a table or field
(its name as a string literal or its id), as many mention a name in a comment only.
The literals are every id and display name of the bundled example spec
(`examples/strukt-system`): each of its tables and fields is a changed target, the
most a change can ask for.

The scan is `sync_action.engine.impact.scan` in this process (imported once); grep is
`grep -rnF -f LITERALS` with `--exclude-dir` for `.git` and `node_modules` (it still
reads what the `.gitignore` files ignore, 1,500 files) and its output read through a
pipe (GNU grep stops at the first match when writing to /dev/null). Both run on a warm
page cache, in turns. Prints a Markdown table with PASS/FAIL; exit status 1 when the
target is missed.
"""

from __future__ import annotations

import argparse
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

import run as bench
import yaml

from sync_action.engine.impact import Target, scan

AREA = "impact scan, 20,000 files"
SPEC = bench.ROOT / "examples/strukt-system/schema/AIRTABLE_SPEC.yaml"
SCHEMA_FILE = "schema/AIRTABLE_SPEC.yaml"
FLOOR = 2.0  # seconds: the target is at most max(FLOOR, RATIO x grep)
RATIO = 3.0
PER_DIR = 50
# Files of each kind; together 20,000.
LAYOUT = {
    "ts": 12_000,
    "py": 3_000,
    "node_modules": 3_000,
    "dist": 1_000,
    "generated": 500,
    "git": 300,
    "png": 200,
}
VOCABULARY = (
    "user meal sleep energy load save parse value items count total score entry record list "
    "index cache token retry queue event config layout render view state props theme route "
    "query fetch result error status"
)
WORDS = VOCABULARY.split()


def targets() -> list[Target]:
    """Every table and field of the example spec, each as a changed target."""
    spec = yaml.safe_load(SPEC.read_text(encoding="utf-8"))
    found = []
    for table_key, table in spec["tables"].items():
        found.append(Target(table_key, table.get("id"), (table["name"],)))
        for field_key, field in table["fields"].items():
            found.append(Target(f"{table_key}.{field_key}", field.get("id"), (field["name"],)))
    return found


def literals(chosen: list[Target]) -> list[str]:
    """The distinct ids and names, as grep is given them."""
    every = {t.airtable_id for t in chosen if t.airtable_id} | {n for t in chosen for n in t.names}
    return sorted(every)


class Writer:
    """Writes the generated checkout and remembers the lines planted as uses."""

    def __init__(self, root: Path, chosen: list[Target], seed: int = 7) -> None:
        self.root = root
        self.rnd = random.Random(seed)
        self.ids = [t.airtable_id for t in chosen if t.airtable_id]
        self.names = sorted({n for t in chosen for n in t.names})
        self.planted: set[tuple[str, int]] = set()

    def word(self) -> str:
        return self.rnd.choice(WORDS)

    def write(self, rel: str, lines: list[str], kept: bool) -> None:
        """Write a text file; uses planted in a file the scan reads are remembered."""
        python = rel.endswith(".py")
        roll = self.rnd.random()
        if roll < 0.03:  # a use: a name as a literal, or an id
            name, ident = self.rnd.choice(self.names), self.rnd.choice(self.ids)
            if self.rnd.random() < 0.5:
                line = (
                    f'    value = row["fields"]["{name}"]' if python else f'  x = r.get("{name}");'
                )
            else:
                line = f'    FIELD = "{ident}"' if python else f'  const field = "{ident}";'
            at = self.rnd.randrange(4, len(lines))
            lines.insert(at, line)
            if kept:
                self.planted.add((rel, at + 1))
        elif roll < 0.06:  # a name in a comment only: not a use
            mark = "#" if python else "//"
            lines.insert(4, f'{mark} reads "{self.rnd.choice(self.names)}" from the record')
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")

    def typescript(self) -> list[str]:
        w = self.word
        lines = [
            f"// {w()} {w()}: functions for the {w()} screen.",
            f'import {{ {w()}Client }} from "../lib/{w()}";',
            f"import type {{ {w().title()}Props }} from './{w()}';",
            "",
        ]
        for n in range(4):
            lines += [
                f"/* Reads the {w()} of a {w()}. */",
                f"export async function {w()}{w().title()}{n}(id: string, count = {n + 7}) {{",
                f'  const label = "{w()} {w()}";',
                f"  const rows = await client.select({{ view: '{w()}', max: count }});",
                f"  if (!rows.length) throw new Error(`no {w()} for ${{id}}`);",
                f"  return rows.map((r) => r.get('{w()}') ?? label); // {w()} {w()}",
                "}",
                "",
            ]
        return lines

    def python(self) -> list[str]:
        w = self.word
        lines = [f'"""{w().title()} {w()}: the {w()} service."""', "", "import json", ""]
        for n in range(4):
            lines += [
                f"def {w()}_{w()}_{n}(client, record_id: str, limit: int = {n + 3}) -> list:",
                f'    """Return the {w()} rows of a {w()}."""',
                f'    rows = client.table("{w()}").all(view="{w()}", max_records=limit)',
                f"    if not rows:  # nothing for this {w()}",
                f"        raise LookupError(f'no {w()} for {{record_id}}')",
                f"    return [json.dumps(row['fields'].get('{w()}')) for row in rows]",
                "",
                "",
            ]
        return lines

    def binary(self, rel: str) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" + self.rnd.randbytes(2000))


def generate(root: Path, chosen: list[Target]) -> set[tuple[str, int]]:
    """The checkout of LAYOUT's files; returns the planted uses the scan should find."""
    out = Writer(root, chosen)
    (root / ".gitignore").write_text("dist/\n*.log\n", encoding="utf-8")
    (root / "web").mkdir()
    (root / "web/.gitignore").write_text("*.generated.ts\n", encoding="utf-8")
    (root / "schema").mkdir()
    (root / SCHEMA_FILE).write_bytes(SPEC.read_bytes())
    for n in range(LAYOUT["ts"]):
        out.write(f"web/src/f{n // 500}/m{n // PER_DIR % 10}/c{n}.ts", out.typescript(), True)
    for n in range(LAYOUT["py"]):
        out.write(f"api/svc{n // 300}/p{n // PER_DIR % 6}/m{n}.py", out.python(), True)
    for n in range(LAYOUT["node_modules"]):
        out.write(f"node_modules/pkg{n // 100}/lib/i{n}.js", out.typescript(), False)
    for n in range(LAYOUT["dist"]):
        out.write(f"dist/chunk{n // PER_DIR}/b{n}.js", out.typescript(), False)
    for n in range(LAYOUT["generated"]):
        out.write(f"web/src/gen{n // PER_DIR}/t{n}.generated.ts", out.typescript(), False)
    for n in range(LAYOUT["git"]):
        out.binary(f".git/objects/{n % 256:02x}/{n:038x}")
    for n in range(LAYOUT["png"]):
        out.binary(f"web/public/img{n // PER_DIR}/i{n}.png")
    return out.planted


def medians(runs: int, first: Callable[[], object], second: Callable[[], object]) -> list[float]:
    """The median wall times of `runs` calls of each, taken in turns so that a busy
    machine slows both alike."""
    times: list[list[float]] = [[], []]
    for _ in range(runs):
        for spent, work in zip(times, (first, second), strict=True):
            started = time.perf_counter()
            work()
            spent.append(time.perf_counter() - started)
    return [statistics.median(spent) for spent in times]


def grep(root: Path, literals_file: Path) -> int:
    """Lines grep finds; its output is read from a pipe, as a caller would."""
    done = subprocess.run(
        [
            "grep",
            "-rnF",
            "-f",
            str(literals_file),
            "--exclude-dir=.git",
            "--exclude-dir=node_modules",
            ".",
        ],
        cwd=root,
        capture_output=True,
        check=False,
    )
    if done.returncode not in (0, 1):
        raise SystemExit(f"grep failed: {done.stderr.decode(errors='replace')}")
    return done.stdout.count(b"\n")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5, help="runs of each, the median counts")
    args = parser.parse_args()
    chosen = targets()
    with tempfile.TemporaryDirectory(prefix="schema-sync-impact-bench-") as name:
        root = Path(name) / "checkout"
        root.mkdir()
        print("generating the checkout ...", file=sys.stderr, flush=True)
        planted = generate(root, chosen)
        words = literals(chosen)
        literals_file = Path(name) / "LITERALS"
        literals_file.write_text("\n".join(words) + "\n", encoding="utf-8")
        grep_lines = grep(root, literals_file)  # also warms the page cache

        def run_scan() -> set[tuple[str, int]]:
            found = scan(root, chosen, schema_file=SCHEMA_FILE)
            return {(u.path, u.line) for uses in found.values() for u in uses.uses}

        seen = run_scan()
        grep_time, scan_time = medians(args.runs, lambda: grep(root, literals_file), run_scan)
    report(args.runs, len(words), len(chosen), grep_time, grep_lines, scan_time, seen, planted)
    print(bench.table())
    missed = [r for r in bench.ROWS if r.ok is False]
    print(f"\n{sum(r.ok is True for r in bench.ROWS)} targets met, {len(missed)} missed.")
    print(
        "Reproduce: python benchmarks/impact.py"
        + (f" --runs {args.runs}" if args.runs != 5 else "")
    )
    return 1 if missed else 0


def report(
    runs: int,
    literal_count: int,
    target_count: int,
    grep_time: float,
    grep_lines: int,
    scan_time: float,
    seen: set[tuple[str, int]],
    planted: set[tuple[str, int]],
) -> None:
    """The rows: grep, the scan against its target, and whether the uses were right."""
    allowed = max(FLOOR, RATIO * grep_time)
    bench.row(
        AREA,
        f"`grep -rnF` of the {literal_count} literals (median of {runs})",
        f"{bench.secs(grep_time)} ({grep_lines} lines)",
    )
    bench.row(
        AREA,
        f"scan for {target_count} changed tables and fields (median of {runs})",
        f"{bench.secs(scan_time)} = {scan_time / grep_time:.1f}x grep",
        f"≤ max(2 s, 3x grep) = {bench.secs(allowed)}",
        scan_time <= allowed,
    )
    bench.row(
        AREA,
        "uses found / planted (names in comments, skipped files: none found)",
        f"{len(seen & planted)} / {len(planted)}, {len(seen - planted)} other",
        "all, no other",
        seen == planted,
    )


if __name__ == "__main__":
    raise SystemExit(main())
