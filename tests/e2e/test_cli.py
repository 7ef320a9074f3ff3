"""The command line, end to end: `schema-sync` as a subprocess on real git checkouts."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import yaml

from tests.conftest import CURRENT, LEGACY, SPEC_PATH, git


def schema_sync(cwd: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """Run the CLI the way a person does, with no GitHub variables around it."""
    env = {"PATH": "/usr/bin:/bin", "HOME": str(cwd)}
    return subprocess.run(
        [sys.executable, "-m", "sync_action", *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        env=env,
        check=False,
    )


def bumped(text: bytes, version: str = "v1.1.0") -> bytes:
    return text.replace(b"spec_version: v1.0.0", f"spec_version: {version}".encode())


def with_new_field(text: bytes) -> bytes:
    data = yaml.safe_load(text)
    data["spec_version"] = "v1.1.0"
    data["tables"]["users"]["fields"]["timezone"] = {"name": "Timezone", "type": "string"}
    return yaml.safe_dump(data, sort_keys=False).encode()


def report(workspace: Path) -> dict:
    path = workspace / "schema-drift-report" / "schema_drift_report.json"
    return json.loads(path.read_text())


# --- validate ------------------------------------------------------------------


def test_validate_passes_both_real_fixtures(tmp_path):
    done = schema_sync(tmp_path, "validate", str(CURRENT), str(LEGACY))
    assert done.returncode == 0, done.stderr
    assert "8 tables, 58 fields" in done.stdout


def test_validate_names_the_yaml_path_and_line_of_a_dangling_link(tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_bytes(CURRENT.read_bytes().replace(b"link_table: users", b"link_table: people", 1))
    done = schema_sync(tmp_path, "validate", str(bad))
    assert done.returncode == 2
    assert "tables.chat.fields.user.link_table" in done.stderr
    assert f"{bad}:109: tables.chat" in done.stderr


def test_validate_reports_a_duplicate_key_with_its_line(tmp_path):
    bad = tmp_path / "dup.yaml"
    bad.write_text("spec_version: v1\ntables: {}\nspec_version: v2\n")
    done = schema_sync(tmp_path, "validate", str(bad))
    assert done.returncode == 2
    assert "duplicate key 'spec_version'" in done.stderr
    assert ":3:" in done.stderr


def test_validate_of_a_missing_file_is_a_usage_error(tmp_path):
    done = schema_sync(tmp_path, "validate", "nope.yaml")
    assert done.returncode == 2
    assert "no such file" in done.stderr
    assert "Traceback" not in done.stderr


def test_validate_applies_a_user_schema_to_any_file(tmp_path):
    (tmp_path / "schema.json").write_text(
        json.dumps(
            {"type": "object", "required": ["name"], "properties": {"name": {"type": "string"}}}
        )
    )
    (tmp_path / "ok.yaml").write_text("name: x\n")
    (tmp_path / "bad.yaml").write_text("name: 3\n")
    ok = schema_sync(tmp_path, "validate", "--spec-schema", "schema.json", "ok.yaml")
    bad = schema_sync(tmp_path, "validate", "--spec-schema", "schema.json", "bad.yaml")
    assert ok.returncode == 0
    assert bad.returncode == 2
    assert "bad.yaml:1: name:" in bad.stderr


# --- diff ----------------------------------------------------------------------


def test_diff_of_legacy_against_current_is_three_metadata_changes(tmp_path):
    done = schema_sync(tmp_path, "diff", str(LEGACY), str(CURRENT), "--format", "json")
    assert done.returncode == 1  # the files differ
    changes = json.loads(done.stdout)["changes"]
    assert [c["path"] for c in changes] == ["owner_repo", "spec_version", "updated_at"]
    assert not any(c["breaking"] for c in changes)
    assert set(changes[0]) == {
        "kind",
        "path",
        "breaking",
        "before",
        "after",
        "table",
        "field",
        "table_id",
        "field_id",
        "name",
        "reason",
    }


def test_diff_prints_text_and_markdown(tmp_path):
    text = schema_sync(tmp_path, "diff", str(LEGACY), str(CURRENT))
    markdown = schema_sync(tmp_path, "diff", str(LEGACY), str(CURRENT), "--format", "markdown")
    assert "3 change(s), 0 breaking" in text.stdout
    assert "- `owner_repo`: strukt-system → STRUKT1/strukt-system" in markdown.stdout


def test_every_command_has_help(tmp_path):
    for command in ("drift", "sync", "diff", "validate"):
        done = schema_sync(tmp_path, command, "--help")
        assert done.returncode == 0
        assert "usage: schema-sync" in done.stdout


# --- drift between checkouts -----------------------------------------------------


def test_drift_with_identical_checkouts_is_in_sync(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer), "--peer-repos", "STRUKT1/app")
    assert done.returncode == 0, done.stderr
    data = report(source)
    assert data["drift_detected"] is False
    assert data["peer"]["repository"] == "STRUKT1/app"
    assert data["peer"]["ref"] == "main"


def test_drift_fails_by_default_and_reports_the_changes(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer))
    assert done.returncode == 1
    data = report(source)
    assert data["drift_detected"] is True
    assert data["peers"][0]["repository"] == "local/peer"
    added = [c for c in data["changes"] if c["kind"] == "added"]
    assert added[0]["path"] == "tables.users.fields.timezone"


def test_drift_only_warns_when_fail_on_drift_is_false(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer), "--fail-on-drift", "false")
    assert done.returncode == 0
    assert "warning:" in done.stderr


def quality_is_a_number(text: bytes) -> bytes:
    data = yaml.safe_load(text)
    data["spec_version"] = "v2.0.0"
    data["tables"]["sleep"]["fields"]["quality"]["type"] = "number"
    return yaml.safe_dump(data, sort_keys=False).encode()


def test_drift_prints_each_change_in_the_comments_sentence(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: quality_is_a_number(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer), "--fail-on-drift", "false")
    line = "Sleep › Quality (fldfdd8WYqyWx6Ckc): type single_select → number — breaking"
    assert line in done.stdout
    assert "tables.sleep.fields.quality.type" not in done.stdout


def test_drift_says_warning_once_a_line(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer), "--fail-on-drift", "false")
    lines = [ln for ln in (done.stdout + done.stderr).splitlines() if "warning" in ln]
    assert lines and all(ln.count("warning") == 1 for ln in lines), lines


def test_drift_names_a_source_without_a_remote_by_its_specs_owner_repo(checkout, current_spec):
    source = checkout("strukt-system", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer), "--fail-on-drift", "false")
    assert "to STRUKT1/strukt-system)" in done.stdout
    assert "local/strukt-system" not in done.stdout + done.stderr
    assert report(source)["repository"] == "STRUKT1/strukt-system"


def test_drift_reads_the_peer_from_git_not_its_working_tree(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    (peer / SPEC_PATH).write_bytes(b"uncommitted: edit\n")
    done = schema_sync(source, "drift", "--peer-dir", str(peer))
    assert done.returncode == 0


def test_drift_compares_against_a_peer_ref(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    git(peer, "tag", "v1")
    (peer / SPEC_PATH).write_bytes(with_new_field(current_spec))
    git(peer, "commit", "-qam", "change")
    at_tag = schema_sync(source, "drift", "--peer-dir", str(peer), "--peer-ref", "v1")
    at_head = schema_sync(source, "drift", "--peer-dir", str(peer))
    assert at_tag.returncode == 0
    assert at_head.returncode == 1


def test_drift_counts_a_missing_peer_file_as_drift(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {"README.md": b"hi\n"})
    done = schema_sync(source, "drift", "--peer-dir", str(peer))
    assert done.returncode == 1
    peer_entry = report(source)["peer"]
    assert peer_entry["missing"] is True
    assert peer_entry["hash"] is None


def test_drift_with_an_invalid_local_spec_is_a_usage_error(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: b"tables: [1, 2]\n"})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(peer))
    assert done.returncode == 2
    assert "tables" in done.stderr
    assert not (source / "schema-drift-report").exists()


def test_drift_refuses_a_peer_dir_that_is_not_a_checkout(checkout, current_spec, tmp_path):
    source = checkout("source", {SPEC_PATH: current_spec})
    plain = tmp_path / "plain"
    plain.mkdir()
    done = schema_sync(source, "drift", "--peer-dir", str(plain))
    assert done.returncode == 2
    assert "not a git checkout" in done.stderr


# --- sync between checkouts ------------------------------------------------------


def sync(source: Path, peer: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    return schema_sync(source, "sync", "--peer-dir", str(peer), *extra)


BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"


def test_sync_creates_the_sync_branch_with_identical_bytes(checkout, current_spec):
    source_bytes = with_new_field(current_spec)
    source = checkout("source", {SPEC_PATH: source_bytes})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = sync(source, peer)
    assert done.returncode == 0, done.stderr
    assert "created" in done.stdout
    assert git(peer, "show", f"{BRANCH}:{SPEC_PATH}").encode() + b"\n" == source_bytes
    assert git(peer, "rev-parse", "--abbrev-ref", "HEAD") == "main"
    assert git(peer, "status", "--porcelain") == ""


def test_sync_twice_is_unchanged_and_writes_nothing(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    sync(source, peer)
    head = git(peer, "rev-parse", BRANCH)
    done = sync(source, peer)
    assert done.returncode == 0
    assert "unchanged" in done.stdout
    assert git(peer, "rev-parse", BRANCH) == head


def test_sync_moves_the_branch_when_the_source_changes_again(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    sync(source, peer)
    first = git(peer, "rev-parse", BRANCH)
    (source / SPEC_PATH).write_bytes(
        bumped(with_new_field(current_spec), "v1.1.0").replace(b"Timezone", b"Time zone")
    )
    done = sync(source, peer)
    assert "updated" in done.stdout
    assert git(peer, "rev-parse", f"{BRANCH}~1") == first


def test_sync_is_unchanged_when_the_base_already_has_the_file(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = sync(source, peer)
    assert done.returncode == 0
    assert "unchanged" in done.stdout
    assert git(peer, "branch", "--list", BRANCH) == ""


def test_sync_refuses_different_content_under_the_same_version(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec.replace(b"Users", b"People", 1)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = sync(source, peer)
    assert done.returncode == 1
    assert "bump spec_version" in done.stderr
    assert git(peer, "branch", "--list", BRANCH) == ""
    assert report(source)["peers"][0]["findings"] == ["version-not-bumped", "updated-at-unchanged"]


def test_sync_keeps_a_commit_someone_pushed_to_the_sync_branch(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    sync(source, peer)
    git(peer, "checkout", "-q", BRANCH)
    (peer / "NOTES.md").write_text("mine\n")
    (peer / SPEC_PATH).write_bytes(current_spec)
    git(peer, "add", "-A")
    git(peer, "commit", "-qm", "someone else's commit")
    theirs = git(peer, "rev-parse", "HEAD")
    git(peer, "checkout", "-q", "main")
    done = sync(source, peer)
    assert "updated" in done.stdout
    assert git(peer, "rev-parse", f"{BRANCH}~1") == theirs
    assert git(peer, "show", f"{BRANCH}:NOTES.md") == "mine"


def test_force_sync_rebuilds_the_branch_from_the_base(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    sync(source, peer)
    git(peer, "checkout", "-q", BRANCH)
    (peer / "NOTES.md").write_text("stray\n")
    git(peer, "add", "-A")
    git(peer, "commit", "-qm", "stray")
    git(peer, "checkout", "-q", "main")
    done = sync(source, peer, "--force-sync")
    assert done.returncode == 0, done.stderr
    assert git(peer, "rev-parse", f"{BRANCH}~1") == git(peer, "rev-parse", "main")


def test_sync_dry_run_writes_nothing(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = sync(source, peer, "--dry-run")
    assert done.returncode == 0
    assert git(peer, "branch", "--list", BRANCH) == ""
    assert report(source)["peers"][0]["status"] == "dry-run"


def test_disabled_does_nothing(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: with_new_field(current_spec)})
    peer = checkout("peer", {SPEC_PATH: current_spec})
    done = sync(source, peer, "--disabled")
    assert done.returncode == 0
    assert "disabled" in done.stdout
    assert git(peer, "branch", "--list", BRANCH) == ""
    assert not (source / "schema-drift-report").exists()


def test_an_unknown_mode_flag_value_is_a_usage_error(checkout, current_spec):
    source = checkout("source", {SPEC_PATH: current_spec})
    done = schema_sync(source, "drift", "--peer-dir", str(source), "--fail-on-drift", "maybe")
    assert done.returncode == 2
    assert "fail-on-drift" in done.stderr
