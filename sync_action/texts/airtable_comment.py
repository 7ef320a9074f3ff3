"""Airtable mode's words in the one text model (`texts`): comment and step summary.

The same verdict, severity scale, row and change sentences as drift, with one
row, `airtable:<base id>`, and the changes read from the spec (what the app
expects) to the base (what exists), their reasons said as the app meets them.
A type schema-sync cannot compare is a note, not drift; the ids the base has for
spec entries without one are a short list to paste into the spec.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sync_action.core import markers
from sync_action.core.vocabulary import Reason, Status
from sync_action.texts import changelist, document, outcome
from sync_action.texts.document import Model, Row, Severity
from sync_action.texts.sentences import BASE, code, escape, facts, sentence, subject

NOTED = 10  # types not compared, named one by one before "and N more"
LISTED_IDS = 40  # suggested ids shown; the report has every one


def unknown(changes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [c for c in changes if c.get("reason") == Reason.TYPE_UNKNOWN]


def compared(changes: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    return [c for c in changes if c.get("reason") != Reason.TYPE_UNKNOWN]


def log_line(change: Mapping[str, Any], docs: Sequence[Mapping[str, Any]]) -> str:
    """A change's sentence for the job log, without markdown."""
    text = sentence(change, docs, BASE).replace("**", "")
    return text.replace("\\", "").replace("`", "")


def _row(peer: Mapping[str, Any], run: document.Run, fails: bool) -> Row:
    repo = str(peer.get("repository"))
    changes = peer.get("changes") or []
    counted = changelist.counts(compared(changes))
    spec = code(run.schema_path)
    if peer.get("status") == Status.FAILED:
        message = escape(str(peer.get("message") or "")) or "Re-run the job."
        return Row(repo, Severity.FAIL, "could not be read", "—", "—", message)
    if peer.get("drift"):
        return Row(
            repo,
            Severity.FAIL if fails else Severity.WARN,
            "differs from the spec",
            "—",
            counted,
            f"Change the base in Airtable to match the spec, or {spec} to describe the base.",
        )
    skipped = len(unknown(changes))
    if skipped:
        status = f"in sync; {document.plural(skipped, 'type', 'types')} not compared"
        return Row(repo, Severity.OK, status, "—", "—", "Check the note's types by hand.")
    return Row(repo, Severity.OK, "in sync", "—", "—", "Nothing to do.")


def build(report: Mapping[str, Any], run: document.Run, docs: document.Docs) -> Model:
    """The model of airtable mode's report: its one peer, the base."""
    (peer,) = report.get("peers") or [{}]
    base = code(str(peer.get("repository", "")).partition(":")[2])
    spec = code(run.schema_path)
    changes = peer.get("changes") or []
    checked = outcome.of_checks(report)
    row = _row(peer, run, bool(checked and checked[0]))
    if peer.get("status") == Status.FAILED:
        verdict = f"Airtable check failed: {spec} against base {base}"
        consequence = "This check **fails**: the base's schema could not be read."
    elif peer.get("drift"):
        counted = changelist.counts(compared(changes))
        verdict = f"Airtable drift: base {base} differs from {spec}: {counted}"
        consequence = checked[1] if checked else "This check **only warns**."
    else:
        verdict = f"Airtable base {base} matches {spec}"
        consequence = "This check **passes**."
    model = Model(verdict, row.severity, consequence, [row], words=BASE)
    shown = compared(changes)
    if shown:
        title = f"Where base {base} differs: what {spec} expects → what the base has"
        model.sections.append((title, shown, docs.get(str(peer.get("repository")), ())))
    return model


def notes(peer: Mapping[str, Any], docs: Sequence[Mapping[str, Any]]) -> str:
    """The types not compared, and the ids to add to the spec."""
    return _not_compared(unknown(peer.get("changes") or []), docs) + _ids(
        peer.get("suggested_ids") or {}
    )


def _not_compared(changes: Sequence[Mapping[str, Any]], docs: Sequence[Mapping[str, Any]]) -> str:
    if not changes:
        return ""
    lines = [
        f"> - {subject(facts(c, docs), str(c.get('path')))}: {code(str(c.get('before')))} in the "
        f"spec, {code(str(c.get('after')))} in the base"
        for c in changes[:NOTED]
    ]
    if len(changes) > NOTED:
        lines.append(f"> - and {len(changes) - NOTED:,} more (the JSON report has every one)")
    return (
        "> [!NOTE]\n> Not compared, and not drift: types this version of schema-sync cannot "
        "match against the spec. Check them by hand.\n>\n" + "\n".join(lines) + "\n\n"
    )


def _ids(ids: Mapping[str, str]) -> str:
    if not ids:
        return ""
    entries = list(ids.items())
    width = max(len(path) for path, _ in entries[:LISTED_IDS])
    lines = [f"{path.ljust(width)}  id: {found}" for path, found in entries[:LISTED_IDS]]
    more = len(entries) - LISTED_IDS
    rest = f"\n{more:,} more are in the report's `peers[0].suggested_ids`.\n" if more > 0 else ""
    count = document.plural(len(entries), "entry has", "entries have")
    return (
        f"<details><summary>🟡 {count} no id in the spec: the base's ids, "
        "to add</summary>\n\nMatched by name this time. Give each entry its `id:`, "
        "so a rename in Airtable is a rename, not a removal:\n\n"
        "```text\n" + "\n".join(lines) + f"\n```\n{rest}\n</details>\n\n"
    )


def _text(report: Mapping[str, Any], run: document.Run, docs: document.Docs, top: str) -> str:
    (peer,) = report.get("peers") or [{}]
    extra = notes(peer, docs.get(str(peer.get("repository")), ()))
    return document.compose(build(report, run, docs), run, top=top, after=extra)


def comment(report: Mapping[str, Any], run: document.Run, docs: document.Docs) -> str:
    """The sticky pull request comment, under airtable mode's own marker."""
    return _text(report, run, docs, f"{markers.airtable(run.schema_path)}\n")


def summary(report: Mapping[str, Any], run: document.Run, docs: document.Docs) -> str:
    """The step summary: the comment without its marker."""
    return _text(report, run, docs, "")
