"""Validation: the JSON Schema, the Airtable checks a schema cannot express, user schemas."""

from __future__ import annotations

import pytest

from sync_action.spec.model import builtin_schema, load_file
from sync_action.spec.validation import validate
from tests.conftest import CURRENT, LEGACY
from tests.unit.spec.texts import edited, invalid, line_with, load_text

# --- validation ------------------------------------------------------------------------------


@pytest.mark.parametrize("fixture", [CURRENT, LEGACY], ids=["current", "legacy"])
def test_both_fixtures_are_valid(fixture):
    validate(load_file(fixture))


def test_the_builtin_schema_is_a_draft_2020_12_schema():
    from jsonschema import Draft202012Validator

    Draft202012Validator.check_schema(builtin_schema())


def test_a_value_of_the_wrong_type_names_its_path_and_line():
    text = edited("        type: email\n", "        type: 5\n")
    error = invalid(text)

    line = line_with(text, "type: 5")
    assert error.line == line
    assert (
        f"spec.yaml:{line}: tables.users.fields.email_address.type: 5 is not of type 'string'"
        in error.message
    )


def test_a_required_flag_that_is_not_a_boolean_is_invalid():
    text = edited("        required: true\n        unique: true", "        required: 'yes'\n")
    error = invalid(text)

    assert "tables.users.fields.email_address.required: 'yes' is not of type 'boolean'" in (
        error.message
    )
    assert error.line == line_with(text, "required: 'yes'")


def test_a_table_without_fields_names_the_table_and_its_line():
    text = edited(
        "    sync_direction: write\n    fields:\n", "    sync_direction: write\n    columns:\n"
    )
    error = invalid(text)

    line = line_with(text, "  chat:")
    assert error.line == line
    assert f"spec.yaml:{line}: tables.chat: 'fields' is a required property" in error.message


def test_a_link_field_without_link_table_is_invalid():
    text = edited("        link_table: users\n", "")
    error = invalid(text)

    line = line_with(text, "      user:", start_after="  chat:")
    assert error.line == line
    assert "tables.chat.fields.user: 'link_table' is a required property" in error.message


def test_a_field_without_a_type_is_invalid():
    text = edited("        type: email\n", "")

    assert "tables.users.fields.email_address: 'type' is a required property" in (
        invalid(text).message
    )


def test_a_tables_key_that_is_not_a_mapping_is_checked_by_the_builtin_schema():
    error = invalid("spec_version: v1\ntables: [users, chat]\n")

    assert error.line == 2
    assert "tables: ['users', 'chat'] is not of type 'object'" in error.message


USERS_ID = "tables.users.id"
EMAIL_ID = "tables.users.fields.email_address.id"


@pytest.mark.parametrize(
    ("old", "new", "path", "kind"),
    [
        ("tbl87AICCbvbgrLCY", "tbl87AICC", USERS_ID, "table"),
        ("tbl87AICCbvbgrLCY", "fld87AICCbvbgrLCY", USERS_ID, "table"),
        ("fldgyVjQJc389lqNA", "xyzgyVjQJc389lqNA", EMAIL_ID, "field"),
        ("fldgyVjQJc389lqNA", "fldgyVjQJc389lq-A", EMAIL_ID, "field"),
        ("fldgyVjQJc389lqNA", "fldgyVjQJc389lqNAA", EMAIL_ID, "field"),
    ],
    ids=["table-short", "table-prefix", "field-prefix", "field-char", "field-long"],
)
def test_a_badly_formed_id_names_its_path_and_line(old, new, path, kind):
    text = edited(old, new)
    error = invalid(text)

    line = line_with(text, new)
    assert error.line == line
    prefix = "tbl" if kind == "table" else "fld"
    assert (
        f"spec.yaml:{line}: {path}: {kind} id '{new}' is not '{prefix}' + 14 letters or digits"
        in error.message
    )


