"""Validation: JSON Schema, the checks JSON Schema cannot express, and schema files.

With no user schema, Airtable specs are checked against the built-in schema (through
`fastpath` when it can decide) plus the Airtable checks; other files only had to parse.
Every problem names its YAML path and line.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from sync_action.core.errors import SpecError, UsageError
from sync_action.spec.fastpath import fits_builtin_schema
from sync_action.spec.model import (
    MAX_BYTES,
    Spec,
    builtin_schema,
    deprecation_pairs,
    regular_file_size,
    too_large,
)
from sync_action.spec.yaml_loader import dotted, line_of

ID_PATTERNS = {"table": "tbl", "field": "fld"}
ID_LENGTH = 17


@dataclass(frozen=True)
class Problem:
    """One reason a spec is invalid, placed at a YAML path and (when known) a line."""

    path: str
    message: str
    line: int | None = None

    def render(self, file: str) -> str:
        where = f"{file}:{self.line}" if self.line else file
        return f"{where}: {self.path}: {self.message}" if self.path else f"{where}: {self.message}"


def validate(spec: Spec, schema: dict[str, Any] | None = None) -> None:
    """Raise SpecError listing every problem, each with its YAML path and line.

    With no user schema, Airtable specs are checked against the built-in schema
    plus the checks JSON Schema cannot express; other files only had to parse.
    """
    problems = list(find_problems(spec, schema))
    if problems:
        raise _invalid(spec, problems)


def find_problems(spec: Spec, schema: dict[str, Any] | None = None) -> list[Problem]:
    if schema is None and not spec.is_airtable:
        if "tables" in spec.data:
            schema = builtin_schema()
        else:
            return []
    if schema is None and fits_builtin_schema(spec.data):
        problems = []  # valid for sure, and jsonschema (slow to import and run) not needed
    else:
        problems = _schema_problems(spec.data, schema or builtin_schema())
    if schema is None and not problems:
        problems = _airtable_problems(spec.data)
    if problems:
        text = spec.raw.decode("utf-8", "replace")
        problems = [_with_line(text, spec.data, p) for p in problems]
    return problems


def _with_line(text: str, data: Any, problem: Problem) -> Problem:
    return Problem(problem.path, problem.message, line_of(text, _steps(data, problem.path)))


def _steps(data: Any, path: str) -> list[str | int]:
    """Split a dotted path into the keys it was made of, as the data has them.

    Keys may hold dots themselves (`deprecations.fields` entries are written
    `table.field`), so at each level the shortest run of parts that is a key wins.
    """
    parts = path.split(".") if path else []
    steps: list[str | int] = []
    node, i = data, 0
    while i < len(parts):
        if isinstance(node, dict):
            key = next(
                (k for j in range(i + 1, len(parts) + 1) if (k := ".".join(parts[i:j])) in node),
                None,
            )
            if key is None:
                break
            steps.append(key)
            node, i = node[key], i + key.count(".") + 1
        elif isinstance(node, list) and parts[i].isdigit() and int(parts[i]) < len(node):
            steps.append(int(parts[i]))
            node, i = node[int(parts[i])], i + 1
        else:
            break
    return steps + [int(p) if p.isdigit() else p for p in parts[i:]]


def _invalid(spec: Spec, problems: list[Problem]) -> SpecError:
    first = problems[0]
    lines = [p.render(spec.path) for p in problems[:20]]
    if len(problems) > 20:
        lines.append(f"... and {len(problems) - 20} more")
    return SpecError("\n".join(lines), file=spec.path, line=first.line)


def _schema_problems(data: dict[str, Any], schema: dict[str, Any]) -> list[Problem]:
    from jsonschema import Draft202012Validator, validators

    cls = validators.validator_for(schema, default=Draft202012Validator)
    validator = cls(schema)
    if validator.is_valid(data):
        return []
    errors = sorted(validator.iter_errors(data), key=lambda e: [str(p) for p in e.absolute_path])
    return [Problem(dotted(e.absolute_path), _schema_message(e)) for e in errors]


def _schema_message(error: Any) -> str:
    if error.validator == "additionalProperties" and error.absolute_path:
        return str(error.message).replace("Additional properties", "unknown keys")
    return str(error.message)


def _airtable_problems(data: dict[str, Any]) -> list[Problem]:
    """Ids unique and well formed, links and deprecations pointing at what exists."""
    tables: dict[str, Any] = data["tables"]
    problems: list[Problem] = []
    seen: dict[str, str] = {}
    for tkey, table in tables.items():
        base = f"tables.{tkey}"
        problems += _id_problem(table.get("id"), "table", base, seen)
        for fkey, fdef in (table.get("fields") or {}).items():
            fpath = f"{base}.fields.{fkey}"
            problems += _id_problem(fdef.get("id"), "field", fpath, seen)
            link = fdef.get("link_table")
            if link is not None and link not in tables:
                problems.append(
                    Problem(f"{fpath}.link_table", f"link_table '{link}' names no table")
                )
    return problems + _deprecation_problems(data.get("deprecations"), tables)


def _id_problem(value: Any, kind: str, path: str, seen: dict[str, str]) -> list[Problem]:
    if value is None:
        return []
    prefix = ID_PATTERNS[kind]
    text = str(value)
    if not (
        len(text) == ID_LENGTH
        and text.startswith(prefix)
        and text[3:].isalnum()
        and text[3:].isascii()
    ):
        return [
            Problem(f"{path}.id", f"{kind} id '{text}' is not '{prefix}' + 14 letters or digits")
        ]
    if text in seen:
        return [Problem(f"{path}.id", f"id '{text}' is already used at {seen[text]}")]
    seen[text] = path
    return []


def _deprecation_problems(deprecations: Any, tables: dict[str, Any]) -> list[Problem]:
    problems = []
    for section, old, new in deprecation_pairs(deprecations):
        path = f"deprecations.{section}.{old}"
        if section == "tables" and new not in tables:
            problems.append(
                Problem(path, f"deprecation points at table '{new}', which does not exist")
            )
        if section == "fields" and not _field_exists(old, new, tables):
            problems.append(
                Problem(path, f"deprecation points at field '{new}', which does not exist")
            )
    return problems


def _field_exists(old: str, new: str, tables: dict[str, Any]) -> bool:
    """Field entries are `table.old_key: new_key` (or `table.new_key`)."""
    table_key, _, _ = old.rpartition(".")
    new_table, _, new_field = new.rpartition(".")
    table_key = new_table or table_key
    fields = (tables.get(table_key) or {}).get("fields") or {}
    return new_field in fields


def load_schema_file(path: str, display: str | None = None) -> dict[str, Any]:
    """A JSON Schema (JSON or YAML), checked to be a schema before any use."""
    name = display or path
    try:
        size = regular_file_size(Path(path), name)
        if size > MAX_BYTES:
            raise UsageError(f"Input 'spec-schema': {too_large(name, size)}")
        text = Path(path).read_text(encoding="utf-8")
        schema = yaml.safe_load(text)
    except SpecError as exc:
        raise UsageError(f"Input 'spec-schema': {exc.message}") from None
    except FileNotFoundError:
        raise UsageError(f"Input 'spec-schema': {name}: no such file") from None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = f"{name}:{mark.line + 1}" if mark else name
        reason = " ".join(str(p) for p in (exc.context, exc.problem) if p)
        raise UsageError(
            f"Input 'spec-schema': {where}: not valid JSON or YAML: {reason}"
        ) from None
    except (OSError, UnicodeDecodeError, ValueError, yaml.YAMLError) as exc:
        raise UsageError(f"Input 'spec-schema': '{name}' cannot be read: {exc}") from None
    if not isinstance(schema, dict):
        raise UsageError(f"Input 'spec-schema': '{name}' is not a JSON Schema object")
    from jsonschema import Draft202012Validator, exceptions, validators

    try:
        validators.validator_for(schema, default=Draft202012Validator).check_schema(schema)
    except exceptions.SchemaError as exc:
        raise UsageError(
            f"Input 'spec-schema': '{name}' is not a valid JSON Schema: {exc.message}"
        ) from None
    return schema
