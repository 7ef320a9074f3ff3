"""The sync pull request's body: what the person merging must know, in the order they need it.

First a consumer's own edits that merging would undo (when its copy was edited
locally), then the verdict, both versions side by side, one line to check per
breaking change, the changes, and the run that made it.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sync_action.core.vocabulary import Finding
from sync_action.texts import changelist
from sync_action.texts.document import ICONS, LIMIT, RESERVE, Run, Severity, cut_note, fit
from sync_action.texts.sentences import check_line, code, sentence

CHECKS_SHOWN = 50
UNDO_SHOWN = 30


def _edits(
    peer: Mapping[str, Any],
    run: Run,
    undo: Sequence[Mapping[str, Any]] | None,
    docs: Sequence[Mapping[str, Any]],
    undo_note: str,
) -> str:
    """The consumer's own edits that this pull request would undo, or why they are unknown."""
    repo = peer.get("repository")
    lines = [
        "> [!WARNING]",
        f"> **{repo} edited its copy of `{peer.get('path')}`.** Merging this pull request "
        f"undoes those edits. If they should stay, make them in {run.repository} first "
        "(its next sync brings them back here).",
    ]
    if undo:
        lines.append(f">\n> Edits in {repo} that this pull request undoes:")
        lines += [f"> - {sentence(c, docs)}" for c in changelist.ordered(undo)[:UNDO_SHOWN]]
        if len(undo) > UNDO_SHOWN:
            lines.append(f"> - … and {len(undo) - UNDO_SHOWN:,} more")
    elif undo_note:
        lines.append(f">\n> {undo_note}")
    return "\n".join(lines) + "\n\n"


def _versions(peer: Mapping[str, Any], local: Mapping[str, Any]) -> str:
    repo = peer.get("repository")
    missing = bool(peer.get("missing"))

    def now(key: str) -> str:
        if missing:
            return "no file"
        value = peer.get(key)
        return code(str(value)) if value is not None else "—"

    def new(key: str) -> str:
        value = local.get(key)
        return code(str(value)) if value is not None else "—"

    shape = "—" if missing else f"{peer.get('tables')} / {peer.get('fields')}"
    return (
        "\n".join(
            [
                f"| | {repo} now | after merge |",
                "|---|---|---|",
                f"| Spec version | {now('version')} | {new('version')} |",
                f"| `updated_at` | {now('updated_at')} | {new('updated_at')} |",
                f"| Tables / fields | {shape} | {local.get('tables')} / {local.get('fields')} |",
            ]
        )
        + f"\n\nSHA-256 of the file after merge: `{local.get('hash')}`\n\n"
    )


def _checks(changes: Sequence[Mapping[str, Any]], docs: Sequence[Mapping[str, Any]]) -> str:
    breaking = [c for c in changes if c.get("breaking")]
    head = "#### Before merging, check\n\n"
    if not breaking:
        return head + (
            "Nothing here is breaking: apps that read this schema keep working. "
            "Check that nothing depends on the old descriptions or versions.\n\n"
        )
    lines = [f"- [ ] {check_line(c, docs)}" for c in breaking[:CHECKS_SHOWN]]
    if len(breaking) > CHECKS_SHOWN:
        lines.append(f"- [ ] … and {len(breaking) - CHECKS_SHOWN:,} more breaking changes below")
    return head + "\n".join(lines) + "\n\n"


def pr_body(
    peer: Mapping[str, Any],
    local: Mapping[str, Any],
    run: Run,
    docs: Sequence[Mapping[str, Any]],
    *,
    undo: Sequence[Mapping[str, Any]] | None = None,
    undo_note: str = "",
    marker: str = "",
    note: str = "",
    why: str = "",
) -> str:
    """The body of the sync pull request into `peer` (a report `peers` entry)."""
    repo = str(peer.get("repository"))
    changes = list(peer.get("changes") or [])
    edited = Finding.EDITED_LOCALLY in (peer.get("findings") or [])
    breaking = any(c.get("breaking") for c in changes)
    icon = ICONS[Severity.WARN if breaking or edited else Severity.OK]  # a person decides
    old, new = peer.get("version"), local.get("version")
    move = f"{code(str(old))} → {code(str(new))}" if old and old != new else code(str(new))
    parts = [f"{marker}\n" if marker else ""]
    if edited:
        parts.append(_edits(peer, run, undo, docs, undo_note))
    verdict = "adds the file" if peer.get("missing") else changelist.counts(changes)
    parts.append(
        f"### {icon} Sync `{peer.get('path')}` from {run.repository}: {move}, {verdict}\n\n"
    )
    parts.append(
        f"This pull request makes `{peer.get('path')}` in {repo} identical to the copy in "
        f"{run.repo_link(run.repository)} at {run.commit_link()}.\n\n"
    )
    parts.append(_versions(peer, local))
    parts.append(_checks(changes, docs))
    parts.append(why)  # the source pull requests behind the change (texts.why)
    if note:
        parts.append(note + "\n\n")
    tail = _footer(run)
    fixed = "".join(parts)
    if changes:
        budget = LIMIT - len(fixed) - len(tail) - RESERVE
        body, omitted = changelist.render(changes, docs, budget)
        fixed += "#### Changes\n\n" + body + "\n"
        if omitted:
            fixed += cut_note(omitted, run)
    elif peer.get("missing"):
        fixed += f"The file does not exist here yet in {repo}; this pull request adds it.\n\n"
    else:
        fixed += "No semantic changes: the files differ in formatting or comments only.\n\n"
    return fit(fixed + tail)


def _footer(run: Run) -> str:
    made = (
        f"Made by [this run]({run.run_url}) in {run.repository}"
        if run.run_url
        else (f"Made by schema-sync in {run.repository}")
    )
    return (
        f"<sub>{made}. This branch is kept by schema-sync: edits to the file here are "
        f"replaced on the next sync; make changes in {run.repository} instead.</sub>\n"
    )
