"""The semantic diff (the consumer's copy -> the source's) and ignore patterns."""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import pytest
import yaml

from sync_action.core.vocabulary import Finding
from sync_action.engine.diff import Change, diff_documents
from sync_action.spec.model import load_bytes, load_file
from tests.unit.engine.edits import changed, fields, one, rename

UPDATED_AT_UNCHANGED = Finding.UPDATED_AT_UNCHANGED

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
LEGACY = FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml"
PATH = "schema/AIRTABLE_SPEC.yaml"


# --- whole documents -------------------------------------------------------------------------


def test_the_legacy_fixture_differs_from_the_current_one_by_three_metadata_changes():
    before, after = load_file(LEGACY).data, load_file(CURRENT).data

    assert diff_documents(before, after) == [
        Change("changed", "owner_repo", False, "strukt-system", "STRUKT1/strukt-system"),
        Change("changed", "spec_version", False, "1.0.0", "v1.0.0"),
        Change("changed", "updated_at", False, "2025-08-16", "2025-08-17T19:50:00Z"),
    ]


def test_identical_documents_have_no_changes(spec):
    assert diff_documents(spec, copy.deepcopy(spec)) == []


def test_the_diff_reads_from_the_peers_copy_to_this_one(spec):
    change = one(changed(spec, lambda d: d.update(owner_repo="STRUKT1/strukt-app")))

    assert (change.before, change.after) == ("STRUKT1/strukt-system", "STRUKT1/strukt-app")


def test_a_change_has_the_reports_shape(spec):
    change = one(changed(spec, lambda d: d.update(owner_repo="STRUKT1/strukt-app")))

    assert change.to_json() == {
        "kind": "changed",
        "path": "owner_repo",
        "breaking": False,
        "before": "STRUKT1/strukt-system",
        "after": "STRUKT1/strukt-app",
        "table": None,
        "field": None,
        "table_id": None,
        "field_id": None,
        "name": None,
        "reason": None,
    }


# --- the version -----------------------------------------------------------------------------


def test_a_version_bump_is_one_change_that_is_not_breaking(spec):
    change = one(changed(spec, lambda d: d.update(spec_version="v1.1.0")))

    assert change == Change("changed", "spec_version", False, "v1.0.0", "v1.1.0")


def test_a_version_that_appears_is_added(spec):
    del spec["spec_version"]

    assert one(changed(spec, lambda d: d.update(spec_version="v1.0.0"))).kind == "added"


def test_a_version_that_disappears_is_removed(spec):
    change = one(changed(spec, lambda d: d.pop("spec_version")))

    assert (change.kind, change.path, change.breaking) == ("removed", "spec_version", False)


def test_numeric_versions_are_compared_as_written():
    def doc(version: str) -> dict[str, Any]:
        return load_bytes(
            f"spec_version: {version}\ntables: {{t: {{fields: {{}}}}}}\n".encode(), "x"
        ).data

    assert one(diff_documents(doc("1.10"), doc("1.1"))).before == "1.10"
    assert diff_documents(doc("1.0"), doc("'1.0'")) == []


# --- additions and removals ------------------------------------------------------------------


def test_an_added_field_is_not_breaking(spec):
    pronoun = {"name": "Pronouns", "type": "single_select"}
    change = one(changed(spec, lambda d: fields(d, "mood").update(pronouns=pronoun)))

    assert change == Change("added", "tables.mood.fields.pronouns", False, None, pronoun)


def test_an_added_table_is_one_change_that_is_not_breaking(spec):
    table = {
        "id": "tblAAAAAAAAAAAAAA",
        "name": "Goals",
        "fields": {"title": {"id": "fldAAAAAAAAAAAAAA", "name": "Title", "type": "string"}},
    }
    change = one(changed(spec, lambda d: d["tables"].update(goals=table)))

    assert change == Change("added", "tables.goals", False, None, table)


def test_a_removed_field_is_breaking(spec):
    old = fields(spec, "chat")["topic"]
    change = one(changed(spec, lambda d: fields(d, "chat").pop("topic")))

    assert change == Change("removed", "tables.chat.fields.topic", True, old, None)


def test_a_removed_table_is_one_breaking_change(spec):
    old = spec["tables"]["sleep"]
    change = one(changed(spec, lambda d: d["tables"].pop("sleep")))

    assert change == Change("removed", "tables.sleep", True, old, None)


