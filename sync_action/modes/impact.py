"""Drift's impact scan: where this repository's code uses what the listed changes touch.

After the comparisons, one pass over the workspace looks for every table and field
that a listed change touches (the pull request's own change and each peer's), and each
change gets its `usages`. Each line that uses a breaking change becomes a warning
annotation; GitHub shows 10 warnings per step, so the first 10 by path and line are
annotated and the log says how many more the report lists.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync_action.core.errors import UsageError
from sync_action.core.runner import Runner
from sync_action.engine import impact, usages
from sync_action.engine.compare import PeerResult
from sync_action.engine.diff import Change
from sync_action.engine.pull_change import PullChange
from sync_action.settings.config import Config
from sync_action.spec.model import Spec
from sync_action.texts import usage_words

ANNOTATIONS = 10  # GitHub shows this many warning annotations per step
TITLE = "Breaking schema change used here"
Docs = usages.Docs
_Listed = list[tuple[list[Change], Docs]]  # a list of changes, and the specs naming them


def scan(
    cfg: Config,
    local: Spec,
    results: Sequence[PeerResult],
    change: PullChange | None,
    runner: Runner,
) -> None:
    """Put `usages` on every listed change, then annotate the uses of breaking ones."""
    if not cfg.impact:
        return
    wanted = usages.targets(
        (c, docs) for changes, docs in _listed(local, results, change) for c in changes
    )
    found = _scan(cfg, list(wanted.values())) if wanted else {}
    for result in results:
        docs = _docs(local, result.peer_spec)
        result.changes = [usages.with_uses(c, docs, found, cfg.report_path) for c in result.changes]
    if change is not None:
        docs = _docs(local, change.base_spec)
        change.changes = [usages.with_uses(c, docs, found, cfg.report_path) for c in change.changes]
    annotate(runner, _listed(local, results, change), cfg.report_path)


def _scan(cfg: Config, targets: list[impact.Target]) -> dict[str, impact.Uses]:
    """One pass over the workspace for every target (the schema file never read)."""
    try:
        return impact.scan(
            cfg.workspace, targets, schema_file=cfg.schema_path, paths=cfg.impact_paths
        )
    except impact.ImpactPathsError as exc:
        raise UsageError(f"Input {exc}") from None


def _docs(local: Spec, other: Spec | None) -> Docs:
    return [local.data] + ([other.data] if other is not None else [])


def _listed(local: Spec, results: Sequence[PeerResult], change: PullChange | None) -> _Listed:
    """Every list of changes the report carries, with the specs that name them."""
    listed: _Listed = []
    if change is not None:
        listed.append((change.changes, _docs(local, change.base_spec)))
    listed += [(result.changes, _docs(local, result.peer_spec)) for result in results]
    return listed


def annotate(runner: Runner, listed: _Listed, report_path: str) -> None:
    """One warning per line that uses a breaking change, the first 10 by path and line."""
    notes: dict[tuple[str, int, str], None] = {}
    for changes, docs in listed:
        for item in changes:
            if not item.breaking or not item.usages:
                continue
            words = usage_words.plain(item.to_json(), docs)
            for use in item.usages:
                notes.setdefault((str(use["path"]), int(use["line"]), words))
    places = sorted(notes)
    total = len(places)
    if any(item.breaking for changes, _ in listed for item in changes):
        runner.log(f"impact: {total} use(s) of breaking changes in this repository's code")
    for path, line, words in places[:ANNOTATIONS]:
        # file and line first, as GitHub documents the annotation's form
        runner.command("warning", f"This line uses {words}", file=path, line=line, title=TITLE)
    if total > ANNOTATIONS:
        runner.log(
            f"impact: {total - ANNOTATIONS} more use(s) of breaking changes are not annotated "
            f"(GitHub shows {ANNOTATIONS} warnings per step); the report ({report_path}) "
            "lists every use"
        )
