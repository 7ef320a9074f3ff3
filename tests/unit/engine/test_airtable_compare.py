"""The comparison of a spec with a base schema, on plain data: matching, the type table,
links, planned renames, and what is not compared."""

from __future__ import annotations

import pytest

from sync_action.engine.airtable_compare import (
    BaseField,
    BaseSchema,
    BaseTable,
    compare_base,
    snake_case,
    type_verdict,
)

USERS = "tblUsers000000001"
MEALS = "tblMeals000000001"


def spec(**fields):
    return {
        "tables": {
            "users": {
                "id": USERS,
                "name": "Users",
                "fields": {"email": {"id": "fldEmail000000001", "name": "Email", "type": "email"}},
            },
            "meals": {
                "id": MEALS,
                "name": "Meals",
                "fields": {
                    "user": {
                        "id": "fldMealUser000001",
                        "name": "User",
                        "type": "link",
                        "link_table": "users",
                    },
                    **fields,
                },
            },
        }
    }


def base(*meal_fields: BaseField, users_extra: tuple[BaseField, ...] = ()) -> BaseSchema:
    link = BaseField(
        "fldMealUser000001",
        "User",
        "multipleRecordLinks",
        linked_table_id=USERS,
        inverse_link_field_id="fldUserMeals00001",
    )
    inverse = BaseField(
        "fldUserMeals00001",
        "Meals",
        "multipleRecordLinks",
        linked_table_id=MEALS,
        inverse_link_field_id=link.id,
    )
    return BaseSchema(
        (
            BaseTable(
                USERS,
                "Users",
                (BaseField("fldEmail000000001", "Email", "email"), inverse, *users_extra),
            ),
            BaseTable(MEALS, "Meals", (link, *meal_fields)),
        )
    )


def test_a_matching_base_has_no_changes_and_no_inverse_link():
    assert compare_base(spec(), base()).changes == []


def test_a_table_the_base_lacks_is_one_removal_not_one_per_field():
    schema = BaseSchema((base().tables[0],))
    changes = compare_base(spec(), schema).changes
    # Users keeps the link field Airtable made for Meals' link: no spec link implies it now.
    assert [(c.kind, c.path) for c in changes] == [
        ("removed", "tables.meals"),
        ("added", "tables.users.fields.meals"),
    ]


def test_a_table_the_spec_lacks_is_an_addition_keyed_in_snake_case():
    schema = BaseSchema((*base().tables, BaseTable("tblExtra000000001", "Workout Plans", ())))
    (change,) = compare_base(spec(), schema).changes
    assert (change.kind, change.path, change.breaking) == ("added", "tables.workout_plans", False)


def test_a_rename_declared_in_deprecations_is_not_breaking():
    data = spec(topic={"id": "fldTopic000000001", "name": "Conversation Topic", "type": "string"})
    data["deprecations"] = {"fields": {"meals.topic": "conversation_topic"}}
    data["tables"]["meals"]["fields"]["conversation_topic"] = data["tables"]["meals"]["fields"].pop(
        "topic"
    )
    (change,) = compare_base(
        data, base(BaseField("fldTopic000000001", "Topic", "singleLineText"))
    ).changes
    assert (change.kind, change.breaking, change.reason) == (
        "renamed",
        False,
        "declared-in-deprecations",
    )


def test_entries_without_ids_are_matched_by_trimmed_name_and_get_suggested_ids():
    data = spec(kcal={"name": " Calories ", "type": "number"})
    del data["tables"]["users"]["id"]
    result = compare_base(data, base(BaseField("fldKcal0000000001", "Calories", "currency")))
    assert result.changes == []
    assert result.suggested_ids == {
        "tables.users": USERS,
        "tables.meals.fields.kcal": "fldKcal0000000001",
    }


def test_names_match_case_sensitively():
    data = spec(kcal={"name": "calories", "type": "number"})
    kinds = sorted(
        c.kind
        for c in compare_base(
            data, base(BaseField("fldKcal0000000001", "Calories", "number"))
        ).changes
    )
    assert kinds == ["added", "removed"]


def test_a_spec_type_outside_the_table_is_type_unknown_and_not_breaking():
    data = spec(kcal={"id": "fldKcal0000000001", "name": "Calories", "type": "decimal"})
    (change,) = compare_base(
        data, base(BaseField("fldKcal0000000001", "Calories", "number"))
    ).changes
    assert (change.reason, change.breaking) == ("type-unknown", False)


def test_a_number_with_decimals_where_the_spec_says_integer_is_a_breaking_type_change():
    data = spec(kcal={"id": "fldKcal0000000001", "name": "Calories", "type": "integer"})
    (change,) = compare_base(
        data, base(BaseField("fldKcal0000000001", "Calories", "number", precision=2))
    ).changes
    assert (change.path, change.breaking, change.reason) == (
        "tables.meals.fields.kcal.type",
        True,
        "type-changed",
    )
    assert (change.before, change.after) == ("integer", "number (precision 2)")