def test_a_removed_field_without_an_id_is_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "users").pop("pronouns")))

    assert (change.kind, change.path, change.breaking) == (
        "removed",
        "tables.users.fields.pronouns",
        True,
    )


# --- changed attributes ----------------------------------------------------------------------


def test_a_changed_description_is_not_breaking(spec):
    def edit(d):
        fields(d, "chat")["topic"]["description"] = "What the chat is about"

    change = one(changed(spec, edit))

    assert change == Change(
        "changed",
        "tables.chat.fields.topic.description",
        False,
        "Auto-tagged conversation topic",
        "What the chat is about",
    )


def test_a_changed_table_description_is_not_breaking(spec):
    change = one(changed(spec, lambda d: d["tables"]["meals"].update(description="Food")))

    assert (change.path, change.breaking) == ("tables.meals.description", False)


def test_a_changed_field_type_is_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "meals")["calories"].update(type="string")))

    assert change == Change(
        "changed", "tables.meals.fields.calories.type", True, "number", "string"
    )


def test_a_changed_field_id_is_breaking(spec):
    def edit(d):
        fields(d, "meals")["calories"]["id"] = "fldZZZZZZZZZZZZZZ"

    change = one(changed(spec, edit))

    assert change == Change(
        "changed", "tables.meals.fields.calories.id", True, "fldUOPuN6n39Aj1v7", "fldZZZZZZZZZZZZZZ"
    )


def test_a_changed_table_id_is_breaking(spec):
    change = one(changed(spec, lambda d: d["tables"]["mood"].update(id="tblZZZZZZZZZZZZZZ")))

    assert (change.kind, change.path, change.breaking) == ("changed", "tables.mood.id", True)


def test_a_removed_field_id_is_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "mood")["stress"].pop("id")))

    assert (change.kind, change.path, change.breaking) == (
        "removed",
        "tables.mood.fields.stress.id",
        True,
    )


def test_a_field_that_becomes_required_is_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "chat")["topic"].update(required=True)))

    assert change == Change("changed", "tables.chat.fields.topic.required", True, False, True)


def test_a_field_that_gains_required_true_is_breaking(spec):
    del fields(spec, "chat")["topic"]["required"]
    change = one(changed(spec, lambda d: fields(d, "chat")["topic"].update(required=True)))

    assert change == Change("added", "tables.chat.fields.topic.required", True, None, True)


def test_a_field_that_gains_required_false_is_not_breaking(spec):
    del fields(spec, "chat")["topic"]["required"]
    change = one(changed(spec, lambda d: fields(d, "chat")["topic"].update(required=False)))

    assert (change.kind, change.breaking) == ("added", False)


def test_a_field_that_stops_being_required_is_not_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "chat")["message"].update(required=False)))

    assert change == Change("changed", "tables.chat.fields.message.required", False, True, False)


def test_a_field_that_loses_required_true_is_not_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "chat")["message"].pop("required")))

    assert (change.kind, change.breaking) == ("removed", False)


def test_an_added_attribute_is_not_breaking(spec):
    change = one(changed(spec, lambda d: fields(d, "mood")["energy"].update(unique=False)))

    assert change == Change("added", "tables.mood.fields.energy.unique", False, None, False)


def test_a_changed_environment_entry_is_a_dotted_change_that_is_not_breaking(spec):
    def edit(d):
        d["environment"]["ENABLE_AIRTABLE_SHADOW_WRITES"]["default"] = "false"

    change = one(changed(spec, edit))

    assert change == Change(
        "changed", "environment.ENABLE_AIRTABLE_SHADOW_WRITES.default", False, "true", "false"
    )


# --- renames ---------------------------------------------------------------------------------


def test_a_field_renamed_by_key_with_the_same_id_is_one_renamed_change(spec):
    change = one(changed(spec, lambda d: rename(fields(d, "chat"), "message", "user_message")))

    assert change == Change(
        "renamed",
        "tables.chat.fields.user_message",
        True,
        {"key": "message", "name": "Message"},
        {"key": "user_message", "name": "Message"},
    )


def test_a_table_renamed_by_key_with_the_same_id_is_one_renamed_change(spec):
    change = one(changed(spec, lambda d: rename(d["tables"], "mood", "moods")))

    assert change == Change(
        "renamed",
        "tables.moods",
        True,
        {"key": "mood", "name": "Mood"},
        {"key": "moods", "name": "Mood"},
    )


