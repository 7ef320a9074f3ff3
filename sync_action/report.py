"""The JSON drift report and the markdown that people read.

The JSON report is a superset of the one the retired hand-written workflow
wrote, so anything reading that keeps working. Markdown always fits GitHub's
65,536-character limit: when the change tables would not, rows are cut and a
line says how many changes are only in the JSON report.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sync_action import __version__
from sync_action.compare import PeerResult
from sync_action.diff import Change
from sync_action.pr_change import PullChange
from sync_action.spec import Spec
from sync_action.vocabulary import Status

GITHUB_LIMIT = 65_536
BUDGET = 60_000  # room for the header, marker and footer around the tables
CELL = 120


@dataclass(frozen=True)
class Context:
    """Who ran the check, for headers and footers."""

    repository: str
    sha: str
    mode: str
    server_url: str = "https://github.com"
    ignore: tuple[str, ...] = ()
    run_url: str | None = None  # the workflow run, on the runner
    role: str = "source"
    verdict: str = ""  # what the check does to the pull request (drift mode)


def utc_now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def build(
    local: Spec,
    results: Sequence[PeerResult],
    ctx: Context,
    change: PullChange | None = None,
    checks: Sequence[dict[str, Any]] = (),
) -> dict[str, Any]:
    """The contract's JSON report; `peer` and `changes` describe the first peer."""
    peers = [peer_entry(r) for r in results]
    first = results[0] if results else None
    return {
        "drift_detected": any(r.drift for r in results),
        "pending": any(r.status == Status.PENDING for r in results),
        "repository": ctx.repository,
        "timestamp": utc_now(),
        "tool": f"schema-sync {__version__}",
        "run_url": ctx.run_url,
        "mode": ctx.mode,
        "role": ctx.role,
        "commit": ctx.sha,
        "local": local.metadata(),
        "peer": first.metadata() if first else None,
        "peers": peers,
        "changes": [c.to_json() for c in first.changes] if first else [],
        "breaking": any(r.breaking for r in results) or bool(change and change.breaking),
        "ignore": list(ctx.ignore),
        "pull_request": change.to_json() if change is not None else None,
        "checks": list(checks),
    }


def peer_entry(result: PeerResult) -> dict[str, Any]:
    entry = result.metadata()
    entry.update(
        drift=result.drift,
        breaking=result.breaking,
        findings=list(result.findings),
        changes=[c.to_json() for c in result.changes],
        ignored=[c.to_json() for c in result.ignored],
        status=result.status,
        pr_url=result.pr_url,
        pending_pr=result.pending_pr,
        required_version=result.required_version,
    )
    entry["from"], entry["to"] = result.sides
    entry["provenance"] = result.provenance.to_json() if result.provenance else None
    if result.metrics is not None:
        entry["sync"] = result.metrics.to_json()
    if result.message:
        entry["message"] = result.message
    if result.suggested_ids is not None:
        entry["suggested_ids"] = dict(result.suggested_ids)
    return entry


def to_json(report: dict[str, Any]) -> str:
    return json.dumps(report, indent=2, ensure_ascii=False, default=str) + "\n"


# --- markdown ----------------------------------------------------------------


def _cell(value: Any) -> str:
    if value is None:
        return ""
    text = value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)
    text = " ".join(text.split())
    if len(text) > CELL:
        text = text[: CELL - 1] + "…"
    return "`" + text.replace("|", "\\|").replace("`", "'") + "`"


def change_rows(changes: Sequence[Change]) -> list[str]:
    return [
        f"| {'⚠️ breaking' if c.breaking else ''} | {c.kind} | `{c.path}` "
        f"| {_cell(c.before)} | {_cell(c.after)} |"
        for c in changes
    ]


def changes_table(changes: Sequence[Change], budget: int) -> tuple[str, int]:
    """A markdown table within `budget` characters, and how many rows were left out."""
    head = "| | Change | Path | Consumer's copy | Source's copy |\n|---|---|---|---|---|\n"
    rows = change_rows(changes)
    out, used = [head], len(head)
    for index, row in enumerate(rows):
        if used + len(row) + 1 > budget:
            return "".join(out), len(rows) - index
        out.append(row + "\n")
        used += len(row) + 1
    return "".join(out), 0


