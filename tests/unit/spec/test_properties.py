"""Properties of the loader and the diff that must hold for every input, not just the fixtures."""

from __future__ import annotations

import contextlib
import copy
import random
import string
from collections import Counter
from pathlib import Path
from typing import Any

import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sync_action.core.errors import SpecError
from sync_action.engine.diff import diff_documents, split_ignored
from sync_action.spec.model import load_bytes
from sync_action.spec.validation import validate

FIXTURE = (Path(__file__).resolve().parents[2] / "fixtures" / "AIRTABLE_SPEC.yaml").read_bytes()

QUICK = settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.too_slow])

# --- strategies ------------------------------------------------------------------------------

KEYS = st.builds(
    str.__add__,
    st.sampled_from(string.ascii_lowercase),
    st.text(alphabet=string.ascii_lowercase + string.digits + "_", max_size=7),
)
WORDS = st.text(alphabet=string.ascii_letters + string.digits + " -_/|:#'\"é", max_size=20)
ID_CHARS = string.ascii_letters + string.digits
TYPES = ["string", "email", "number", "date", "datetime", "long_text", "single_select", "checkbox"]


def airtable_ids(prefix: str) -> st.SearchStrategy[str]:
    return st.text(alphabet=ID_CHARS, min_size=14, max_size=14).map(lambda s: prefix + s)


@st.composite
def fields(draw: st.DrawFn, table_keys: list[str], used_ids: set[str]) -> dict[str, Any]:
    field: dict[str, Any] = {}
    if draw(st.booleans()):
        field["id"] = draw(airtable_ids("fld").filter(lambda i: i not in used_ids))
        used_ids.add(field["id"])
    if draw(st.booleans()):
        field["name"] = draw(WORDS.filter(str.strip))
    field["type"] = draw(st.sampled_from([*TYPES, "link"]))
    if field["type"] == "link":
        field["link_table"] = draw(st.sampled_from(table_keys))
    if draw(st.booleans()):
        field["required"] = draw(st.booleans())
    if draw(st.booleans()):
        field["description"] = draw(st.none() | WORDS)
    return field


@st.composite
def specs(draw: st.DrawFn) -> dict[str, Any]:
    """Airtable-like specs: unique, well-formed ids, links to existing tables."""
    table_keys = draw(st.lists(KEYS, min_size=1, max_size=4, unique=True))
    used_ids: set[str] = set()
    tables: dict[str, Any] = {}
    for key in table_keys:
        table: dict[str, Any] = {}
        if draw(st.booleans()):
            table["id"] = draw(airtable_ids("tbl").filter(lambda i: i not in used_ids))
            used_ids.add(table["id"])
        table["name"] = draw(WORDS.filter(str.strip))
        if draw(st.booleans()):
            table["description"] = draw(WORDS)
        field_keys = draw(st.lists(KEYS, max_size=4, unique=True))
        table["fields"] = {f: draw(fields(table_keys, used_ids)) for f in field_keys}
        tables[key] = table
    spec: dict[str, Any] = {
        "spec_version": draw(
            st.from_regex(r"v?[0-9]{1,2}\.[0-9]{1,2}\.[0-9]{1,2}", fullmatch=True)
        ),
        "updated_at": draw(st.sampled_from(["2025-08-17T19:50:00Z", "2025-08-16", "yesterday"])),
        "owner_repo": "STRUKT1/strukt-system",
        "tables": tables,
    }
    if draw(st.booleans()):
        spec["deprecations"] = {"tables": None, "fields": None}
    return spec


