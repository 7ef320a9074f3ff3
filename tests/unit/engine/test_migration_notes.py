"""The migration section of a pull request's description: which part, and how it is cut."""

from __future__ import annotations

from sync_action.engine.migration_notes import MAX_CHARS, MigrationNotes, migration_notes


def notes(description: str | None, limit: int = MAX_CHARS) -> str | None:
    found = migration_notes(description, limit)
    return None if found is None else found.text


def test_section_runs_to_the_next_heading_of_the_same_level() -> None:
    body = "## Summary\nNew field.\n\n## Migration\nRename `Bedtime`.\n\n## Testing\nRan it.\n"
    assert notes(body) == "Rename `Bedtime`."


def test_deeper_headings_stay_in_the_section() -> None:
    body = "## Migration\nSteps:\n### Database\nRun it.\n## Testing\nx\n"
    assert notes(body) == "Steps:\n### Database\nRun it."


def test_a_higher_heading_ends_the_section() -> None:
    body = "### Migration\nRun it.\n# Appendix\nx\n"
    assert notes(body) == "Run it."


def test_section_runs_to_the_end_without_a_later_heading() -> None:
    assert notes("Intro\n\n## Migration\nRun it.\n\nThen this.\n") == "Run it.\n\nThen this."


def test_heading_matches_migration_in_any_case_and_place() -> None:
    assert notes("## Data MIGRATION steps\nRun it.\n") == "Run it."


def test_the_heading_text_is_returned_without_its_closing_hashes() -> None:
    assert migration_notes("## Migration notes ##\nRun it.\n") == MigrationNotes(
        "Migration notes", "Run it.", False
    )


def test_the_first_migration_heading_wins() -> None:
    assert notes("## Migration\nfirst\n## Migration again\nsecond\n") == "first"


def test_hashes_without_a_space_are_not_a_heading() -> None:
    assert notes("#Migration\nRun it.\n") is None


def test_setext_headings_are_headings() -> None:
    body = "Summary\n=======\nx\n\nMigration\n---------\nRun it.\n\nTesting\n-------\ny\n"
    assert notes(body) == "Run it."


def test_a_setext_heading_of_level_one_ends_a_level_two_section() -> None:
    assert notes("## Migration\nRun it.\n\nAppendix\n===\nx\n") == "Run it."


def test_a_thematic_break_is_not_a_heading() -> None:
    assert notes("## Migration\nRun it.\n\n---\n\nStill here.\n") == "Run it.\n\n---\n\nStill here."


def test_a_heading_inside_a_fenced_block_is_not_a_heading() -> None:
    body = "## Testing\n```sh\n## Migration\n```\nok\n"
    assert notes(body) is None


def test_a_fenced_block_does_not_end_the_section() -> None:
    body = "## Migration\n~~~\n## not a heading\n~~~\nRun it.\n## Testing\n"
    assert notes(body) == "~~~\n## not a heading\n~~~\nRun it."


def test_a_shorter_fence_does_not_close_a_longer_one() -> None:
    body = "## Migration\n````\n```\n## inside\n````\nafter\n## End\n"
    assert notes(body) == "````\n```\n## inside\n````\nafter"


def test_windows_line_endings_are_read() -> None:
    assert notes("## Summary\r\nx\r\n## Migration\r\nRun it.\r\n## Testing\r\n") == "Run it."


def test_no_description_has_no_notes() -> None:
    assert (notes(None), notes("")) == (None, None)


def test_a_description_without_the_heading_has_no_notes() -> None:
    assert notes("## Summary\nMigration is mentioned in prose only.\n") is None


def test_an_empty_section_has_no_notes() -> None:
    assert notes("## Migration\n\n   \n## Testing\nx\n") is None


def test_notes_within_the_limit_are_not_cut() -> None:
    text = "x" * MAX_CHARS
    assert migration_notes(f"## Migration\n{text}\n") == MigrationNotes("Migration", text, False)


def test_long_notes_are_cut_at_a_line_break() -> None:
    lines = [f"line {n:04d} " + "y" * 40 for n in range(100)]
    found = migration_notes("## Migration\n" + "\n".join(lines))
    assert found is not None and found.truncated
    assert len(found.text) <= MAX_CHARS and found.text.split("\n")[-1] in lines


def test_a_long_paragraph_is_cut_at_a_word() -> None:
    found = migration_notes("## Migration\n" + "word " * 1000)
    assert found is not None and found.truncated
    assert len(found.text) <= MAX_CHARS and found.text.endswith("word")


def test_a_text_without_spaces_is_cut_at_the_limit() -> None:
    found = migration_notes("## Migration\n" + "z" * 3000)
    assert found == MigrationNotes("Migration", "z" * MAX_CHARS, True)


def test_a_cut_inside_a_fenced_block_closes_it() -> None:
    code = "\n".join(f"ALTER TABLE sleep RENAME {n};" for n in range(200))
    found = migration_notes(f"## Migration\nRun:\n```sql\n{code}\n```\n")
    assert found is not None and found.truncated
    assert len(found.text) <= MAX_CHARS and found.text.endswith(";\n```")


def test_a_heading_in_a_hidden_comment_is_not_a_heading() -> None:
    body = "<!--\n## Migration\nDescribe the steps.\n-->\n## Summary\nx\n"
    assert notes(body) is None


def test_hidden_comments_are_not_copied() -> None:
    body = "## Migration\n<!-- say what to change -->\nRun it.\n<!-- schema-sync:pr -->\n"
    assert notes(body) == "Run it."
