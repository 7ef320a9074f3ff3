"""Where a change is used, in words: the places after a change, the verdict's count, the
plain sentence, and the source pull requests of a sync quoted without mentions."""

from __future__ import annotations

from typing import Any

from sync_action.core.hosting import SourcePull
from sync_action.engine.migration_notes import MigrationNotes
from sync_action.texts.usage_words import blob, plain, verdict_note, where
from sync_action.texts.why import section

BLOB = "https://github.com/STRUKT1/strukt-app/blob/abc"


def removed(*places: tuple[str, int], truncated: bool = False) -> dict[str, Any]:
    return {
        "kind": "removed",
        "path": "tables.sleep.fields.bedtime",
        "breaking": True,
        "before": {"name": "Bedtime", "type": "string"},
        "after": None,
        "table": "sleep",
        "field": "bedtime",
        "field_id": "fldu544VmBsGIvEuw",
        "name": "Bedtime",
        "usages": [{"path": p, "line": n, "text": ""} for p, n in places],
        "usages_truncated": truncated,
    }


def test_each_place_links_to_its_line_at_the_head_commit() -> None:
    text = where(removed(("src/sleep.ts", 3)), BLOB)
    assert text == f"; used in [`src/sleep.ts:3`]({BLOB}/src/sleep.ts#L3)"


def test_a_path_is_quoted_in_the_link() -> None:
    assert f"({BLOB}/my%20app/a.ts#L1)" in where(removed(("my app/a.ts", 1)), BLOB)


def test_five_places_are_shown_and_the_rest_counted() -> None:
    text = where(removed(*[("a.py", n) for n in range(1, 9)]), "")
    assert text.endswith("`a.py:5`, and 3 more")


def test_a_truncated_list_counts_with_a_plus() -> None:
    assert where(removed(("a.py", 1), truncated=True), "").endswith("and 0+ more")


def test_no_blob_shows_no_places() -> None:
    assert where(removed(("a.py", 1)), None) == ""


def test_off_github_the_places_are_not_linked() -> None:
    assert blob("https://github.com", "local", "abc") == ""


def test_the_verdict_counts_breaking_changes_used_and_distinct_places() -> None:
    one = removed(("a.py", 1), ("b.py", 2))
    other = {**removed(("a.py", 1)), "path": "tables.sleep.fields.quality"}
    assert verdict_note([one, other]) == "2 breaking changes, used in 2 places"


def test_the_plain_sentence_has_no_markdown() -> None:
    docs = [{"tables": {"sleep": {"name": "Sleep", "fields": {}}}}]
    assert plain(removed(), docs) == (
        "Sleep › Bedtime (fldu544VmBsGIvEuw): field removed (string) — breaking: removed"
    )


PULL = SourcePull(4, "https://github.com/o/r/pull/4", "Drop @team's field", "octo", "", True)


def test_a_source_pull_request_is_named_without_mentions() -> None:
    text = section([(PULL, None)], 1)
    assert "- [#4 Drop @\u200bteam's field](https://github.com/o/r/pull/4) by octo" in text
    assert "@team" not in text


def test_migration_notes_are_quoted_and_a_cut_links_the_rest() -> None:
    notes = MigrationNotes("Migration", "Ask @ops first.\n\nThen run it.", True)
    text = section([(PULL, notes)], 1)
    assert "  > Ask @\u200bops first.\n  >\n  > Then run it." in text
    assert text.rstrip().endswith("  > … [the rest in #4](https://github.com/o/r/pull/4)")


def test_nothing_known_says_nothing() -> None:
    assert section([], 0) == ""
