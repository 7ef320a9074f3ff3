"""Loading a spec file: metadata, the version, refusals of what is not well-formed."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path

import pytest

from sync_action.core.errors import SpecError
from sync_action.core.vocabulary import VersionPolicy
from sync_action.engine.versions import policy_findings
from sync_action.spec.model import (
    MAX_BYTES,
    git_blob_sha,
    load_bytes,
    load_file,
    normalize_version,
)
from sync_action.spec.validation import validate
from tests.unit.spec.texts import CURRENT_TEXT, edited, line_with, load_text, refusal

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
CURRENT = FIXTURES / "AIRTABLE_SPEC.yaml"
LEGACY = FIXTURES / "AIRTABLE_SPEC.legacy-1.0.0.yaml"


# --- loading the real fixtures ---------------------------------------------------------------


def test_the_current_fixture_loads_with_its_metadata():
    spec = load_file(CURRENT, "schema/AIRTABLE_SPEC.yaml")

    assert spec.metadata() == {
        "path": "schema/AIRTABLE_SPEC.yaml",
        "hash": hashlib.sha256(CURRENT.read_bytes()).hexdigest(),
        "version": "v1.0.0",
        "updated_at": "2025-08-17T19:50:00Z",
        "owner_repo": "STRUKT1/strukt-system",
        "tables": 8,
        "fields": 58,
    }


def test_the_legacy_fixture_takes_its_version_from_the_legacy_version_key():
    spec = load_file(LEGACY)

    assert spec.version == "1.0.0"
    assert spec.updated_at == "2025-08-16"
    assert spec.owner_repo == "strukt-system"
    assert (spec.table_count, spec.field_count) == (8, 58)


@pytest.mark.parametrize("fixture", [CURRENT, LEGACY], ids=["current", "legacy"])
def test_dates_load_as_iso_8601_text(fixture):
    spec = load_file(fixture)

    assert isinstance(spec.data["updated_at"], str)
    json.dumps(spec.data)  # nothing in the data needs a custom encoder


@pytest.mark.parametrize("fixture", [CURRENT, LEGACY], ids=["current", "legacy"])
def test_the_sha256_is_that_of_the_file_bytes(fixture):
    assert load_file(fixture).sha256 == hashlib.sha256(fixture.read_bytes()).hexdigest()


@pytest.mark.parametrize("fixture", [CURRENT, LEGACY], ids=["current", "legacy"])
def test_the_blob_sha_is_what_git_hash_object_gives_the_file(fixture):
    expected = subprocess.run(
        ["git", "hash-object", str(fixture)], capture_output=True, text=True, check=True
    ).stdout.strip()

    assert load_file(fixture).blob_sha == expected
    assert git_blob_sha(fixture.read_bytes()) == expected


def test_the_current_fixture_counts_ten_fields_without_an_id():
    tables = load_file(CURRENT).data["tables"]
    without_id = [
        f"{t}.{f}"
        for t, table in tables.items()
        for f, d in table["fields"].items()
        if "id" not in d
    ]

    assert len(without_id) == 10
    assert all(name.startswith("users.") for name in without_id)


def test_a_deprecations_section_holding_only_comments_loads_as_nulls_and_is_valid():
    spec = load_file(CURRENT)

    assert spec.data["deprecations"] == {"tables": None, "fields": None}
    validate(spec)


def test_a_deprecations_key_holding_only_a_comment_loads_as_null_and_is_valid():
    start = CURRENT_TEXT.index("deprecations:")
    spec = load_text(CURRENT_TEXT[:start] + "deprecations:\n  # nothing deprecated yet\n")

    assert spec.data["deprecations"] is None
    validate(spec)


def test_a_utf8_byte_order_mark_is_accepted():
    spec = load_bytes(b"\xef\xbb\xbf" + CURRENT.read_bytes(), "spec.yaml")

    assert spec.version == "v1.0.0"


def test_a_file_of_exactly_5_mib_is_accepted(tmp_path):
    raw = CURRENT.read_bytes()
    padding = MAX_BYTES - len(raw) - 2
    file = tmp_path / "spec.yaml"
    file.write_bytes(raw + b"\n#" + b"x" * (padding - 1) + b"\n")
    assert file.stat().st_size == MAX_BYTES

    assert load_file(file).table_count == 8


# --- the spec version ------------------------------------------------------------------------


def test_a_leading_v_names_the_same_version():
    assert normalize_version("v1.0.0") == normalize_version("1.0.0") == "1.0.0"
    found = policy_findings(load_file(LEGACY), load_file(CURRENT), [], VersionPolicy.BUMP)
    assert found is not None and found.finding == "version-not-bumped"


def test_only_one_leading_v_is_removed():
    assert normalize_version("vv1") == "v1"


def test_a_yaml_number_version_counts_as_its_text():
    spec = load_text("spec_version: 1.0\ntables: {t: {fields: {}}}\n")

    assert spec.version == "1.0"
    assert spec.data["spec_version"] == "1.0"


def test_a_yaml_number_version_keeps_its_trailing_zero():
    spec = load_text("spec_version: 1.10\ntables: {t: {fields: {}}}\n")

    assert spec.version == "1.10"
    assert spec.data["spec_version"] == "1.10"


def test_a_legacy_number_version_counts_as_its_text():
    assert load_text("version: 2\ntables: {t: {fields: {}}}\n").version == "2"


def test_spec_version_wins_over_the_legacy_version():
    assert load_text("version: 1.0.0\nspec_version: 2.0.0\ntables: {}\n").version == "2.0.0"


def test_a_file_without_a_version_has_none():
    assert load_text("tables: {t: {fields: {}}}\n").version is None


# --- refusals: not well-formed -------------------------------------------------------------


def test_a_duplicate_top_level_key_is_refused_at_its_line():
    text = CURRENT_TEXT + "\nowner_repo: someone/else\n"
    error = refusal(text)

    line = text.count("\n")
    assert error.line == line
    assert error.message.startswith(f"spec.yaml:{line}: duplicate key 'owner_repo'")


def test_a_duplicate_nested_key_is_refused_at_its_line():
    text = edited("        type: email\n", "        type: email\n        type: string\n")
    error = refusal(text)

    line = line_with(text, "type: string", start_after="type: email")
    assert error.line == line
    assert f"spec.yaml:{line}: duplicate key 'type'" in error.message


def test_a_duplicate_table_key_is_refused():
    text = edited("  chat:\n", "  users:\n")

    assert "duplicate key 'users'" in refusal(text).message


def test_a_file_over_5_mib_is_refused(tmp_path):
    file = tmp_path / "spec.yaml"
    file.write_bytes(CURRENT.read_bytes() + b"#" * MAX_BYTES)

    with pytest.raises(SpecError, match=r"the limit is 5,242,880 \(5 MiB\)"):
        load_file(file)


def test_bytes_over_5_mib_are_refused_before_parsing():
    error = refusal(b"[" * (MAX_BYTES + 1))

    assert "5 MiB" in error.message


def test_a_file_that_is_not_utf8_is_refused_at_the_line_of_the_bad_byte():
    text = edited("Used in all personalization", "Utilisé partout")
    raw = text.encode("latin-1")
    error = refusal(raw)

    line = line_with(text, "Utilisé")
    assert error.line == line
    assert f"spec.yaml:{line}: the file is not UTF-8 text" in error.message


def test_a_nul_byte_marks_the_file_as_binary():
    text = edited("owner_repo: STRUKT1/strukt-system", "owner_repo: STRUKT1/strukt\0-system")
    error = refusal(text)

    line = line_with(text, "owner_repo:")
    assert error.line == line
    assert error.message == f"spec.yaml:{line}: the file is binary (NUL byte)"


def test_a_binary_file_is_refused():
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"

    assert "not UTF-8" in refusal(png).message


def test_a_control_character_is_refused_at_its_line():
    error = refusal("a: 1\nb: \x01\n")

    assert error.line == 2
    assert "not allowed" in error.message


BILLION_LAUGHS = """\
a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]
b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]
c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]
d: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]
e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]
f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]
g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]
h: &h [*g,*g,*g,*g,*g,*g,*g,*g,*g]
i: &i [*h,*h,*h,*h,*h,*h,*h,*h,*h]
"""


def test_an_alias_bomb_is_refused_at_the_line_where_it_goes_off():
    error = refusal(BILLION_LAUGHS)

    assert "alias bomb" in error.message
    assert error.line == 7  # g: 9**7 = 4.8 million values, the first past the limit
    assert error.message.startswith("spec.yaml:7: ")


def test_a_few_aliases_are_fine():
    spec = load_text("base: &base {type: string}\ncopy: *base\nmerged: {<<: *base, x: 1}\n")

    assert spec.data["merged"] == {"type": "string", "x": 1}


@pytest.mark.parametrize(
    "text", ["a: 1\nb: &b [1, *b]\n", "a: 1\nb: &b {c: *b}\n"], ids=["sequence", "mapping"]
)
def test_a_recursive_alias_is_refused_at_its_line(text):
    error = refusal(text)

    assert error.line == 2
    assert "recursive data" in error.message


@pytest.mark.parametrize(
    "text",
    [
        "a: " + "[" * 10_000 + "]" * 10_000 + "\n",
        "a: " + "{b: " * 10_000 + "1" + "}" * 10_000 + "\n",
        "a:\n" + "- " * 10_000 + "x\n",
    ],
    ids=["flow-sequences", "flow-mappings", "block-sequences"],
)
def test_nesting_10000_deep_is_refused(text):
    error = refusal(text)

    assert "nested deeper than 64 levels" in error.message
    assert error.line is not None


def test_nesting_that_would_crash_the_yaml_composer_is_refused_in_a_child_process():
    # 200,000 brackets once overflowed libyaml's C stack; run apart so a regression
    # shows as a failure here instead of ending the test session.
    code = (
        "from sync_action.spec.model import load_bytes\n"
        "from sync_action.core.errors import SpecError\n"
        "try:\n"
        "    load_bytes(b'a: ' + b'[' * 200_000, 'deep.yaml')\n"
        "except SpecError as exc:\n"
        "    print(exc.message)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)

    assert done.returncode == 0, done.stderr
    assert "nested deeper than 64 levels" in done.stdout


def test_aliases_that_nest_too_deep_are_refused():
    chain = ["l0: &l0 " + "[" * 40 + "x" + "]" * 40]
    chain += [f"l{i}: &l{i} " + "[" * 40 + f"*l{i - 1}" + "]" * 40 for i in range(1, 4)]

    assert "nest deeper than 64 levels" in refusal("\n".join(chain) + "\n").message


@pytest.mark.parametrize(
    ("text", "kind"),
    [("- users\n- chat\n", "sequence"), ("just some text\n", "text"), ("42\n", "int")],
)
def test_a_document_that_is_not_a_mapping_is_refused(text, kind):
    error = refusal(text)

    assert error.line == 1
    assert error.message == f"spec.yaml:1: the document must be a mapping, not {kind}"


@pytest.mark.parametrize(
    "text",
    ["", "\n\n", "# only a comment\n", "null\n", "~\n", "---\n"],
    ids=["empty", "blank", "comment", "null", "tilde", "bare-marker"],
)
def test_an_empty_or_null_document_is_refused(text):
    assert refusal(text).message == "spec.yaml: the document is empty"


def test_tab_indentation_is_refused_at_its_line():
    text = edited("    id: tbl87AICCbvbgrLCY\n", "\tid: tbl87AICCbvbgrLCY\n")
    error = refusal(text)

    line = line_with(text, "\tid:")
    assert error.line == line
    assert error.message.startswith(f"spec.yaml:{line}: not valid YAML")


def test_several_documents_in_one_file_are_refused_at_the_second():
    text = CURRENT_TEXT + "\n---\nspec_version: v2.0.0\n"
    error = refusal(text)

    line = line_with(text, "---")
    assert error.line == line
    assert "expected a single document" in error.message


def test_a_yaml_syntax_error_names_its_line():
    text = edited('    name: "Chat Interactions"\n', '    name: "Chat Interactions\n')

    assert refusal(text).line is not None


def test_a_date_that_does_not_exist_is_refused_at_its_line():
    text = edited("updated_at: 2025-08-17T19:50:00Z", "updated_at: 2025-02-30")
    error = refusal(text)

    assert error.line == line_with(text, "updated_at:")
    assert "2025-02-30" in error.message


@pytest.mark.parametrize("value", ["!!int abc", "!!float abc", "!!bool maybe", "!!timestamp no"])
def test_a_value_that_does_not_fit_its_tag_is_refused_at_its_line(value):
    error = refusal(f"a: 1\nb: {value}\n")

    assert error.line == 2
    assert "cannot read" in error.message


def test_python_tags_are_refused():
    error = refusal("a: !!python/object/apply:os.system ['true']\n")

    assert "could not determine a constructor" in error.message


def test_a_complex_mapping_key_is_refused():
    assert "mapping keys must be plain scalars" in refusal("? [a, b]\n: 1\n").message


def test_a_missing_file_is_refused(tmp_path):
    with pytest.raises(SpecError, match="no such file"):
        load_file(tmp_path / "AIRTABLE_SPEC.yaml")


def test_a_directory_is_refused(tmp_path):
    with pytest.raises(SpecError, match="is a directory"):
        load_file(tmp_path)


def test_a_refusal_names_the_file_as_shown_to_users(tmp_path):
    file = tmp_path / "spec.yaml"
    file.write_text("- not a mapping\n")

    with pytest.raises(SpecError) as info:
        load_file(file, "schema/AIRTABLE_SPEC.yaml")
    assert info.value.file == "schema/AIRTABLE_SPEC.yaml"
    assert info.value.message.startswith("schema/AIRTABLE_SPEC.yaml:1: ")