def test_a_field_recreated_under_its_name_is_one_breaking_id_change():
    data = spec(kcal={"id": "fldKcalOld0000001", "name": "Calories", "type": "number"})
    (change,) = compare_base(
        data, base(BaseField("fldKcalNew0000001", "Calories", "number", precision=0))
    ).changes
    assert (change.kind, change.path, change.breaking, change.reason) == (
        "changed",
        "tables.meals.fields.kcal.id",
        True,
        "id-changed",
    )
    assert (change.before, change.after) == ("fldKcalOld0000001", "fldKcalNew0000001")
    assert (change.table_id, change.field_id, change.name) == (
        MEALS,
        "fldKcalNew0000001",
        "Calories",
    )


def test_a_table_recreated_under_its_name_is_one_id_change_and_its_fields_still_match():
    schema = base()
    users = BaseTable("tblUsersNew000001", "Users", schema.tables[0].fields)
    meals = BaseTable(
        MEALS,
        "Meals",
        (
            BaseField(
                "fldMealUser000001",
                "User",
                "multipleRecordLinks",
                linked_table_id=users.id,
                inverse_link_field_id="fldUserMeals00001",
            ),
        ),
    )
    (change,) = compare_base(spec(), BaseSchema((users, meals))).changes
    assert (change.kind, change.path, change.reason) == ("changed", "tables.users.id", "id-changed")
    assert (change.before, change.after, change.table_id) == (USERS, users.id, users.id)
    assert change.field is None and change.field_id is None


def test_a_spec_id_the_base_lacks_without_a_field_of_that_name_is_a_removal():
    data = spec(kcal={"id": "fldKcalOld0000001", "name": "Calories", "type": "number"})
    kinds = sorted(
        (c.kind, c.reason)
        for c in compare_base(
            data, base(BaseField("fldKcalNew0000001", "Energy", "number"))
        ).changes
    )
    assert kinds == [("added", None), ("removed", "removed")]


def test_ids_are_matched_before_names():
    """A field without an id never takes the base field another spec field holds by id."""
    data = spec(
        kcal={"name": "Calories", "type": "number"},
        energy={"id": "fldKcal0000000001", "name": "Energy", "type": "number"},
    )
    changes = compare_base(data, base(BaseField("fldKcal0000000001", "Calories", "number"))).changes
    assert sorted((c.kind, c.path) for c in changes) == [
        ("removed", "tables.meals.fields.kcal"),
        ("renamed", "tables.meals.fields.energy"),
    ]


def test_a_link_that_is_no_link_any_more_is_a_type_change():
    schema = base()
    meals = BaseTable(MEALS, "Meals", (BaseField("fldMealUser000001", "User", "singleLineText"),))
    change = compare_base(spec(), BaseSchema((schema.tables[0], meals))).changes[0]
    assert (change.path, change.reason) == ("tables.meals.fields.user.type", "type-changed")


@pytest.mark.parametrize(
    "spec_type, field, verdict",
    [
        ("string", BaseField("f", "f", "formula", result_type="singleLineText"), "ok"),
        ("string", BaseField("f", "f", "multipleLookupValues", result_type="email"), "ok"),
        ("number", BaseField("f", "f", "rollup", result_type="currency"), "ok"),
        ("number", BaseField("f", "f", "multipleLookupValues", result_type="number"), "mismatch"),
        ("datetime", BaseField("f", "f", "createdTime"), "ok"),
        ("phone", BaseField("f", "f", "singleLineText"), "mismatch"),
        ("checkbox", BaseField("f", "f", "sparkle", known=False), "unknown"),
        ("integer", BaseField("f", "f", "number", precision=0), "ok"),
        ("integer", BaseField("f", "f", "number", precision=1), "mismatch"),
        ("integer", BaseField("f", "f", "rating"), "ok"),
        ("integer", BaseField("f", "f", "duration"), "ok"),
        ("integer", BaseField("f", "f", "autoNumber"), "ok"),
        ("integer", BaseField("f", "f", "count"), "ok"),
        ("integer", BaseField("f", "f", "currency", precision=0), "mismatch"),
        ("integer", BaseField("f", "f", "formula", result_type="number"), "mismatch"),
    ],
)
def test_the_type_table(spec_type, field, verdict):
    assert type_verdict(spec_type, field) == verdict


@pytest.mark.parametrize(
    "name, key",
    [
        ("Preferred Units", "preferred_units"),
        ("Dietary Needs/Allergies", "dietary_needs_allergies"),
        ("wakeTime", "wake_time"),
        ("  Name  ", "name"),
    ],
)
def test_snake_case_keys(name, key):
    assert snake_case(name) == key