def _status_icon(result: PeerResult) -> str:
    if result.status in (Status.FAILED, Status.REFUSED) or result.missing:
        return "❌"
    return "⚠️" if result.drift else "✅"


def _version(result: PeerResult, local: Spec) -> str:
    peer = result.peer_spec.version if result.peer_spec else None
    if result.missing:
        return "—"
    if peer is None or peer == local.version:
        return f"`{local.version}`" if local.version else ""
    return f"`{peer}` → `{local.version}`"


def overview(local: Spec, results: Sequence[PeerResult]) -> str:
    lines = [
        "| Peer | Ref | Status | Version | Changes | Breaking | Findings |",
        "|---|---|---|---|---|---|---|",
    ]
    for r in results:
        status = r.status or (Status.DRIFT if r.drift else Status.IN_SYNC)
        link = f" ([#{r.pr_number}]({r.pr_url}))" if r.pr_url and r.pr_number else ""
        lines.append(
            f"| {_status_icon(r)} `{r.repository}` | `{r.ref}` | {status}{link} "
            f"| {_version(r, local)} | {len(r.changes)} "
            f"| {sum(c.breaking for c in r.changes)} | {', '.join(r.findings)} |"
        )
    return "\n".join(lines) + "\n"


def details(results: Sequence[PeerResult], budget: int) -> str:
    """Per-peer change tables, collapsed, cut to fit `budget` characters."""
    parts: list[str] = []
    left = budget
    cut = 0
    for r in results:
        if r.status == Status.PENDING:
            continue  # its changes are this pull request's own, shown above
        if not (r.changes or r.ignored or r.message or r.missing):
            continue
        text, omitted = _peer_details(r, max(left - 400, 0))
        cut += omitted
        parts.append(text)
        left -= len(text)
    if cut:
        parts.append(f"\n_{cut} more changes are only in the JSON report._\n")
    return "".join(parts)


def _peer_details(r: PeerResult, budget: int) -> tuple[str, int]:
    head = f"\n<details{' open' if r.breaking else ''}>\n<summary><b>{r.repository}</b>: "
    if r.missing:
        return head + f"no file at <code>{r.path}</code></summary>\n\n</details>\n", 0
    head += (
        f"{len(r.changes)} change(s), {sum(c.breaking for c in r.changes)} breaking</summary>\n\n"
    )
    body = f"{r.message}\n\n" if r.message else ""
    if r.provenance is not None:
        body += f"{r.provenance.sentence()}\n\n"
    table, omitted = changes_table(r.changes, budget) if r.changes else ("", 0)
    if r.ignored:
        body += f"{len(r.ignored)} change(s) ignored by the `ignore` input.\n\n"
    return head + body + table + "\n</details>\n", omitted


def fit(text: str) -> str:
    """Never exceed GitHub's limit, whatever the parts added up to."""
    if len(text) <= GITHUB_LIMIT:
        return text
    note = "\n\n_Cut to fit GitHub's size limit; the JSON report has everything._\n"
    return text[: GITHUB_LIMIT - len(note)] + note


def _footer(ctx: Context) -> str:
    sha = ctx.sha[:7] if ctx.sha else "working tree"
    return f"\n<sub>schema-sync · {ctx.repository} @ {sha} · {utc_now()}</sub>\n"