def edit(spec: dict[str, Any], data: st.DataObject) -> None:
    """One random edit of the kinds a person makes to a spec."""
    tables = spec["tables"]
    table_key = data.draw(st.sampled_from(sorted(tables)))
    table = tables[table_key]
    flds = table["fields"]
    field_key = data.draw(st.sampled_from(sorted(flds))) if flds else None
    new_key = data.draw(KEYS)
    choice = data.draw(
        st.sampled_from(
            [
                "rename-table",
                "rename-field",
                "display-name",
                "type",
                "required",
                "drop-required",
                "description",
                "remove-field",
                "remove-table",
                "add-field",
                "add-table",
                "field-id",
                "drop-id",
                "version",
            ]
        )
    )
    if choice == "rename-table" and new_key not in tables:
        tables[new_key] = tables.pop(table_key)
    elif choice == "add-table" and new_key not in tables:
        tables[new_key] = {"name": "New", "fields": {"title": {"type": "string"}}}
    elif choice == "remove-table" and len(tables) > 1:
        del tables[table_key]
    elif choice == "add-field" and new_key not in flds:
        flds[new_key] = {"name": "New", "type": "number"}
    elif choice == "version":
        spec["spec_version"] = data.draw(st.sampled_from(["v2.0.0", "1.0.1", "3"]))
    elif field_key is None:
        table["description"] = "edited"
    elif choice == "rename-field" and new_key not in flds:
        flds[new_key] = flds.pop(field_key)
    elif choice == "display-name":
        flds[field_key]["name"] = data.draw(WORDS.filter(str.strip))
    elif choice == "type":
        flds[field_key]["type"] = data.draw(st.sampled_from(TYPES))
    elif choice == "required":
        flds[field_key]["required"] = data.draw(st.booleans())
    elif choice == "drop-required":
        flds[field_key].pop("required", None)
    elif choice == "description":
        flds[field_key]["description"] = data.draw(WORDS)
    elif choice == "remove-field":
        del flds[field_key]
    elif choice == "field-id":
        taken = {f.get("id") for t in tables.values() for f in t["fields"].values()}
        flds[field_key]["id"] = data.draw(airtable_ids("fld").filter(lambda i: i not in taken))
    elif choice == "drop-id":
        flds[field_key].pop("id", None)


@st.composite
def spec_pairs(draw: st.DrawFn) -> tuple[dict[str, Any], dict[str, Any]]:
    """A spec (the peer's copy) and the same spec after a few edits (this copy)."""
    before = draw(specs())
    after = copy.deepcopy(before)
    data = draw(st.data())
    for _ in range(draw(st.integers(min_value=1, max_value=4))):
        edit(after, data)
    return before, after


SCALARS = st.none() | st.booleans() | st.integers() | WORDS | st.floats(allow_nan=False)
DOCUMENTS = st.dictionaries(
    KEYS,
    st.recursive(
        SCALARS,
        lambda inner: st.lists(inner, max_size=4) | st.dictionaries(KEYS, inner, max_size=4),
        max_leaves=20,
    ),
    max_size=6,
)


def exists(doc: Any, path: str) -> bool:
    """Whether a dotted path of keys (and list indexes) leads somewhere in `doc`."""
    node = doc
    for step in path.split("."):
        if isinstance(node, dict) and step in node:
            node = node[step]
        elif isinstance(node, list) and step.isdigit() and int(step) < len(node):
            node = node[int(step)]
        else:
            return False
    return True


def shuffled(value: Any, rnd: random.Random) -> Any:
    """The same document with every mapping's keys in another order."""
    if isinstance(value, dict):
        items = list(value.items())
        rnd.shuffle(items)
        return {k: shuffled(v, rnd) for k, v in items}
    if isinstance(value, list):
        return [shuffled(v, rnd) for v in value]
    return value


def classification(changes) -> Counter:
    return Counter((c.kind, c.path, c.breaking) for c in changes)


# --- generated specs -------------------------------------------------------------------------


@QUICK
@given(specs())
def test_a_generated_spec_is_valid(spec):
    loaded = load_bytes(yaml.safe_dump(spec, sort_keys=False, allow_unicode=True).encode(), "g")

    validate(loaded)
    assert loaded.data == spec
    assert loaded.table_count == len(spec["tables"])
    assert loaded.field_count == sum(len(t["fields"]) for t in spec["tables"].values())


# --- the diff --------------------------------------------------------------------------------


@QUICK
@given(specs())
def test_a_spec_diffed_with_itself_has_no_changes(spec):
    assert diff_documents(spec, spec) == []
    assert diff_documents(spec, copy.deepcopy(spec)) == []


@QUICK
@given(DOCUMENTS)
def test_any_document_diffed_with_itself_has_no_changes(doc):
    assert diff_documents(doc, copy.deepcopy(doc)) == []


@QUICK
@given(spec_pairs())
def test_every_change_path_leads_into_one_of_the_two_specs(pair):
    before, after = pair

    for change in diff_documents(before, after):
        assert exists(before, change.path) or exists(after, change.path), change


@QUICK
@given(DOCUMENTS, DOCUMENTS)
def test_every_change_path_leads_into_one_of_two_arbitrary_documents(before, after):
    for change in diff_documents(before, after):
        assert exists(before, change.path) or exists(after, change.path), change


