"""Build the Airtable base that a spec describes, in the Metadata API's shape.

Ids come from the spec where it has them, else are derived from the keys (stable
across runs); each spec type gets the Airtable type and `options` Airtable would
report for such a field; a link gets its inverse field in the linked table, as
Airtable adds one. Helpers edit a built base the way a person would in Airtable's UI.
"""

from __future__ import annotations

import hashlib
import string
from typing import Any

ALPHABET = string.ascii_letters + string.digits
DATE_FORMAT = {"format": "YYYY-MM-DD", "name": "iso"}
TIME_FORMAT = {"format": "HH:mm", "name": "24hour"}


def make_id(prefix: str, *parts: str) -> str:
    """`tbl`/`fld`/`viw`/`sel` and 14 letters or digits, the same for the same parts."""
    digest = hashlib.sha256("/".join((prefix, *parts)).encode()).digest()
    return prefix + "".join(ALPHABET[b % len(ALPHABET)] for b in digest[:14])


def choices(*names: str) -> dict[str, Any]:
    return {"choices": [{"id": make_id("sel", n), "name": n, "color": "blueLight2"} for n in names]}


def field_config(airtable_type: str, **extra: Any) -> dict[str, Any]:
    """`type` and `options` as Airtable reports a field of `airtable_type`."""
    options: dict[str, Any] | None = {
        "number": {"precision": 2},
        "currency": {"precision": 2, "symbol": "$"},
        "percent": {"precision": 0},
        "rating": {"color": "yellowBright", "icon": "star", "max": 5},
        "duration": {"durationFormat": "h:mm"},
        "checkbox": {"color": "greenBright", "icon": "check"},
        "date": {"dateFormat": DATE_FORMAT},
        "dateTime": {"timeZone": "utc", "dateFormat": DATE_FORMAT, "timeFormat": TIME_FORMAT},
        "singleSelect": choices("Yes", "No"),
        "multipleSelects": choices("One", "Two"),
        "multipleAttachments": {"isReversed": False},
        "count": {"isValid": True, "recordLinkFieldId": extra.get("link_id")},
        "formula": {
            "formula": "1",
            "isValid": True,
            "referencedFieldIds": [],
            "result": extra.get("result"),
        },
        "rollup": {
            "isValid": True,
            "fieldIdInLinkedTable": extra.get("other_id"),
            "recordLinkFieldId": extra.get("link_id"),
            "referencedFieldIds": [],
            "result": extra.get("result"),
        },
        "multipleLookupValues": {
            "isValid": True,
            "fieldIdInLinkedTable": extra.get("other_id"),
            "recordLinkFieldId": extra.get("link_id"),
            "result": extra.get("result"),
        },
        "lastModifiedTime": {
            "isValid": True,
            "referencedFieldIds": [],
            "result": {
                "type": "dateTime",
                "options": {
                    "timeZone": "utc",
                    "dateFormat": DATE_FORMAT,
                    "timeFormat": TIME_FORMAT,
                },
            },
        },
        "aiText": {"prompt": ["Summarise"], "referencedFieldIds": []},
    }.get(airtable_type)
    config: dict[str, Any] = {"type": airtable_type}
    if options is not None:
        config["options"] = options
    return config


SPEC_TYPES = {
    "string": "singleLineText",
    "long_text": "multilineText",
    "email": "email",
    "number": "number",
    "integer": "number",
    "checkbox": "checkbox",
    "date": "date",
    "datetime": "dateTime",
    "single_select": "singleSelect",
    "multi_select": "multipleSelects",
    "attachment": "multipleAttachments",
    "url": "url",
    "phone": "phoneNumber",
}


def spec_type_config(spec_type: Any) -> dict[str, Any]:
    """The Airtable field a spec type is made as: an `integer` is a number without decimals."""
    config = field_config(SPEC_TYPES.get(spec_type, "singleLineText"))
    if spec_type == "integer":
        config["options"] = {"precision": 0}
    return config