def own_change(change: PullChange | None, local: Spec) -> str:
    """The pull request's own change (base → head), its findings, and what is pending."""
    if change is None or not change.touches(local):
        return ""
    base, head = change.base_sha[:7], (change.head_sha or "")[:7] or "head"
    breaking = sum(c.breaking for c in change.changes)
    lines = [
        f"**This pull request's change** (`{base}` → `{head}`): "
        + (
            "adds the file."
            if change.base.content is None
            else f"{len(change.changes)} change(s), {breaking} breaking."
        ),
        "",
    ]
    lines += [f"- {change.notes.get(f, f)} (`{f}`)" for f in change.findings]
    text = "\n".join(lines) + "\n"
    if change.changes:
        table, omitted = changes_table(change.changes, BUDGET // 3)
        text += "\n" + table
        if omitted:
            text += f"\n_{omitted} more changes are only in the JSON report._\n"
    return text + "\n"


def pending_lines(results: Sequence[PeerResult]) -> str:
    pending = [r for r in results if r.status == Status.PENDING]
    lines = [
        f"- `{r.repository}` is pending: after merge, a sync pull request opens in {r.repository}."
        for r in pending
    ]
    return "\n".join(lines) + "\n\n" if lines else ""


def comment(
    marker: str,
    path: str,
    local: Spec,
    results: Sequence[PeerResult],
    ctx: Context,
    change: PullChange | None = None,
) -> str:
    """The sticky PR comment: drift found, or the all-clear that replaces it."""
    drifted = [r for r in results if r.drift]
    if not drifted and (pending_lines(results) or own_change(change, local)):
        head = f"## ✅ No drift: `{path}`\n\nNo consumer differs but for this pull request.\n\n"
    elif not drifted:
        head = f"## ✅ Schema in sync: `{path}`\n\nEvery peer's copy matches this one.\n\n"
    else:
        breaking = any(r.breaking for r in drifted)
        head = (
            f"## {'❌' if breaking else '⚠️'} Schema drift: `{path}`\n\n"
            f"This copy differs from {len(drifted)} of {len(results)} peer(s)"
            f"{', with breaking changes' if breaking else ''}.\n\n"
        )
    body = (
        head
        + (f"{ctx.verdict}\n\n" if ctx.verdict else "")
        + own_change(change, local)
        + pending_lines(results)
        + overview(local, results)
        + details(results, BUDGET // 2 if change else BUDGET)
    )
    return fit(f"{marker}\n{body}{_footer(ctx)}")


def summary(
    local: Spec, results: Sequence[PeerResult], ctx: Context, change: PullChange | None = None
) -> str:
    """The step summary: the same overview for a run's page."""
    drift = any(r.drift for r in results)
    title = "Schema sync" if ctx.mode == "sync" else "Schema drift check"
    verdict = "drift found" if drift else "in sync"
    head = (
        f"## {title}: `{local.path}` — {verdict}\n\n"
        f"Version `{local.version}`, SHA-256 `{local.sha256[:12]}…`\n\n"
    )
    extra = (f"{ctx.verdict}\n\n" if ctx.verdict else "") + own_change(change, local)
    extra += pending_lines(results)
    budget = BUDGET // 2 if change else BUDGET
    return fit(head + extra + overview(local, results) + details(results, budget) + _footer(ctx))


def pr_body(
    local: Spec, result: PeerResult, ctx: Context, *, note: str = "", marker: str = ""
) -> str:
    """The sync PR's body: provenance, metadata and the changes, breaking first."""
    source = f"[{ctx.repository}]({ctx.server_url}/{ctx.repository})"
    commit = (
        f"[`{ctx.sha[:7]}`]({ctx.server_url}/{ctx.repository}/commit/{ctx.sha})"
        if ctx.sha
        else "the working tree"
    )
    lines = [
        f"This pull request makes `{result.path}` identical to the copy in {source} at {commit}.",
        "",
        "| | |",
        "|---|---|",
        f"| Source | `{ctx.repository}` @ `{ctx.sha or 'working tree'}` |",
        f"| Spec version | `{local.version}` |",
        f"| updated_at | `{local.updated_at}` |",
        f"| SHA-256 | `{local.sha256}` |",
        f"| Tables / fields | {local.table_count} / {local.field_count} |",
        "",
    ]
    if note:
        lines += [note, ""]
    if result.missing:
        lines.append("The file does not exist here yet; this adds it.")
    elif result.changes:
        breaking = sum(c.breaking for c in result.changes)
        lines.append(f"### Changes ({len(result.changes)}, {breaking} breaking)\n")
        table, omitted = changes_table(result.changes, BUDGET)
        lines.append(table)
        if omitted:
            lines.append(f"_{omitted} more changes are only in the JSON report._")
    else:
        lines.append("No semantic changes: the files differ in formatting or comments only.")
    lines.append(
        "\nThis branch is kept by schema-sync; edits to the file here are replaced "
        "on the next sync."
    )
    text = "\n".join(lines)
    return fit(f"{marker}\n{text}\n" if marker else text + "\n")
