"""A list of changes as markdown within a budget: breaking first, grouped when long."""

from __future__ import annotations

from typing import Any

from sync_action.texts import changelist


def change(
    path: str, *, kind: str = "changed", breaking: bool = False, table: str = "meals"
) -> dict[str, Any]:
    field = path.rsplit(".", 1)[-1]
    return {
        "kind": kind,
        "path": path,
        "breaking": breaking,
        "reason": "type-changed" if breaking else None,
        "table": table,
        "field": field,
        "name": field.title(),
        "before": {"type": "number"},
        "after": {"type": "string"},
    }


def test_breaking_changes_come_first_in_their_order() -> None:
    items = [
        change("a.x"),
        change("a.y", breaking=True),
        change("a.z"),
        change("a.w", breaking=True),
    ]
    assert [c["path"] for c in changelist.ordered(items)] == ["a.y", "a.w", "a.x", "a.z"]


def test_counts_name_the_total_the_breaking_and_each_kind() -> None:
    items = [change("a.x", kind="added"), change("a.y", breaking=True), change("a.z")]
    assert changelist.counts(items) == "3 changes, 1 breaking (1 added, 2 changed)"


def test_no_changes_reads_as_such() -> None:
    assert changelist.counts([]) == "no changes"
    assert changelist.short_counts([]) == ""


def test_a_table_cell_count_keeps_only_the_breaking_share() -> None:
    assert (
        changelist.short_counts([change("a.x", breaking=True), change("a.y")]) == "2 (1 breaking)"
    )


def test_a_short_list_is_shown_whole_without_collapsing() -> None:
    text, omitted = changelist.render([change(f"t.f{i}") for i in range(3)], [], 10_000)
    assert omitted == 0
    assert text.count("\n- ") + text.startswith("- ") == 3
    assert "<details>" not in text


def test_a_long_list_collapses_each_table() -> None:
    items = [change(f"t.f{i}", table="meals" if i % 2 else "sleep") for i in range(30)]
    text, omitted = changelist.render(items, [], 100_000)
    assert omitted == 0
    assert text.count("<details>") == 2


def test_what_does_not_fit_the_budget_is_counted() -> None:
    items = [change(f"t.f{i}") for i in range(40)]
    _, whole = changelist.render(items, [], 100_000)
    _, cut = changelist.render(items, [], 600)
    assert whole == 0
    assert 0 < cut < 40
