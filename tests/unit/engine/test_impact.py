"""The impact scan on checkouts made here: what is a use, which files are read, the caps."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Callable
from pathlib import Path

import pytest

from sync_action.engine.impact import (
    MAX_BYTES,
    MAX_TEXT,
    MAX_USES,
    ImpactPathsError,
    Target,
    Use,
    Uses,
    parse_paths,
    scan,
)

FIELD_ID = "fldfdd8WYqyWx6Ckc"
TABLE_ID = "tblSLEEPxxxxxxxx1"
BEDTIME = Target("sleep.bedtime", FIELD_ID, ("Bedtime",))
SCHEMA = "schema/AIRTABLE_SPEC.yaml"

Tree = Callable[[dict[str, str | bytes]], Path]


@pytest.fixture
def tree(tmp_path: Path) -> Tree:
    """A checkout holding the given files (text or bytes) under tmp_path/repo."""

    def make(files: dict[str, str | bytes]) -> Path:
        root = tmp_path / "repo"
        for rel, content in files.items():
            path = root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            data = content.encode() if isinstance(content, str) else content
            path.write_bytes(data)
        root.mkdir(exist_ok=True)
        return root

    return make


def places(
    root: Path,
    target: Target = BEDTIME,
    schema_file: str | None = None,
    paths: list[str] | None = None,
) -> list[tuple[str, int]]:
    """Where the target is used, as (path, line)."""
    found = scan(root, [target], schema_file=schema_file, paths=paths or [])[target.key]
    return [(use.path, use.line) for use in found.uses]


def used_files(
    root: Path, schema_file: str | None = None, paths: list[str] | None = None
) -> set[str]:
    """The files that use the target."""
    return {path for path, _ in places(root, BEDTIME, schema_file, paths)}


# --- what a use is --------------------------------------------------------------------------


def test_id_is_a_use_anywhere_in_a_text_file(tree: Tree) -> None:
    root = tree({"src/a.ts": f"const a = 1;\n// see {FIELD_ID}\nx({FIELD_ID});\n"})
    assert places(root) == [("src/a.ts", 2), ("src/a.ts", 3)]


def test_id_inside_a_longer_token_is_not_a_use(tree: Tree) -> None:
    root = tree({"a.py": f"x = '{FIELD_ID}0'\ny = 'a{FIELD_ID}'\nz = {FIELD_ID}_old\n"})
    assert places(root) == []


def test_name_is_a_use_as_a_whole_literal_in_each_quote(tree: Tree) -> None:
    root = tree({"a.ts": "f('Bedtime');\nf(\"Bedtime\");\nf(`Bedtime`);\n"})
    assert places(root) == [("a.ts", 1), ("a.ts", 2), ("a.ts", 3)]


def test_name_is_matched_case_sensitively(tree: Tree) -> None:
    root = tree({"a.ts": "f('bedtime');\nf('BEDTIME');\n"})
    assert places(root) == []


def test_name_inside_a_longer_string_is_not_a_use(tree: Tree) -> None:
    root = tree({"a.py": "label = 'Bedtime hours'\nsql = \"SELECT 'Bedtime' FROM sleep\"\n"})
    assert places(root) == []


def test_name_bare_in_code_is_not_a_use(tree: Tree) -> None:
    root = tree({"a.ts": "const Bedtime = record.Bedtime;\n"})
    assert places(root) == []


def test_name_in_a_line_comment_is_not_a_use(tree: Tree) -> None:
    root = tree(
        {"a.ts": "x(); // was 'Bedtime'\n", "b.py": "# the 'Bedtime' field\ny = 1  # \"Bedtime\"\n"}
    )
    assert places(root) == []


def test_name_in_a_block_comment_is_not_a_use(tree: Tree) -> None:
    root = tree({"a.ts": "/* reads\n * \"Bedtime\" of the night\n */\nx();\n<!-- 'Bedtime' -->\n"})
    assert places(root) == []


def test_name_after_a_block_comment_on_the_same_line_is_a_use(tree: Tree) -> None:
    root = tree({"a.ts": "/* night */ get('Bedtime');\n"})
    assert places(root) == [("a.ts", 1)]


def test_comment_markers_inside_strings_hide_nothing(tree: Tree) -> None:
    root = tree({"a.ts": "get('http://x/*', \"#\", 'Bedtime');\n"})
    assert places(root) == [("a.ts", 1)]


def test_hash_attached_to_code_is_not_a_comment(tree: Tree) -> None:
    root = tree({"a.ts": "this.#field = 'Bedtime';\n"})
    assert places(root) == [("a.ts", 1)]


def test_name_in_a_docstring_is_not_a_use(tree: Tree) -> None:
    root = tree({"a.py": '"""Reads the\n\'Bedtime\' field."""\nx = 1\n'})
    assert places(root) == []


def test_name_with_an_escaped_quote_is_a_use(tree: Tree) -> None:
    target = Target("kid", None, ("Kid's Age",))
    root = tree({"a.ts": "get('Kid\\'s Age');\nget(\"Kid's Age\");\n"})
    assert places(root, target) == [("a.ts", 1), ("a.ts", 2)]


