"""What people read: the drift comment, the sync pull request's body, the step summary.

All three are rendered from one model, built from the JSON report's data (so
they say what the report says) and the specs (for display names and ids):

1. a one-line verdict with counts by kind and by breaking;
2. what the check does to the pull request (fails, warns, passes) and why;
3. the pull request's own change, when there is one;
4. one row per repository: its status in words and the next step;
5. the changes as sentences, breaking first, grouped and collapsed when long,
   each repository with its share of GitHub's 65,536-character limit; a cut
   says how many changes are left out and links the run.

One severity scale runs through every text: 🔴 fails the check, 🟡 needs a
person, 🔵 will resolve itself (pending), 🟢 nothing to do.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from enum import IntEnum
from typing import Any

from sync_action.core.vocabulary import Finding, Status
from sync_action.texts import changelist, outcome, usage_words
from sync_action.texts.outcome import next_version, pr_number, sync_outcome
from sync_action.texts.sentences import COPIES, Words, code, escape

LIMIT = 65_536
RESERVE = 600  # the cut note and the footer
Docs = Mapping[str, Sequence[Mapping[str, Any]]]  # repository -> specs, the source's first


class Severity(IntEnum):
    OK = 0
    INFO = 1
    WARN = 2
    FAIL = 3


ICONS = {Severity.OK: "🟢", Severity.INFO: "🔵", Severity.WARN: "🟡", Severity.FAIL: "🔴"}
LEGEND = {
    Severity.FAIL: "fails the check",
    Severity.WARN: "needs a person",
    Severity.INFO: "resolves after merge",
    Severity.OK: "nothing to do",
}


@dataclass(frozen=True)
class Run:
    """The run the texts speak for."""

    repository: str
    sha: str = ""
    schema_path: str = ""
    mode: str = "drift"
    server_url: str = "https://github.com"
    run_url: str = ""
    report_path: str = ""
    fail_on_drift: bool = True
    head_sha: str = ""  # the pull request's head, where the code's uses are linked

    def repo_link(self, repo: str) -> str:
        return f"[{repo}]({self.server_url}/{repo})" if "/" in repo else repo

    def commit_link(self) -> str:
        if not self.sha:
            return "the working tree"
        return f"[`{self.sha[:7]}`]({self.server_url}/{self.repository}/commit/{self.sha})"


@dataclass(frozen=True)
class Row:
    """One repository: how it stands and what happens next."""

    repository: str
    severity: Severity
    status: str
    version: str
    changes: str
    next_step: str


@dataclass
class Model:
    verdict: str
    severity: Severity
    consequence: str
    rows: list[Row] = field(default_factory=list)
    sections: list[tuple[str, Sequence[Mapping[str, Any]], Sequence[Mapping[str, Any]]]] = field(
        default_factory=list
    )  # (title, changes, docs)
    notes: list[str] = field(default_factory=list)  # alerts between the consequence and the rows
    words: Words = COPIES


# --- one repository --------------------------------------------------------------


def plural(count: int, one: str, many: str) -> str:
    return f"{count:,} {one if count == 1 else many}"


def is_source(peer: Mapping[str, Any], run: Run, local: Mapping[str, Any]) -> bool:
    """Whether this repository is the source for `peer` (the report's `to` says so)."""
    to = peer.get("to")
    if isinstance(to, Mapping) and to.get("repository"):
        return bool(to["repository"] == run.repository)
    prov = peer.get("provenance")
    if isinstance(prov, Mapping) and prov.get("source"):
        return bool(prov["source"] == run.repository)
    owner = str(local.get("owner_repo") or "").lower()
    return not owner or owner != str(peer.get("repository", "")).lower()


def _pending_pr(peer: Mapping[str, Any]) -> str:
    pending = peer.get("pending_pr")
    if isinstance(pending, Mapping) and pending.get("url"):
        return f"[{pending.get('repository')}#{pending.get('number')}]({pending['url']})"
    number = pr_number(str(peer.get("pr_url") or ""))
    return f"[{peer.get('repository')}#{number}]({peer['pr_url']})" if number else ""


def versions(peer: Mapping[str, Any], local: Mapping[str, Any], source: bool) -> str:
    mine, theirs = local.get("version"), peer.get("version")
    if peer.get("missing"):
        return "—"
    if theirs is None and not peer.get("drift"):
        theirs = mine  # identical bytes are not parsed again: the same version
    old, new = (theirs, mine) if source else (mine, theirs)
    if not old and not new:
        return ""
    if old == new:
        return code(str(old))
    return f"{code(str(old)) if old else 'none'} → {code(str(new)) if new else 'none'}"


def _refusal(peer: Mapping[str, Any], local: Mapping[str, Any], run: Run) -> str:
    """The fix for a refused version: the file and the version to set."""
    wanted = peer.get("required_version") or next_version(local.get("version"))
    return (
        f"Set `spec_version` in `{run.schema_path}` to {code(str(wanted))} or later "
        f"(it is {code(str(local.get('version')))}, and the content differs)"
    )


def describe(peer: Mapping[str, Any], run: Run, local: Mapping[str, Any]) -> Row:
    """A repository's status in words and its next step, on the one severity scale."""
    repo = str(peer.get("repository", ""))
    status = str(peer.get("status") or ("drift" if peer.get("drift") else "in-sync"))
    findings = [str(f) for f in peer.get("findings", [])]
    source = is_source(peer, run, local)
    changes = peer.get("changes") or []
    version = versions(peer, local, source)
    link = _pending_pr(peer)
    fail = Severity.FAIL if run.fail_on_drift else Severity.WARN
    other = repo  # the side that is not this repository

    def row(sev: Severity, text: str, step: str) -> Row:
        return Row(repo, sev, text, version, changelist.short_counts(changes), step)

    if status == Status.FAILED:
        return row(Severity.FAIL, "could not be checked", _message(peer, "Re-run the job."))
    version_findings = {Finding.VERSION_NOT_BUMPED, Finding.VERSION_TOO_SMALL} & {*findings}
    if status == Status.REFUSED or (source and version_findings):
        sev = Severity.FAIL if status == Status.REFUSED or run.fail_on_drift else Severity.WARN
        small = Finding.VERSION_TOO_SMALL in findings
        words = "version too small" if small else "same version, other content"
        if status == Status.REFUSED:
            words = f"refused: {words}"
        return row(sev, words, _refusal(peer, local, run) + ".")
    if status in (Status.CREATED, Status.UPDATED):
        return row(
            Severity.OK,
            f"{'opened' if status == Status.CREATED else 'updated'} {link}",
            "Review and merge it.",
        )
    if status == Status.UNCHANGED:
        text = f"up to date in {link}" if link else "already has this file"
        return row(Severity.OK, text, _message(peer, "Nothing to do."))
    if status == Status.DRY_RUN:
        return row(Severity.INFO, "would be synced (dry run)", "Run without `dry-run` to write.")
    if status == Status.PENDING:
        return row(
            Severity.INFO,
            "gets this change after merge",
            f"After merge, a sync pull request opens in {repo}.",
        )
    if status == Status.IN_SYNC:
        return row(Severity.OK, "in sync", "Nothing to do.")
    if peer.get("missing"):
        step = (
            f"A sync adds the file to {repo}."
            if source
            else (f"{repo} has no `{peer.get('path')}`; check `peer-path`.")
        )
        return row(fail, "no file", step)
    if Finding.PEER_INVALID in findings:
        return row(
            fail,
            "copy is not a valid spec",
            _message(peer, "") + f" A sync replaces {repo}'s copy.",
        )
    if Finding.EDITED_LOCALLY in findings:
        if source:
            step = (
                f"{repo} edited its copy: move the edits to keep into {run.repository}'s "
                f"`{run.schema_path}`, or agree with {repo}'s maintainers to drop them; "
                "a sync undoes them."
            )
        else:
            step = (
                f"{run.repository}'s copy was edited: make the change in {other} "
                f"(the source) instead, or revert it in {run.repository}."
            )
        words = "edited locally" if source else f"{run.repository}'s copy edited"
        return row(fail if not link else Severity.WARN, words, step)
    if link:
        return row(
            Severity.WARN if source else fail, "behind; sync pull request open", f"Merge {link}."
        )
    behind = "behind the source" if Finding.BEHIND_SOURCE in findings else "behind"
    if source:
        return row(
            fail,
            behind,
            f"Run the sync workflow in {run.repository} (`mode: sync`); "
            f"it opens a pull request in {repo}.",
        )
    return row(
        fail,
        "behind the source" if Finding.BEHIND_SOURCE in findings else "differs from the source",
        f"Make the change in {other}, the source; its sync replaces {run.repository}'s copy.",
    )


def _message(peer: Mapping[str, Any], fallback: str) -> str:
    text = str(peer.get("message") or "").strip()
    return escape(text) if text else fallback


# --- the model -----------------------------------------------------------------------


def _distinct(peers: Sequence[Mapping[str, Any]]) -> list[Mapping[str, Any]]:
    """Changes of every repository, each (kind, path) once."""
    seen: dict[tuple[Any, Any], Mapping[str, Any]] = {}
    for peer in peers:
        for change in peer.get("changes") or []:
            seen.setdefault((change.get("kind"), change.get("path")), change)
    return list(seen.values())


def build(report: Mapping[str, Any], run: Run, docs: Docs) -> Model:
    """The model of a drift or sync report."""
    local = report.get("local") or {}
    peers = list(report.get("peers") or [])
    rows = [describe(p, run, local) for p in peers]
    own = report.get("pull_request")
    severity = max((r.severity for r in rows), default=Severity.OK)
    model = Model(_verdict(report, run, peers, rows), severity, "", rows)
    model.consequence = _consequence(rows, run)
    if checked := outcome.of_checks(report):  # drift mode: `fail-on` decides
        fails = checked[0]
        model.consequence = outcome.consequence(report, run.schema_path)
        model.severity = Severity.FAIL if fails else min(model.severity, Severity.WARN)
    if isinstance(own, Mapping) and Finding.EDITS_SYNCED_COPY in (own.get("findings") or []):
        model.notes.append(outcome.edits_synced_copy(local, run.schema_path, run.repository))
    if isinstance(own, Mapping) and own.get("changes"):
        title = f"This pull request's change to `{run.schema_path}`"
        if own.get("syncs_from"):
            title = f"What {run.repository} must handle: the changes this sync brings"
        model.sections.append((title, own["changes"], docs.get("", ())))
    for peer in peers:
        if peer.get("changes") and peer.get("status") != Status.PENDING:
            repo = str(peer.get("repository"))
            model.sections.append(
                (_direction(peer, run, local), peer["changes"], docs.get(repo, ()))
            )
    if used := usage_words.verdict_note(_distinct([{"changes": s[1]} for s in model.sections])):
        model.verdict += f"; {used}"
        model.severity = max(model.severity, Severity.WARN)  # code here must change: a person
    return model


def _direction(peer: Mapping[str, Any], run: Run, local: Mapping[str, Any]) -> str:
    """The section title: what a sync changes in the consumer, read consumer → source."""
    repo = str(peer.get("repository"))
    consumer, source = (
        (repo, run.repository) if is_source(peer, run, local) else (run.repository, repo)
    )
    return f"What a sync changes in {consumer} ({consumer} → {source})"


def _verdict(
    report: Mapping[str, Any], run: Run, peers: Sequence[Mapping[str, Any]], rows: Sequence[Row]
) -> str:
    path = f"`{run.schema_path}`"
    differ = [p for p in peers if p.get("drift")]
    pending = [p for p in peers if p.get("status") == Status.PENDING]
    own = report.get("pull_request")
    counted = changelist.counts(_distinct(differ))
    if isinstance(own, Mapping) and own.get("syncs_from"):
        return outcome.syncs(own, report.get("local") or {}, path)
    if isinstance(own, Mapping) and Finding.EDITS_SYNCED_COPY in (own.get("findings") or []):
        source = escape((report.get("local") or {}).get("owner_repo") or "the source")
        return f"This pull request edits {path}, a copy synced from {source}"
    if differ:
        if len(peers) == 1:
            return f"Schema drift: {path} differs from {differ[0].get('repository')}: {counted}"
        of = plural(len(peers), "repository", "repositories")
        return f"Schema drift: {path} differs in {len(differ)} of {of}: {counted}"
    if isinstance(own, Mapping) and own.get("changes"):
        text = f"This pull request changes {path}: {changelist.counts(own['changes'])}"
        later = plural(len(pending), "consumer gets", "consumers get")
        return text + (f"; {later} it after merge" if pending else "")
    if any(r.severity is Severity.FAIL for r in rows):
        failed = sum(r.severity is Severity.FAIL for r in rows)
        return f"{path}: {plural(failed, 'repository', 'repositories')} could not be checked"
    return f"Schema in sync: {path} matches {_names(peers)}"


def _names(peers: Sequence[Mapping[str, Any]]) -> str:
    names = [str(p.get("repository")) for p in peers]
    if len(names) <= 3:
        return ", ".join(names) or "no repository"
    return f"{len(names)} repositories"


def _consequence(rows: Sequence[Row], run: Run) -> str:
    failing = [r for r in rows if r.severity is Severity.FAIL]
    warning = [r for r in rows if r.severity is Severity.WARN]
    if failing:
        who = ", ".join(r.repository for r in failing)
        why = "`fail-on-drift` is true" if run.fail_on_drift else "it cannot pass as it is"
        return f"This check **fails** because of {who} ({why}); each row says how to fix it."
    if warning:
        who = ", ".join(r.repository for r in warning)
        return (
            f"This check **only warns** about {who}: `fail-on-drift` is false, "
            "so it does not block the pull request."
        )
    return "This check **passes**."


# --- markdown --------------------------------------------------------------------------


def _heading(model: Model) -> str:
    notes = "".join(model.notes)
    return f"### {ICONS[model.severity]} {model.verdict}\n\n{model.consequence}\n\n{notes}"


def table(rows: Sequence[Row], run: Run) -> str:
    if not rows:
        return ""
    lines = [
        "| | Repository | Status | Version | Changes | Next step |",
        "|---|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {ICONS[r.severity]} | {run.repo_link(r.repository)} | {r.status} | {r.version} "
            f"| {r.changes or '—'} | {r.next_step} |"
        )
    return "\n".join(lines) + "\n\n"


def sections(model: Model, run: Run, budget: int) -> str:
    """Every section of changes, each with its share of `budget`; a cut links the run."""
    parts: list[str] = []
    omitted = 0
    blob = usage_words.blob(run.server_url, run.repository, run.head_sha or run.sha)
    todo = list(model.sections)
    while todo:
        title, changes, docs = todo.pop(0)
        share = max(budget // (len(todo) + 1), 0)
        head = f"#### {title}\n\n"
        room = max(share - len(head) - 2, 0)
        body, cut = changelist.render(changes, docs, room, model.words, blob)
        text = head + body + "\n"
        omitted += cut
        parts.append(text)
        budget -= len(text)
    if omitted:
        parts.append(cut_note(omitted, run))
    return "".join(parts)


def cut_note(omitted: int, run: Run) -> str:
    where = (
        f"in the report of [this run]({run.run_url})"
        if run.run_url
        else f"in the JSON report (`{run.report_path or 'report-path'}`)"
    )
    return (
        f"> [!NOTE]\n> {omitted:,} more change{'s are' if omitted != 1 else ' is'} "
        f"left out to fit GitHub's size limit; every change is listed {where}.\n\n"
    )


def footer(run: Run, used: Sequence[Severity] = tuple(Severity)) -> str:
    """Who wrote it, the run, and the meaning of the marks the text uses."""
    where = f"{run.repository} @ {run.sha[:7]}" if run.sha else run.repository
    link = f" · [run]({run.run_url})" if run.run_url else ""
    legend = " · ".join(f"{ICONS[s]} {LEGEND[s]}" for s in sorted(set(used), reverse=True))
    return f"<sub>schema-sync · {where}{link} · {legend}</sub>\n"


def fit(text: str) -> str:
    """Never over GitHub's limit, whatever the parts added up to."""
    if len(text) <= LIMIT:
        return text
    note = "\n\n_Cut to fit GitHub's size limit; the JSON report has everything._\n"
    return text[: LIMIT - len(note)] + note


def compose(model: Model, run: Run, top: str = "", extra: str = "", after: str = "") -> str:
    """Heading, consequence, rows, then the changes in the budget that is left, then notes."""
    fixed = top + _heading(model) + table(model.rows, run) + extra
    end = footer(run, [model.severity, *(r.severity for r in model.rows)])
    budget = LIMIT - len(fixed) - len(after) - len(end) - RESERVE
    return fit(fixed + sections(model, run, budget) + after + end)


def comment(marker: str, report: Mapping[str, Any], run: Run, docs: Docs) -> str:
    """The sticky pull request comment (drift)."""
    return compose(build(report, run, docs), run, top=f"{marker}\n")


def summary(report: Mapping[str, Any], run: Run, docs: Docs) -> str:
    """The step summary: drift reads like the comment; sync leads with its outcome."""
    model = build(report, run, docs)
    if run.mode == "sync":
        model.verdict = sync_outcome(report, run.schema_path)
        model.consequence = ""
        model.sections = [s for s in model.sections if not s[0].startswith("This pull request")]
        return compose(model, run).replace("\n\n\n\n", "\n\n")
    return compose(model, run)
