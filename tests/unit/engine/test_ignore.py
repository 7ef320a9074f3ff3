"""Ignore patterns: dotted paths with wildcards, whole keys only, kept apart from the changes."""

from __future__ import annotations

from pathlib import Path

from sync_action.core.vocabulary import Finding
from sync_action.engine.diff import is_ignored, split_ignored
from tests.unit.engine.edits import changed, fields

UPDATED_AT_UNCHANGED = Finding.UPDATED_AT_UNCHANGED

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
LEGACY = FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml"
PATH = "schema/AIRTABLE_SPEC.yaml"


# --- ignore patterns -------------------------------------------------------------------------


def test_an_ignore_pattern_with_wildcards_splits_changes_into_kept_and_ignored(spec):
    def edit(d):
        fields(d, "chat")["topic"]["description"] = "What the chat is about"
        fields(d, "meals")["calories"]["description"] = "kcal"
        fields(d, "meals")["calories"]["type"] = "string"

    changes = changed(spec, edit)
    kept, ignored = split_ignored(changes, ["tables.*.fields.*.description"])

    assert [c.path for c in kept] == ["tables.meals.fields.calories.type"]
    assert [c.path for c in ignored] == [
        "tables.chat.fields.topic.description",
        "tables.meals.fields.calories.description",
    ]


def test_an_ignore_pattern_covers_everything_below_it():
    assert is_ignored("environment.AIRTABLE_API_KEY.required", ["environment"])
    assert is_ignored("tables.users.fields.pronouns", ["tables.*"])


def test_an_ignore_pattern_matches_whole_keys_only():
    assert not is_ignored("tables.users.description", ["tables.user"])
    assert not is_ignored("tables.users", ["tables.users.fields"])


def test_a_wildcard_stands_for_exactly_one_key():
    assert not is_ignored("tables.users.description", ["tables.*.fields.*.description"])
    assert is_ignored("tables.users.description", ["tables.*.description"])


def test_any_of_several_patterns_ignores_a_change():
    patterns = ["updated_at", "tables.*.fields.*.description"]

    assert is_ignored("updated_at", patterns)
    assert is_ignored("tables.chat.fields.topic.description", patterns)
    assert not is_ignored("owner_repo", patterns)


def test_no_patterns_keep_every_change(spec):
    changes = changed(spec, lambda d: d.update(owner_repo="x/y"))

    assert split_ignored(changes, []) == (changes, [])