def test_a_display_name_change_with_the_same_id_is_a_rename(spec):
    change = one(changed(spec, lambda d: fields(d, "meals")["meal_type"].update(name="Meal Type")))

    assert change == Change(
        "renamed",
        "tables.meals.fields.meal_type",
        True,
        {"key": "meal_type", "name": "MealType"},
        {"key": "meal_type", "name": "Meal Type"},
    )


def test_a_table_display_name_change_is_a_rename(spec):
    change = one(changed(spec, lambda d: d["tables"]["chat"].update(name="Chats")))

    assert (change.kind, change.path, change.breaking) == ("renamed", "tables.chat", True)


def test_changes_inside_a_renamed_table_are_under_its_new_key(spec):
    def edit(d):
        rename(d["tables"], "sleep", "rest")
        fields(d, "rest")["quality"]["type"] = "rating"

    changes = changed(spec, edit)

    assert [(c.kind, c.path) for c in changes] == [
        ("renamed", "tables.rest"),
        ("changed", "tables.rest.fields.quality.type"),
    ]


def test_a_renamed_field_whose_type_changed_is_a_rename_and_a_type_change(spec):
    def edit(d):
        rename(fields(d, "workouts"), "duration", "minutes")
        fields(d, "workouts")["minutes"]["type"] = "duration"

    changes = changed(spec, edit)

    assert [(c.kind, c.path, c.breaking) for c in changes] == [
        ("renamed", "tables.workouts.fields.minutes", True),
        ("changed", "tables.workouts.fields.minutes.type", True),
    ]


def test_a_field_removed_from_a_renamed_table_is_named_where_it_was(spec):
    def edit(d):
        rename(d["tables"], "sleep", "rest")
        fields(d, "rest").pop("bedtime")

    changes = changed(spec, edit)

    assert [(c.kind, c.path, c.breaking) for c in changes] == [
        ("renamed", "tables.rest", True),
        ("removed", "tables.sleep.fields.bedtime", True),
    ]


def test_an_attribute_removed_from_a_renamed_field_is_named_where_it_was(spec):
    def edit(d):
        rename(fields(d, "chat"), "topic", "subject")
        fields(d, "chat")["subject"].pop("description")

    changes = changed(spec, edit)

    assert [(c.kind, c.path) for c in changes] == [
        ("renamed", "tables.chat.fields.subject"),
        ("removed", "tables.chat.fields.topic.description"),
    ]


@pytest.mark.parametrize(
    "entry",
    [
        "chat.message: chat.user_message",
        "chat.message: user_message",
        "message: user_message",
        "chat.message: {replaced_by: chat.user_message, reason: clearer}",
    ],
)
def test_a_field_rename_planned_in_deprecations_is_not_breaking(spec, entry):
    def edit(d):
        rename(fields(d, "chat"), "message", "user_message")
        d["deprecations"]["fields"] = yaml.safe_load(entry)

    changes = changed(spec, edit)
    rename_ = next(c for c in changes if c.kind == "renamed")

    assert rename_.path == "tables.chat.fields.user_message"
    assert not rename_.breaking
    assert not any(c.breaking for c in changes)


def test_a_table_rename_planned_in_deprecations_is_not_breaking(spec):
    def edit(d):
        rename(d["tables"], "mood", "moods")
        d["deprecations"]["tables"] = {"mood": "moods"}

    changes = changed(spec, edit)

    assert [(c.kind, c.path, c.breaking) for c in changes] == [
        ("changed", "deprecations.tables", False),
        ("renamed", "tables.moods", False),
    ]


def test_a_rename_planned_in_the_peers_copy_is_not_breaking_either(spec):
    spec["deprecations"]["tables"] = {"mood": "moods"}

    def edit(d):
        rename(d["tables"], "mood", "moods")

    assert not any(c.breaking for c in changed(spec, edit))


def test_a_deprecation_for_another_name_does_not_plan_this_rename(spec):
    def edit(d):
        rename(d["tables"], "mood", "moods")
        d["deprecations"]["tables"] = {"sleep": "moods"}

    rename_ = next(c for c in changed(spec, edit) if c.kind == "renamed")

    assert rename_.breaking


def test_fields_without_ids_are_matched_by_key(spec):
    change = one(changed(spec, lambda d: fields(d, "users")["pronouns"].update(type="string")))

    assert change == Change(
        "changed", "tables.users.fields.pronouns.type", True, "single_select", "string"
    )


