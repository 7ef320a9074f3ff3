"""Airtable-like spec files of any size, for the benchmark.

`generate(tables)` gives the text of a valid spec (it passes `schema-sync validate`):
`tables` tables of 20 fields each, ids `tbl`/`fld` + 14 letters or digits, one link
field in ten pointing at the next table. `edited(text)`-style variants are made on the
data before writing, so the "new" file differs from the "old" one in a few places only.
The output is deterministic for a given size and seed.
"""

from __future__ import annotations

import random
import string
from typing import Any

FIELDS = 20
ALPHANUMERIC = string.ascii_letters + string.digits
TYPES = (
    "string",
    "number",
    "single_select",
    "multi_select",
    "date",
    "long_text",
    "checkbox",
    "email",
)


def build(tables: int, fields: int = FIELDS, seed: int = 1) -> dict[str, Any]:
    """The spec as data: metadata, then `tables` tables of `fields` fields."""
    rnd = random.Random(seed)

    def ident(prefix: str) -> str:
        return prefix + "".join(rnd.choice(ALPHANUMERIC) for _ in range(14))

    spec: dict[str, Any] = {
        "spec_version": "v2.0.0",
        "updated_at": "2025-09-01T00:00:00Z",
        "owner_repo": "STRUKT1/strukt-system",
        "tables": {},
    }
    for t in range(tables):
        table_fields: dict[str, Any] = {}
        for f in range(fields):
            kind = "link" if f % 10 == 9 else TYPES[(t + f) % len(TYPES)]
            field: dict[str, Any] = {"id": ident("fld"), "name": f"Field {f:02d}", "type": kind}
            if kind == "link":
                field["link_table"] = f"table_{(t + 1) % tables:04d}"
            field["required"] = f == 0
            field["role"] = "ai_context"
            field["description"] = f"Field {f} of table {t}, kept in sync"
            table_fields[f"field_{f:02d}"] = field
        spec["tables"][f"table_{t:04d}"] = {
            "id": ident("tbl"),
            "name": f"Table {t:04d}",
            "description": f"Generated table {t} for the benchmark",
            "sync_direction": "read_write",
            "fields": table_fields,
        }
    return spec


def edit(spec: dict[str, Any]) -> dict[str, Any]:
    """A later version of `spec` that differs in a few places (seven changes, one breaking
    type change, one rename by id): what a real spec bump looks like."""
    tables = spec["tables"]
    keys = list(tables)
    first, middle, last = tables[keys[0]], tables[keys[len(keys) // 2]], tables[keys[-1]]
    spec["spec_version"] = "v2.1.0"
    spec["updated_at"] = "2025-10-01T00:00:00Z"
    retyped = first["fields"]["field_01"]
    retyped["type"] = "string" if retyped["type"] == "long_text" else "long_text"
    renamed = middle["fields"].pop("field_02")
    renamed["name"] = "Field two"
    middle["fields"]["field_two"] = renamed
    middle["fields"]["field_new"] = {
        "id": "fldBENCHMARKnew00",
        "name": "New field",
        "type": "string",
        "required": False,
    }
    del last["fields"]["field_03"]
    last["description"] = "Edited description"
    return spec


def dump(spec: dict[str, Any]) -> str:
    """Block-style YAML as people write specs (quoted names, plain keys)."""
    out = [
        f"spec_version: {spec['spec_version']}",
        f"updated_at: {spec['updated_at']}",
        f"owner_repo: {spec['owner_repo']}",
        "",
        "tables:",
    ]
    for tkey, table in spec["tables"].items():
        out.append(f"  {tkey}:")
        for key, value in table.items():
            if key != "fields":
                out.append(f"    {key}: {_scalar(value)}")
        out.append("    fields:")
        for fkey, field in table["fields"].items():
            out.append(f"      {fkey}:")
            out.extend(f"        {key}: {_scalar(value)}" for key, value in field.items())
    return "\n".join(out) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and (" " in value or "," in value):
        return '"' + value.replace('"', '\\"') + '"'
    return str(value)


def generate(tables: int, fields: int = FIELDS, seed: int = 1) -> str:
    return dump(build(tables, fields, seed))


def generate_pair(tables: int, fields: int = FIELDS, seed: int = 1) -> tuple[str, str]:
    """(old, new): the same spec before and after a few edits."""
    return dump(build(tables, fields, seed)), dump(edit(build(tables, fields, seed)))