def test_name_in_prose_is_not_a_use_but_the_id_is(tree: Tree) -> None:
    root = tree({"docs/sleep.md": f'Use `Bedtime` and "Bedtime".\nId: {FIELD_ID}\n'})
    assert places(root) == [("docs/sleep.md", 2)]


def test_id_and_name_on_one_line_are_one_use(tree: Tree) -> None:
    root = tree({"a.ts": f"get('Bedtime', '{FIELD_ID}', 'Bedtime');\n"})
    assert places(root) == [("a.ts", 1)]


def test_a_shared_name_is_a_use_of_every_target_that_has_it(tree: Tree) -> None:
    sleep_user = Target("sleep.user", None, ("User",))
    meals_user = Target("meals.user", None, ("User",))
    root = tree({"a.ts": "get('User');\n"})
    found = scan(root, [sleep_user, meals_user])
    assert [len(found[key].uses) for key in ("sleep.user", "meals.user")] == [1, 1]


def test_every_target_gets_an_entry_even_without_uses(tree: Tree) -> None:
    table = Target("sleep", TABLE_ID, ("Sleep",))
    root = tree({"a.ts": "get('Bedtime');\n"})
    found = scan(root, [BEDTIME, table])
    assert (len(found["sleep.bedtime"].uses), found["sleep"].uses) == (1, [])


def test_a_use_has_the_relative_path_the_line_and_its_stripped_text(tree: Tree) -> None:
    root = tree({"src/sleep/read.ts": "\n\n    const q = get('Bedtime');   \n"})
    assert scan(root, [BEDTIME])[BEDTIME.key].uses == [
        Use("src/sleep/read.ts", 3, "const q = get('Bedtime');")
    ]


def test_use_as_json_is_the_report_shape() -> None:
    assert Use("a.ts", 3, "x").as_json() == {"path": "a.ts", "line": 3, "text": "x"}


def test_lines_count_from_one_with_crlf_endings(tree: Tree) -> None:
    root = tree({"a.ts": "a();\r\nb();\r\nget('Bedtime');\r\n"})
    assert scan(root, [BEDTIME])[BEDTIME.key].uses == [Use("a.ts", 3, "get('Bedtime');")]


def test_a_line_over_200_characters_is_cut_to_200(tree: Tree) -> None:
    root = tree({"a.ts": "get('Bedtime'" + ", 1" * 200 + ");\n"})
    text = scan(root, [BEDTIME])[BEDTIME.key].uses[0].text
    assert (len(text), text.startswith("get('Bedtime', 1")) == (MAX_TEXT, True)


def test_a_file_not_in_utf8_is_still_read(tree: Tree) -> None:
    root = tree({"a.ts": b"// caf\xe9\nget('Bedtime');\n"})
    assert places(root) == [("a.ts", 2)]


def test_uses_are_in_path_and_line_order(tree: Tree) -> None:
    root = tree(
        {"b.ts": "get('Bedtime');\n", "a/z.ts": "\nget('Bedtime');\n", "a.ts": "get('Bedtime');\n"}
    )
    assert places(root) == [("a.ts", 1), ("a/z.ts", 2), ("b.ts", 1)]


# --- the cap --------------------------------------------------------------------------------


def test_more_than_100_uses_are_cut_to_100_and_flagged(tree: Tree) -> None:
    root = tree({"a.ts": "get('Bedtime');\n" * (MAX_USES + 1)})
    found = scan(root, [BEDTIME])[BEDTIME.key]
    assert (len(found.uses), found.truncated, found.uses[-1].line) == (MAX_USES, True, MAX_USES)


def test_exactly_100_uses_are_not_flagged(tree: Tree) -> None:
    root = tree({"a.ts": "get('Bedtime');\n" * MAX_USES})
    found = scan(root, [BEDTIME])[BEDTIME.key]
    assert (len(found.uses), found.truncated) == (MAX_USES, False)


# --- which files are read -------------------------------------------------------------------


def test_node_modules_and_vendor_are_skipped_at_any_depth(tree: Tree) -> None:
    use = "get('Bedtime');\n"
    root = tree(
        {
            "node_modules/lib/a.js": use,
            "web/node_modules/lib/b.js": use,
            "vendor/c.go": use,
            "go/vendor/d.go": use,
            "src/e.ts": use,
        }
    )
    assert used_files(root) == {"src/e.ts"}


def test_git_directory_is_skipped(tree: Tree) -> None:
    root = tree({".git/COMMIT_EDITMSG": f"{FIELD_ID}\n", "a.ts": f"{FIELD_ID}\n"})
    assert used_files(root) == {"a.ts"}


def test_root_gitignore_is_followed(tree: Tree) -> None:
    use = "get('Bedtime');\n"
    root = tree(
        {
            ".gitignore": "dist/\n*.log\n/build.ts\n",
            "dist/a.js": use,
            "src/dist/b.js": use,
            "debug.log": use,
            "build.ts": use,
            "src/build.ts": use,
        }
    )
    assert used_files(root) == {"src/build.ts"}