def test_a_field_without_an_id_renamed_by_key_is_a_removal_and_an_addition(spec):
    changes = changed(spec, lambda d: rename(fields(d, "users"), "body_type", "build"))

    assert [(c.kind, c.path, c.breaking) for c in changes] == [
        ("removed", "tables.users.fields.body_type", True),
        ("added", "tables.users.fields.build", False),
    ]


def test_an_id_moved_to_another_key_follows_the_id(spec):
    def edit(d):
        chat = fields(d, "chat")
        chat["topic"], chat["created"] = chat["created"], chat["topic"]

    changes = changed(spec, edit)

    assert {(c.kind, c.path) for c in changes} == {
        ("renamed", "tables.chat.fields.topic"),
        ("renamed", "tables.chat.fields.created"),
    }


def test_moving_fields_around_is_no_change(spec):
    def edit(d):
        meals = fields(d, "meals")
        reordered = dict(reversed(list(meals.items())))
        meals.clear()
        meals.update(reordered)

    assert changed(spec, edit) == []


# --- order -----------------------------------------------------------------------------------


def test_changes_are_ordered_breaking_first_then_by_path(spec):
    def edit(d):
        d["owner_repo"] = "STRUKT1/strukt-app"
        fields(d, "workouts")["notes"]["description"] = "Free text"
        fields(d, "chat")["topic"]["type"] = "string"
        d["tables"].pop("sleep")
        fields(d, "mood")["energy"]["required"] = True
        fields(d, "meals")["fiber"] = {"name": "Fiber", "type": "number"}

    changes = changed(spec, edit)

    assert [(c.breaking, c.path) for c in changes] == [
        (True, "tables.chat.fields.topic.type"),
        (True, "tables.mood.fields.energy.required"),
        (True, "tables.sleep"),
        (False, "owner_repo"),
        (False, "tables.meals.fields.fiber"),
        (False, "tables.workouts.fields.notes.description"),
    ]


def test_the_order_does_not_depend_on_the_order_of_keys(spec):
    def edit(d):
        d["tables"].pop("sleep")
        fields(d, "chat")["topic"]["type"] = "string"
        fields(d, "meals")["fiber"] = {"name": "Fiber", "type": "number"}

    after = copy.deepcopy(spec)
    edit(after)
    reversed_after = copy.deepcopy(after)
    reversed_after["tables"] = dict(reversed(list(after["tables"].items())))

    assert diff_documents(spec, after) == diff_documents(spec, reversed_after)


# --- files that are not Airtable specs -------------------------------------------------------

SETTINGS = {
    "name": "settings",
    "retries": 3,
    "hosts": ["a.example", "b.example"],
    "limits": {"cpu": 2, "memory": "1Gi"},
}


def test_other_files_get_a_generic_diff_with_dotted_paths_and_the_same_shape():
    after = copy.deepcopy(SETTINGS)
    after["limits"]["cpu"] = 4
    del after["limits"]["memory"]
    after["limits"]["disk"] = "10Gi"
    after["hosts"].append("c.example")

    changes = diff_documents(SETTINGS, after)

    assert changes == [
        Change("added", "hosts.2", False, None, "c.example"),
        Change("changed", "limits.cpu", False, 2, 4),
        Change("added", "limits.disk", False, None, "10Gi"),
        Change("removed", "limits.memory", False, "1Gi", None),
    ]
    assert all(c.to_json()["table"] is None and c.to_json()["reason"] is None for c in changes)


def test_a_generic_change_of_type_is_one_changed_entry():
    after = dict(SETTINGS, limits=["cpu"])

    assert one(diff_documents(SETTINGS, after)) == Change(
        "changed", "limits", False, SETTINGS["limits"], ["cpu"]
    )


def test_generic_changes_are_never_breaking():
    after = {"name": "other"}

    changes = diff_documents(SETTINGS, after)

    assert {c.path for c in changes} == {"name", "retries", "hosts", "limits"}
    assert not any(c.breaking for c in changes)


def test_a_tables_key_that_is_not_a_mapping_gets_the_generic_diff():
    before = {"tables": ["users", "chat"]}
    after = {"tables": ["users"]}

    assert one(diff_documents(before, after)) == Change("removed", "tables.1", False, "chat", None)


def test_identical_generic_documents_have_no_changes():
    assert diff_documents(SETTINGS, copy.deepcopy(SETTINGS)) == []