def base_from_spec(spec: dict[str, Any]) -> list[dict[str, Any]]:
    """The base's tables exactly as the spec describes them (plus inverse links)."""
    tables = spec["tables"]
    ids = {key: t.get("id") or make_id("tbl", key) for key, t in tables.items()}
    built: dict[str, dict[str, Any]] = {}
    for key, table in tables.items():
        fields = []
        for fkey, spec_field in (table.get("fields") or {}).items():
            field = {
                "id": spec_field.get("id") or make_id("fld", key, fkey),
                "name": spec_field.get("name") or fkey,
            }
            if spec_field.get("type") == "link":
                field.update(
                    type="multipleRecordLinks",
                    options={
                        "linkedTableId": ids[spec_field["link_table"]],
                        "isReversed": False,
                        "prefersSingleRecordLink": False,
                    },
                )
            else:
                field.update(spec_type_config(spec_field.get("type")))
            if spec_field.get("description"):
                field["description"] = spec_field["description"]
            fields.append(field)
        built[key] = {
            "id": ids[key],
            "name": table.get("name") or key,
            "primaryFieldId": next(
                (f["id"] for f in fields if f["type"] != "multipleRecordLinks"),
                fields[0]["id"] if fields else make_id("fld", key, "name"),
            ),
            "fields": fields,
            "views": [{"id": make_id("viw", key), "name": "Grid view", "type": "grid"}],
        }
        if table.get("description"):
            built[key]["description"] = table["description"]
    for table in built.values():
        for field in list(table["fields"]):
            if (
                field["type"] == "multipleRecordLinks"
                and "inverseLinkFieldId" not in field["options"]
            ):
                add_inverse(built, table, field)
    return list(built.values())


def add_inverse(
    built: dict[str, dict[str, Any]], table: dict[str, Any], field: dict[str, Any]
) -> None:
    """Airtable's own inverse field in the linked table, pointing back."""
    target = next(t for t in built.values() if t["id"] == field["options"]["linkedTableId"])
    inverse = {
        "id": make_id("fld", "inverse", field["id"]),
        "name": f"{table['name']} ({field['name']})",
        "type": "multipleRecordLinks",
        "options": {
            "linkedTableId": table["id"],
            "isReversed": False,
            "prefersSingleRecordLink": False,
            "inverseLinkFieldId": field["id"],
        },
    }
    field["options"]["inverseLinkFieldId"] = inverse["id"]
    target["fields"].append(inverse)


# --- edits as a person makes them in Airtable's UI ---------------------------------


def table(tables: list[dict[str, Any]], name: str) -> dict[str, Any]:
    return next(t for t in tables if t["name"] == name)


def field(tables: list[dict[str, Any]], table_name: str, name: str) -> dict[str, Any]:
    return next(f for f in table(tables, table_name)["fields"] if f["name"] == name)


def drop_field(tables: list[dict[str, Any]], table_name: str, name: str) -> dict[str, Any]:
    owner = table(tables, table_name)
    gone = field(tables, table_name, name)
    owner["fields"].remove(gone)
    return gone


def add_field(
    tables: list[dict[str, Any]], table_name: str, name: str, airtable_type: str, **extra: Any
) -> dict[str, Any]:
    new = {
        "id": make_id("fld", table_name, name, "added"),
        "name": name,
        **field_config(airtable_type, **extra),
    }
    table(tables, table_name)["fields"].append(new)
    return new


def recreate_field(tables: list[dict[str, Any]], table_name: str, name: str) -> dict[str, Any]:
    """The field deleted and made again under the same name: Airtable gives it a new id."""
    target = field(tables, table_name, name)
    target["id"] = make_id("fld", table_name, name, "recreated")
    return target


def set_type(
    tables: list[dict[str, Any]], table_name: str, name: str, airtable_type: str, **extra: Any
) -> dict[str, Any]:
    target = field(tables, table_name, name)
    target.pop("options", None)
    target.update(field_config(airtable_type, **extra))
    return target