def test_a_field_id_used_twice_is_invalid_at_the_second_use():
    text = edited("fldcHOwNiQlFpwuly", "fldgyVjQJc389lqNA")
    error = invalid(text)

    line = line_with(text, "fldgyVjQJc389lqNA", start_after="  chat:")
    assert error.line == line
    assert (
        "tables.chat.fields.name.id: id 'fldgyVjQJc389lqNA' is already used at "
        "tables.users.fields.email_address"
    ) in error.message


def test_a_table_id_used_twice_is_invalid():
    text = edited("tblDtOOmahkMYEqmy", "tbl87AICCbvbgrLCY")
    error = invalid(text)

    assert error.line == line_with(text, "tbl87AICCbvbgrLCY", start_after="  chat:")
    assert "tables.chat.id: id 'tbl87AICCbvbgrLCY' is already used at tables.users" in (
        error.message
    )


def test_a_link_table_naming_no_table_is_invalid():
    text = edited("link_table: users", "link_table: people")
    error = invalid(text)

    assert error.line == line_with(text, "link_table: people")
    assert "tables.chat.fields.user.link_table: link_table 'people' names no table" in (
        error.message
    )


def test_a_table_deprecation_pointing_at_no_table_is_invalid():
    text = edited("    # No table deprecations currently", "    old_users: people")
    error = invalid(text)

    assert error.line == line_with(text, "old_users: people")
    assert (
        "deprecations.tables.old_users: deprecation points at table 'people', which does not exist"
        in error.message
    )


def test_a_field_deprecation_pointing_at_no_field_is_invalid_at_its_own_line():
    text = edited("    # No field", "    users.old_name: users.nope\n    # No field")
    error = invalid(text)

    assert error.line == line_with(text, "users.old_name:")
    assert "deprecations.fields.users.old_name: deprecation points at field 'users.nope'" in (
        error.message
    )


@pytest.mark.parametrize(
    ("section", "entry"),
    [
        ("tables", "old_users: users"),
        ("tables", "old_users: {replaced_by: users, reason: renamed}"),
        ("fields", "users.old_name: users.full_name"),
        ("fields", "users.old_name: full_name"),
        ("fields", "users.retired: null"),
    ],
)
def test_a_deprecation_pointing_at_what_exists_is_valid(section, entry):
    marker = "    # No table" if section == "tables" else "    # No field"
    validate(load_text(edited(marker, f"    {entry}\n{marker}")))


def test_every_problem_is_listed_with_its_own_line():
    text = edited("link_table: users", "link_table: people")
    text = edited("fldcHOwNiQlFpwuly", "fld-bad", text)
    error = invalid(text)

    lines = error.message.splitlines()
    assert len(lines) == 2
    bad_id, dangling = line_with(text, "fld-bad"), line_with(text, "people")
    assert lines[0].startswith(f"spec.yaml:{bad_id}: tables.chat.fields.name.id: ")
    assert lines[1].startswith(f"spec.yaml:{dangling}: tables.chat.fields.user.link_table: ")
    assert error.line == line_with(text, "fld-bad")


def test_a_file_without_tables_is_only_checked_for_being_well_formed():
    validate(load_text("name: settings\nitems: [1, 2]\n"))


USER_SCHEMA = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "type": "object",
    "required": ["name", "items"],
    "properties": {
        "name": {"type": "string"},
        "items": {"type": "array", "items": {"type": "string"}},
    },
}


def test_a_user_schema_applies_to_a_file_that_is_not_an_airtable_spec():
    text = "name: settings\nitems:\n  - one\n  - 2\n"
    error = invalid(text, USER_SCHEMA)

    assert error.line == 4
    assert error.message == "spec.yaml:4: items.1: 2 is not of type 'string'"


def test_a_user_schema_names_a_missing_key_at_the_top():
    error = invalid("items: []\n", USER_SCHEMA)

    assert error.message == "spec.yaml:1: 'name' is a required property"


def test_a_file_that_satisfies_the_user_schema_is_valid():
    validate(load_text("name: settings\nitems: [one, two]\n"), USER_SCHEMA)


def test_a_user_schema_replaces_the_builtin_checks_for_an_airtable_spec():
    schema = {"type": "object", "required": ["tables"]}
    text = edited("link_table: users", "link_table: people")

    validate(load_text(text), schema)
