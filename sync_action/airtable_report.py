"""What people read in airtable mode: the pull request comment and the step summary.

The changes read from the spec (what the app expects) to the base (what exists),
one sentence each, naming table and field by display name and id, breaking ones
first with their reason, grouped by table and collapsed when long. Everything fits
GitHub's 65,536 characters; a cut says how many changes are only in the JSON report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from sync_action.compare import PeerResult
from sync_action.diff import Change
from sync_action.report import Context, utc_now
from sync_action.spec import Spec
from sync_action.texts import LIMIT, fit

OPEN_LINES = 10  # sentences shown before the rest is collapsed
BUDGET = LIMIT - 5_536  # room for the header, marker and footer around the changes
REASONS = {
    "removed": "the app expects it",
    "type-changed": "the app reads another kind of value",
    "link-changed": "the app follows the link to another table",
    "renamed-undeclared": "the app looks it up by its name in the spec",
    "declared-in-deprecations": "planned in `deprecations`",
    "type-unknown": "not compared",
}


def marker(schema_path: str) -> str:
    return f"<!-- schema-sync:airtable:{schema_path} -->"


def counts(changes: Sequence[Change]) -> str:
    kinds = ("added", "removed", "changed", "renamed")
    by_kind = ", ".join(f"{sum(c.kind == k for c in changes)} {k}" for k in kinds)
    breaking = sum(c.breaking for c in changes)
    return f"{len(changes)} change(s) ({by_kind}), {breaking} breaking"


def table_names(local: Spec) -> dict[str, str]:
    """Spec table key -> display name, for sentences that name tables as people do."""
    tables = local.data.get("tables")
    if not isinstance(tables, dict):
        return {}
    return {str(k): str(v.get("name") or k) for k, v in tables.items() if isinstance(v, dict)}


def _who(c: Change, names: Mapping[str, str]) -> str:
    table = names.get(c.table or "", c.table or "")
    if c.field is None:
        label = c.name or table
        return f"{label} ({c.table_id})" if c.table_id else label
    label = f"{table} › {c.name or c.field}"
    return f"{label} ({c.field_id})" if c.field_id else label


def sentence(c: Change, names: Mapping[str, str], *, bold: bool = True) -> str:
    """One change as a reviewer reads it (`bold=False` for a log line)."""
    who = f"**{_who(c, names)}**" if bold else _who(c, names)
    what = "table" if c.field is None else "field"
    if c.kind == "removed":
        text = f"{who}: a {what} of the spec that the base does not have"
    elif c.kind == "added":
        kind = f" ({c.after['type']})" if isinstance(c.after, dict) and "type" in c.after else ""
        text = f"{who}: in the base{kind}, not described by the spec (`{c.path}`)"
    elif c.kind == "renamed":
        text = f"{who}: named “{c.before['name']}” in the spec, “{c.after['name']}” in the base"
    elif c.reason == "link-changed":
        text = f"{who}: links to `{c.before}` in the spec, to `{c.after}` in the base"
    elif c.reason == "type-unknown":
        text = f"{who}: type `{c.before}` in the spec, `{c.after}` in the base: not compared"
    else:
        text = f"{who}: type `{c.before}` in the spec, `{c.after}` in the base"
    reason = REASONS.get(c.reason or "")
    mark = "⚠️ breaking: " if c.breaking else ""
    return f"- {mark}{text}" + (f" ({reason})" if reason and c.breaking else "")


def _grouped(changes: Sequence[Change], names: Mapping[str, str]) -> list[str]:
    """Breaking sentences first, then the rest grouped under their table."""
    lines = [sentence(c, names) for c in changes if c.breaking]
    rest = [c for c in changes if not c.breaking]
    tables: dict[str, list[Change]] = {}
    for c in rest:
        tables.setdefault(c.table or "", []).append(c)
    for table, group in tables.items():
        lines.append(f"- **{names.get(table, table)}**: {len(group)} more")
        lines += ["  " + sentence(c, names) for c in group]
    return lines


def change_list(changes: Sequence[Change], names: Mapping[str, str], budget: int) -> str:
    """The sentences, the first few open and the rest collapsed, within `budget`."""
    lines = _grouped(changes, names)
    shown, used = [], 0
    for line in lines:
        if used + len(line) + 1 > budget:
            break
        shown.append(line)
        used += len(line) + 1
    text = "\n".join(shown[:OPEN_LINES]) + "\n"
    if len(shown) > OPEN_LINES:
        text += (
            f"\n<details><summary>{len(shown) - OPEN_LINES} more line(s)</summary>\n\n"
            + "\n".join(shown[OPEN_LINES:])
            + "\n\n</details>\n"
        )
    if len(shown) < len(lines):
        text += f"\n_{len(lines) - len(shown)} more line(s) are only in the JSON report._\n"
    return text


def suggested(result: PeerResult) -> str:
    ids = result.suggested_ids or {}
    if not ids:
        return ""
    rows = "\n".join(f"| `{path}` | `{value}` |" for path, value in ids.items())
    return (
        f"\n<details><summary>{len(ids)} spec entr{'y has' if len(ids) == 1 else 'ies have'} "
        "no id; the base's ids, to complete the spec</summary>\n\n"
        f"| Spec path | Id in the base |\n|---|---|\n{rows}\n\n</details>\n"
    )


def _verdict(path: str, result: PeerResult) -> str:
    base = result.repository.partition(":")[2]
    if result.status == "failed":
        return f"## ❌ Airtable check failed: `{path}` against base `{base}`\n\n{result.message}\n"
    if not result.drift:
        unknown = sum(c.reason == "type-unknown" for c in result.changes)
        note = f" ({unknown} type(s) not compared)" if unknown else ""
        return f"## ✅ Airtable base `{base}` matches `{path}`{note}\n"
    icon = "❌" if result.breaking else "⚠️"
    return f"## {icon} Airtable base `{base}` differs from `{path}`: {counts(result.changes)}\n"


def _effect(result: PeerResult, fails: bool) -> str:
    if result.status == "failed" or not result.drift:
        return ""
    if fails:
        return (
            "\nThis check fails: the base and the spec disagree (`fail-on`). "
            "Change the base in Airtable, or the spec to describe the base.\n"
        )
    return "\nThis check only warns: `fail-on` does not name this drift.\n"


def body(path: str, local: Spec, result: PeerResult, *, fails: bool) -> str:
    text = _verdict(path, result) + _effect(result, fails)
    if result.changes:
        text += "\n" + change_list(result.changes, table_names(local), BUDGET)
    text += suggested(result)
    version = f"spec version `{local.version}`, " if local.version else ""
    text += f"\n{version}SHA-256 `{local.sha256[:12]}…`\n"
    return text


def footer(ctx: Context) -> str:
    sha = ctx.sha[:7] if ctx.sha else "working tree"
    return f"\n<sub>schema-sync · {ctx.repository} @ {sha} · {utc_now()}</sub>\n"


def comment(path: str, local: Spec, result: PeerResult, ctx: Context, *, fails: bool) -> str:
    return fit(f"{marker(path)}\n{body(path, local, result, fails=fails)}{footer(ctx)}")


def summary(path: str, local: Spec, result: PeerResult, ctx: Context, *, fails: bool) -> str:
    return fit(body(path, local, result, fails=fails) + footer(ctx))