@QUICK
@given(spec_pairs(), st.randoms(use_true_random=False))
def test_classification_does_not_depend_on_key_order(pair, rnd):
    before, after = pair

    expected = diff_documents(before, after)
    actual = diff_documents(shuffled(before, rnd), shuffled(after, rnd))

    assert classification(actual) == classification(expected)
    assert [(c.breaking, c.path) for c in actual] == [(c.breaking, c.path) for c in expected]


@QUICK
@given(spec_pairs())
def test_changes_come_breaking_first_then_by_path(pair):
    changes = diff_documents(*pair)

    keys = [(not c.breaking, c.path) for c in changes]
    assert keys == sorted(keys)


@QUICK
@given(spec_pairs())
def test_the_reverse_diff_mirrors_the_diff(pair):
    before, after = pair
    mirror = {"added": "removed", "removed": "added", "changed": "changed", "renamed": "renamed"}

    forward = Counter(mirror[c.kind] for c in diff_documents(before, after))
    backward = Counter(c.kind for c in diff_documents(after, before))

    assert forward == backward


@QUICK
@given(specs(), st.data())
def test_additions_alone_are_never_breaking(spec, data):
    after = copy.deepcopy(spec)
    table = data.draw(st.sampled_from(sorted(after["tables"])))
    new_field = data.draw(KEYS.filter(lambda k: k not in after["tables"][table]["fields"]))
    after["tables"][table]["fields"][new_field] = {"type": "string", "required": False}
    new_table = data.draw(KEYS.filter(lambda k: k not in after["tables"]))
    after["tables"][new_table] = {"name": "New", "fields": {}}

    changes = diff_documents(spec, after)

    assert {c.kind for c in changes} == {"added"}
    assert not any(c.breaking for c in changes)


@QUICK
@given(specs(), st.data())
def test_removing_a_table_is_breaking(spec, data):
    after = copy.deepcopy(spec)
    del after["tables"][data.draw(st.sampled_from(sorted(after["tables"])))]

    assert any(c.breaking and c.kind == "removed" for c in diff_documents(spec, after))


@QUICK
@given(spec_pairs(), st.lists(st.sampled_from(["tables.*", "*", "tables.*.fields.*.type"])))
def test_ignoring_splits_the_changes_without_losing_or_reordering_any(pair, patterns):
    changes = diff_documents(*pair)

    kept, ignored = split_ignored(changes, patterns)

    assert sorted(kept + ignored, key=changes.index) == changes
    assert [c for c in changes if c in kept] == kept


# --- the loader ------------------------------------------------------------------------------

YAML_TOKENS = [
    *"abc:-[]{},&*!?|>'\"#%@`\t\n ",
    "\n  ",
    ": ",
    "- ",
    "&a ",
    "*a",
    "!!int ",
    "!!float ",
    "!!bool ",
    "!!timestamp ",
    "!!binary ",
    "!!set ",
    "!!omap ",
    "!!str ",
    "<<: ",
    "---\n",
    "...\n",
    "%YAML 1.1\n",
    "2025-02-30",
    "0x",
    "1.0",
    "tables",
    "fields",
    "\x00",
    "\x85",
    "\ufeff",
    "\u2028",
]


def only_spec_errors(raw: bytes) -> None:
    try:
        spec = load_bytes(raw, "fuzz.yaml")
    except SpecError:
        return
    with contextlib.suppress(SpecError):
        validate(spec)


@QUICK
@given(st.binary(max_size=300))
def test_the_loader_fed_arbitrary_bytes_only_raises_spec_errors(raw):
    only_spec_errors(raw)


@QUICK
@given(st.lists(st.sampled_from(YAML_TOKENS), max_size=40).map("".join))
def test_the_loader_fed_yaml_like_text_only_raises_spec_errors(text):
    only_spec_errors(text.encode("utf-8"))


@QUICK
@given(st.data())
def test_the_loader_fed_a_damaged_fixture_only_raises_spec_errors(data):
    raw = bytearray(FIXTURE)
    for _ in range(data.draw(st.integers(min_value=1, max_value=3))):
        at = data.draw(st.integers(min_value=0, max_value=len(raw)))
        cut = data.draw(st.integers(min_value=0, max_value=8))
        token = data.draw(st.sampled_from(YAML_TOKENS) | st.binary(max_size=4).map(bytes.hex))
        raw[at : at + cut] = token.encode("utf-8")
    only_spec_errors(bytes(raw))
