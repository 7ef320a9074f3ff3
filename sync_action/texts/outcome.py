"""What a run does, in words a reviewer reads: the check's consequence, the sync's outcome.

The report's `checks` (one per finding, each with its `fail-on` condition and
whether it fails) become one sentence: what fails the check and how to fix it,
then what only warns. Each finding is said in plain words with its condition
word after it, so the reader knows what to add to or drop from `fail-on`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from sync_action.core.vocabulary import FailOn, Status
from sync_action.texts import changelist
from sync_action.texts.sentences import code, escape, quiet

Check = Mapping[str, Any]


def _phrase(check: Check, report: Mapping[str, Any], path: str) -> str:
    """One finding in words, naming its subject by repository (or `this pull request`)."""
    condition, subject = str(check.get("condition")), str(check.get("subject") or "")
    peers = {str(p.get("repository")): p for p in report.get("peers") or []}
    own = subject not in peers
    who = "this pull request" if own else subject
    info: Mapping[str, Any] = (report.get("pull_request") or {}) if own else peers[subject]
    version = (report.get("local") or {}).get("version")
    if condition == FailOn.DRIFT:
        return f"{who} has no copy of `{path}`" if info.get("missing") else f"{who} is out of sync"
    if condition == FailOn.EDITED:
        if own:
            return f"this pull request edits the synced copy `{path}`"
        return f"{who}'s copy was edited outside the source"
    if condition == FailOn.BEHIND:
        return f"{who} is behind the source"
    if condition == FailOn.BREAKING:
        count = sum(bool(c.get("breaking")) for c in info.get("changes") or [])
        what = (
            f"{count} breaking change{'s' if count != 1 else ''}" if count else "a breaking change"
        )
        return f"this pull request makes {what}" if own else f"{who} differs by {what}"
    if condition == FailOn.VERSION_TOO_SMALL:
        wanted = info.get("required_version")
        why = str(check.get("message") or "").removeprefix(f"{subject}: ").split(";")[0]
        why = why.removesuffix(f" {wanted} or later") or "these changes need a higher version"
        return f"{quiet(why)} {code(str(wanted))} or later; `spec_version` is {code(str(version))}"
    if condition == FailOn.VERSION_NOT_BUMPED:
        return (
            f"the content differs from {who} under the same `spec_version` "
            f"{code(str(version))}: set a new one"
            if not own
            else f"this pull request changes `{path}` but keeps `spec_version` {code(str(version))}"
        )
    if condition == FailOn.UPDATED_AT_UNCHANGED:
        return (
            f"this pull request changes `{path}` but not its `updated_at`"
            if own
            else f"the content differs from {who} but `updated_at` is the same"
        )
    message = str(check.get("message") or condition)
    return quiet(message.removeprefix(f"{subject}: "))


SHORT = {
    FailOn.DRIFT: "out of sync",
    FailOn.EDITED: "edited outside the source",
    FailOn.BEHIND: "behind the source",
    FailOn.VERSION_NOT_BUMPED: "other content under the same `spec_version`",
    FailOn.UPDATED_AT_UNCHANGED: "`updated_at` not changed",
}


def _short(check: Check, report: Mapping[str, Any], path: str) -> str:
    """A warning in a few words; its subject is said once for all its warnings."""
    condition = str(check.get("condition"))
    own = str(check.get("subject")) not in {str(p.get("repository")) for p in report["peers"]}
    if condition == FailOn.EDITED and own:
        return "edits the synced copy"
    if condition in SHORT:
        return SHORT[FailOn(condition)]
    phrase = _phrase(check, report, path)
    return phrase.removeprefix("this pull request makes ").removeprefix(
        f"{check.get('subject')} differs by "
    )


def _list(checks: Sequence[Check], report: Mapping[str, Any], path: str) -> str:
    said: dict[str, None] = {}
    for check in checks:
        said[f"{_phrase(check, report, path)} (`{check.get('condition')}`)"] = None
    return "; ".join(said)


def _grouped(checks: Sequence[Check], report: Mapping[str, Any], path: str) -> str:
    """`STRUKT1/strukt-app: behind the source (`behind`), …; this pull request: …`."""
    groups: dict[str, dict[str, None]] = {}
    for check in checks:
        subject = str(check.get("subject"))
        if subject not in {str(p.get("repository")) for p in report["peers"]}:
            subject = "this pull request"
        elif report.get("role") == "consumer":  # findings about this copy against the source
            subject = f"{report.get('repository')}'s copy against {subject}"
        words = f"{_short(check, report, path)} (`{check.get('condition')}`)"
        groups.setdefault(subject, {})[words] = None
    return "; ".join(f"{who}: {', '.join(said)}" for who, said in groups.items())


def consequence(report: Mapping[str, Any], path: str) -> str:
    """`This check **fails**: … (`drift`). Each row says how to fix it.`, and the warnings."""
    report = {**report, "peers": list(report.get("peers") or [])}
    checks = [c for c in report.get("checks") or [] if isinstance(c, Mapping)]
    failing = [c for c in checks if c.get("fails")]
    warning = [c for c in checks if not c.get("fails")]
    if failing:
        text = f"This check **fails**: {_list(failing, report, path)}."
        if warning:
            text += (
                f" Warnings only (`fail-on` does not name them): {_grouped(warning, report, path)}."
            )
        return text
    if warning:
        return (
            "This check **passes**, with warnings that `fail-on` does not name: "
            f"{_grouped(warning, report, path)}."
        )
    return "This check **passes**."


def pr_number(url: str) -> int | None:
    found = re.search(r"/pull/(\d+)$", url or "")
    return int(found.group(1)) if found else None


def next_version(version: str | None) -> str:
    """A version to suggest when the same one was kept: the next patch."""
    text = str(version or "").strip()
    found = re.fullmatch(r"(v?)(\d+)\.(\d+)\.(\d+)", text)
    if found:
        v, major, minor, patch = found.groups()
        return f"{v}{major}.{minor}.{int(patch) + 1}"
    return "a new version"


def sync_outcome(report: Mapping[str, Any], schema_path: str) -> str:
    """`Sync of schema/X: opened strukt-app#4` — what the run did, first."""
    local = report.get("local") or {}
    said = []
    for peer in report.get("peers") or []:
        repo, status = str(peer.get("repository")), str(peer.get("status"))
        number = pr_number(str(peer.get("pr_url") or ""))
        ref = f"{repo}#{number}" if number else repo
        said.append(
            {
                "created": f"opened {ref}",
                "updated": f"updated {ref}",
                "unchanged": f"{ref} unchanged",
                "dry-run": f"{repo}: dry run, nothing written",
                "refused": f"refused {repo}: set `spec_version` to "
                f"{code(str(peer.get('required_version') or next_version(local.get('version'))))}"
                " or later",
                "failed": f"{repo} failed",
            }.get(status, f"{repo}: {status}")
        )
    return f"Sync of `{schema_path}`: " + "; ".join(said or ["no consumers"])


def of_checks(report: Mapping[str, Any]) -> tuple[bool, str] | None:
    """Whether the report's `checks` fail the step, and a sentence naming each failing
    condition, its subject and why; None without checks, or when a peer could not be
    checked (that failure speaks for itself)."""
    checks = [c for c in report.get("checks") or [] if isinstance(c, Mapping)]
    peers = report.get("peers") or []
    if not checks or any(p.get("status") == Status.FAILED for p in peers):
        return None
    if failing := [c for c in checks if c.get("fails")]:
        why = "; ".join(f"{c.get('message')} (`{c.get('condition')}`)" for c in failing)
        return True, f"This check **fails** (`fail-on`): {why}."
    what = ", ".join(f"`{c.get('condition')}` ({c.get('subject')})" for c in checks)
    return False, f"This check **passes**; `fail-on` does not name: {what}."


def edits_synced_copy(local: Mapping[str, Any], schema_path: str, repository: str) -> str:
    """A consumer's pull request that edits its copy: the change belongs in the source."""
    source = escape(str(local.get("owner_repo") or "the source"))
    return (
        f"> [!WARNING]\n> This pull request edits `{schema_path}`, a copy synced from "
        f"{source}: make the change in {source} instead. Its next sync brings the change to "
        f"{repository}, and would undo an edit made only here.\n\n"
    )


def syncs(own: Mapping[str, Any], local: Mapping[str, Any], path: str) -> str:
    """A consumer's pull request that carries the source's file: the sync, not an edit."""
    old, new = own.get("base_version"), local.get("version")
    if own.get("base_missing"):
        move = f": adds it at {new}" if new else ""
    elif old != new:
        move = f": {old or 'unversioned'} → {new or 'unversioned'}"
    else:
        move = f": {new}, {changelist.counts(own.get('changes') or [])}" if new else ""
    return f"This pull request syncs {path} from {own.get('syncs_from')}{quiet(move)}"
