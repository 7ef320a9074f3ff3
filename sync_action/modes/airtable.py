"""Airtable mode: this repository's spec against the live base, reported like drift.

One peer, `airtable:<base id>`; changes read from the spec to the base. A change
whose type is new to the type table (`type-unknown`) is a warning, never drift.
On a pull request the sticky comment has its own marker, so it lives beside the
drift comment of the same file.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sync_action.core import markers
from sync_action.core.errors import EXIT_DRIFT, EXIT_OK, RemoteError
from sync_action.core.hosting import Hosting
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import FailOn, Reason, Status
from sync_action.engine import report
from sync_action.engine.airtable_compare import TYPE_TABLE, BaseSchema, compare_base
from sync_action.engine.compare import PeerResult
from sync_action.modes import sticky_comment
from sync_action.modes.context import context, text_docs, text_run
from sync_action.settings.config import Config
from sync_action.spec.model import Spec
from sync_action.texts import airtable_comment, changelist

UNKNOWN = Reason.TYPE_UNKNOWN


class AirtableResult(PeerResult):
    """The one peer of airtable mode; its counts are the base's tables and fields."""

    base: BaseSchema | None = None

    def metadata(self) -> dict[str, Any]:
        meta = super().metadata()
        if self.base is not None:
            meta.update(tables=len(self.base.tables), fields=self.base.field_count)
        return meta


def compare_with_base(cfg: Config, local: Spec, base: BaseSchema) -> AirtableResult:
    """The verdict on one base schema: drift unless every change is `type-unknown`."""
    result = AirtableResult(repository=f"airtable:{cfg.airtable_base_id}", ref="", path="")
    result.base = base
    _from_spec(cfg, result)
    found = compare_base(local.data, base)
    result.changes = found.changes
    result.suggested_ids = found.suggested_ids
    result.drift = any(c.reason != UNKNOWN for c in result.changes)
    result.status = Status.DRIFT if result.drift else Status.IN_SYNC
    return result


def _from_spec(cfg: Config, result: PeerResult) -> None:
    """Changes read from the spec (`from`, this repository) to the base (`to`)."""
    result.consumer_side = True
    result.own_repository, result.own_ref = cfg.repository or "local", cfg.ref or cfg.sha


def checks(cfg: Config, result: PeerResult) -> list[dict[str, object]]:
    """The report's `checks`: drift and breaking, each with whether `fail-on` names it."""
    found: list[dict[str, object]] = []
    where = f"Airtable base {cfg.airtable_base_id}"
    if result.drift:
        text = f"{where} differs from {cfg.schema_path}"
        found.append(_check(cfg, FailOn.DRIFT, result, text))
    if result.breaking:
        count = sum(c.breaking for c in result.changes)
        text = f"{count} breaking change(s) from {cfg.schema_path} to {where}"
        found.append(_check(cfg, FailOn.BREAKING, result, text))
    return found


def _check(cfg: Config, condition: FailOn, result: PeerResult, text: str) -> dict[str, object]:
    return {
        "condition": condition.value,
        "subject": result.repository,
        "fails": cfg.fails(condition),
        "message": text,
    }


def report_data(cfg: Config, local: Spec, result: PeerResult) -> dict[str, Any]:
    """The JSON report of one airtable run, the texts' one source."""
    return report.build(local, [result], context(cfg), checks=checks(cfg, result))


def fails(cfg: Config, result: PeerResult) -> bool:
    """Whether this result makes the step exit 1 (`fail-on: drift`/`breaking`, or
    `fail-on-drift`); anything else only warns."""
    drift = result.drift and cfg.fails(FailOn.DRIFT)
    return drift or (result.breaking and cfg.fails(FailOn.BREAKING))


def run(
    cfg: Config,
    local: Spec,
    runner: Runner,
    host: Callable[[], Hosting],
    fetcher: Callable[[Config], BaseSchema],
) -> tuple[list[PeerResult], int]:
    """Fetch (through `fetcher`, the Airtable backend the entry point hands over), compare,
    log, keep the comment; return the one result and the exit code."""
    try:
        result = compare_with_base(cfg, local, fetcher(cfg))
        code = EXIT_DRIFT if fails(cfg, result) else EXIT_OK
    except RemoteError as exc:
        result = AirtableResult(repository=f"airtable:{cfg.airtable_base_id}", ref="", path="")
        _from_spec(cfg, result)
        result.status, result.message = Status.FAILED, exc.message
        result.exit_code = exc.exit_code
        code = exc.exit_code
    _log(cfg, runner, local, result)
    if sticky_comment.wanted(cfg) and result.status != Status.FAILED:
        code = max(code, upsert_comment(cfg, host(), local, result, runner))
    return [result], code


def _log(cfg: Config, runner: Runner, local: Spec, result: PeerResult) -> None:
    with runner.group(f"{result.repository} (Airtable base)"):
        runner.log(f"status: {result.status}; {counts(result)}")
        for change in result.changes[:50]:
            runner.log("  " + airtable_comment.log_line(change.to_json(), [local.data]))
    base = cfg.airtable_base_id
    if result.status == Status.FAILED:
        runner.error(result.message, title="Airtable check failed")
        return
    for change in result.changes:
        if change.reason == UNKNOWN:
            if str(change.before) in TYPE_TABLE:
                why = f"Airtable's type '{change.after}' is new to this version of schema-sync"
            else:
                why = f"the spec's type '{change.before}' is not in the type table"
            runner.warning(
                f"{change.path}: {why}, so this field's type was not compared "
                f"(spec: {change.before}, base: {change.after})",
                title="Type not compared",
                file=cfg.schema_path,
            )
    if result.drift:
        shown = [c for c in result.changes if c.reason != UNKNOWN]
        listed = "; ".join(f"{c.kind} {c.path}" for c in shown[:5])
        more = f"; and {len(shown) - 5} more" if len(shown) > 5 else ""
        text = (
            f"{cfg.schema_path} differs from Airtable base {base}: {counts(result)}: {listed}{more}"
        )
        if fails(cfg, result):
            runner.error(text, title="Airtable schema drift", file=cfg.schema_path)
        else:
            runner.warning(text, title="Airtable schema drift", file=cfg.schema_path)
    else:
        runner.notice(f"{cfg.schema_path} matches Airtable base {base}", title="In sync")
    if result.suggested_ids:
        runner.notice(
            f"{len(result.suggested_ids)} table(s) or field(s) of {cfg.schema_path} have no id; "
            "the report's peers[0].suggested_ids lists the base's ids for them",
            title="Ids to add",
        )


def counts(result: PeerResult) -> str:
    return changelist.counts([c.to_json() for c in result.changes])


def upsert_comment(
    cfg: Config, host: Hosting, local: Spec, result: PeerResult, runner: Runner
) -> int:
    """One sticky comment per schema path, worth creating on drift, edited on later runs."""
    data = report_data(cfg, local, result)
    body = airtable_comment.comment(data, text_run(cfg), text_docs(local, [result]))
    tag = markers.airtable(cfg.schema_path)
    return sticky_comment.upsert(cfg, host, runner, tag, body, worth_saying=result.drift)