def test_nested_gitignore_applies_below_its_directory_and_may_reinclude(tree: Tree) -> None:
    use = "get('Bedtime');\n"
    root = tree(
        {
            ".gitignore": "*.gen.ts\n",
            "app/.gitignore": "!keep.gen.ts\nlocal/\n",
            "app/keep.gen.ts": use,
            "app/other.gen.ts": use,
            "app/local/a.ts": use,
            "keep.gen.ts": use,
            "local/b.ts": use,
        }
    )
    assert used_files(root) == {"app/keep.gen.ts", "local/b.ts"}


def test_files_read_are_the_files_git_sees(tree: Tree) -> None:
    """The same tree through the real git: the scan reads what git does not ignore."""
    use = f"{FIELD_ID}\n"
    root = tree(
        {
            ".gitignore": "out/\n*.tmp\n!important.tmp\ndocs/*.txt\n",
            "src/.gitignore": "/generated/\n**/cache/\n!/keep/*.tmp\n",
            "src/generated/a.ts": use,
            "src/x/generated/b.ts": use,
            "src/deep/cache/c.ts": use,
            "src/keep/d.tmp": use,
            "src/e.tmp": use,
            "important.tmp": use,
            "out/f.ts": use,
            "docs/g.txt": use,
            "docs/sub/h.txt": use,
            "i.ts": use,
        }
    )
    subprocess.run(["git", "init", "-q"], cwd=root, check=True)
    seen = subprocess.run(
        ["git", "ls-files", "--others", "--exclude-standard"],
        cwd=root,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()
    assert used_files(root) == {path for path in seen if not path.endswith(".gitignore")}


def test_an_unreadable_gitignore_line_is_left_out(tree: Tree) -> None:
    use = "get('Bedtime');\n"
    root = tree({".gitignore": "!\n\\\n*.log\n", "a.log": use, "a.ts": use})
    assert used_files(root) == {"a.ts"}


def test_binary_file_is_skipped(tree: Tree) -> None:
    root = tree({"a.bin": b"\x89PNG\x00\x00" + FIELD_ID.encode(), "a.ts": f"{FIELD_ID}\n"})
    assert used_files(root) == {"a.ts"}


def test_nul_byte_after_the_first_8_kib_keeps_a_file_text(tree: Tree) -> None:
    root = tree({"a.txt": f"{FIELD_ID}\n".encode() + b"x" * 9000 + b"\x00"})
    assert used_files(root) == {"a.txt"}


def test_file_over_1_mib_is_skipped(tree: Tree) -> None:
    line = f"{FIELD_ID}\n".encode()
    root = tree({"big.ts": line + b"x" * (MAX_BYTES - len(line) + 1), "a.ts": line})
    assert used_files(root) == {"a.ts"}


def test_file_of_exactly_1_mib_is_read(tree: Tree) -> None:
    line = f"{FIELD_ID}\n".encode()
    root = tree({"big.ts": line + b"x" * (MAX_BYTES - len(line))})
    assert used_files(root) == {"big.ts"}


def test_schema_file_is_skipped(tree: Tree) -> None:
    root = tree({SCHEMA: f"id: {FIELD_ID}\nname: 'Bedtime'\n", "a.ts": f"{FIELD_ID}\n"})
    assert used_files(root, schema_file=SCHEMA) == {"a.ts"}


def test_symbolic_links_are_not_followed(tree: Tree, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "dir").mkdir(parents=True)
    (outside / "secret.ts").write_text(f"{FIELD_ID}\n")
    (outside / "dir" / "b.ts").write_text(f"{FIELD_ID}\n")
    root = tree({"a.ts": f"{FIELD_ID}\n"})
    os.symlink(outside / "secret.ts", root / "link.ts")
    os.symlink(outside / "dir", root / "linked")
    assert used_files(root) == {"a.ts"}


def test_impact_paths_keep_only_the_files_they_match(tree: Tree) -> None:
    use = f"{FIELD_ID}\n"
    root = tree({"src/a.ts": use, "src/b.py": use, "lib/c.ts": use, "tests/d.ts": use})
    assert used_files(root, paths=["src/", "*.ts", "!tests/**"]) == {
        "src/a.ts",
        "src/b.py",
        "lib/c.ts",
    }


def test_an_invalid_impact_path_names_the_glob(tree: Tree) -> None:
    root = tree({"a.ts": f"{FIELD_ID}\n"})
    with pytest.raises(ImpactPathsError, match=r"impact-paths: '!' is not a valid glob"):
        scan(root, [BEDTIME], paths=["src/", "!"])


def test_impact_paths_input_splits_on_newlines_and_commas() -> None:
    assert parse_paths("src/**/*.ts, lib/\n\n  tests/*.py ,") == [
        "src/**/*.ts",
        "lib/",
        "tests/*.py",
    ]


def test_a_target_without_id_or_names_has_no_uses(tree: Tree) -> None:
    root = tree({"a.ts": f"{FIELD_ID}\n''\n"})
    assert scan(root, [Target("empty", None, ("",))]) == {"empty": Uses([], False)}
