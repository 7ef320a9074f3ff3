"""Impact end to end: a consumer's checkout that uses what a sync pull request changes,
checked through the entrypoint against the local GitHub, and `schema-sync impact`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from tests.actionrun import CONSUMER, SOURCE, pull_request_event, run_action
from tests.conftest import SPEC_PATH
from tests.e2e.test_cli import schema_sync

BEDTIME_ID = "fldu544VmBsGIvEuw"  # sleep.bedtime, removed by the sync
QUALITY_ID = "fldfdd8WYqyWx6Ckc"  # sleep.quality, not changed
SYNC_BRANCH = "schema-sync/schema-AIRTABLE_SPEC-yaml"
SLEEP_TS = (
    "import { base } from './airtable';\n"
    "// Bedtime is shown on the sleep card\n"
    "const bedtime = record.get('Bedtime');\n"
    "const quality = record.get('Quality');\n"
    'const label = "Bedtime and more";\n'
    "/* the 'Bedtime' column */\n"
    "export const BEDTIME = `Bedtime`;\n"
)
API_PY = f'FIELDS = {{\n    "quality": "{QUALITY_ID}",\n    "bedtime": "{BEDTIME_ID}",\n}}\n'
APP_FILES: dict[str, bytes] = {
    "src/sleep.ts": SLEEP_TS.encode(),
    "src/api.py": API_PY.encode(),
    "README.md": b"The app shows `Bedtime` on the sleep card.\n",
    "node_modules/airtable/index.js": b"module.exports = 'Bedtime';\n",
    ".gitignore": b"dist/\n",
    "dist/app.js": b"x('Bedtime')\n",
    "assets/logo.bin": b"\x00\x01'Bedtime'\n",
}


def without_bedtime(current: bytes) -> bytes:
    """The source's next version: sleep.bedtime removed (breaking), v2.0.0."""
    data = yaml.safe_load(current)
    data["spec_version"] = "v2.0.0"
    data["updated_at"] = "2025-09-01T00:00:00Z"
    del data["tables"]["sleep"]["fields"]["bedtime"]
    return yaml.safe_dump(data, sort_keys=False).encode()


def app_checkout(workspace: Path, spec: bytes, files: dict[str, bytes]) -> None:
    """The consumer's workspace at the sync pull request's head: its spec and its code."""
    (workspace / SPEC_PATH).parent.mkdir(parents=True, exist_ok=True)
    (workspace / SPEC_PATH).write_bytes(spec)
    for rel, content in files.items():
        path = workspace / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)


def sync_pull(github: Any, workspace: Path, current: bytes, files: dict[str, bytes]) -> dict:
    """strukt-system removed Bedtime; strukt-app's sync pull request brings the removal."""
    new = without_bedtime(current)
    github.commit(SOURCE, "main", {SPEC_PATH: new}, "Remove Bedtime")
    base = github.branch_sha(CONSUMER, "main")
    head = github.commit(CONSUMER, SYNC_BRANCH, {SPEC_PATH: new}, "chore(schema): sync")
    pull = github.open_pull(CONSUMER, SYNC_BRANCH, title="chore(schema): sync")
    app_checkout(workspace, new, files)
    return pull_request_event(pull.number, CONSUMER, base_sha=base, head_sha=head)


def consumer_check(workspace: Path, github: Any, event: dict, **inputs: str):
    return run_action(
        workspace,
        github,
        {"peer-repos": SOURCE, **inputs},
        event_name="pull_request",
        event=event,
        repository=CONSUMER,
    )


def bedtime_removal(report: dict) -> dict:
    [change] = [
        c for c in report["pull_request"]["changes"] if c["path"] == "tables.sleep.fields.bedtime"
    ]
    return change


def annotations(run) -> list[str]:
    """The warnings put on lines of code that use a breaking change."""
    return [w for w in run.commands("warning") if "title=Breaking schema change used here" in w]


def places(change: dict) -> list[tuple[str, int]]:
    return [(use["path"], use["line"]) for use in change["usages"]]


# --- the report -------------------------------------------------------------------------


def test_uses_by_name_and_by_id_are_listed_on_the_change(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event)
    assert run.returncode == 0, run.stdout
    change = bedtime_removal(run.report)
    assert places(change) == [("src/api.py", 3), ("src/sleep.ts", 3), ("src/sleep.ts", 7)]
    assert change["usages"][1]["text"] == "const bedtime = record.get('Bedtime');"
    assert change["usages_truncated"] is False


def test_comments_prose_dependencies_ignored_and_binary_files_are_not_uses(
    workspace, github, current_spec
):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event)
    used = {path for path, _ in places(bedtime_removal(run.report))}
    assert used.isdisjoint({"README.md", "node_modules/airtable/index.js", "dist/app.js"})
    assert "assets/logo.bin" not in used
    assert ("src/sleep.ts", 2) not in places(bedtime_removal(run.report))


def test_a_change_outside_tables_lists_no_uses(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event)
    [version] = [c for c in run.report["pull_request"]["changes"] if c["path"] == "spec_version"]
    assert (version["usages"], version["usages_truncated"]) == ([], False)


def test_impact_paths_keeps_only_the_files_they_match(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event, **{"impact-paths": "*.py"})
    assert places(bedtime_removal(run.report)) == [("src/api.py", 3)]


def test_impact_false_scans_nothing(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event, impact="false")
    assert "usages" not in bedtime_removal(run.report)
    assert not annotations(run)


def test_a_bad_impact_paths_glob_is_bad_input(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event, **{"impact-paths": "src/\\"})
    assert run.returncode == 2
    [error] = run.commands("error")
    assert "impact-paths" in error and "Traceback" not in run.stdout + run.stderr


# --- the comment and the annotations ------------------------------------------------------


def test_the_comment_names_each_use_linked_at_the_head_commit(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event)
    [comment] = github.comments(CONSUMER, event["number"])
    head = event["pull_request"]["head"]["sha"]
    blob = f"{github.server_url}/{CONSUMER}/blob/{head}"
    for path, line in [("src/api.py", 3), ("src/sleep.ts", 3), ("src/sleep.ts", 7)]:
        assert f"[`{path}:{line}`]({blob}/{path}#L{line})" in comment.body
    assert run.summary.count("`src/sleep.ts:7`") >= 1


def test_the_verdict_counts_the_breaking_changes_used_and_their_places(
    workspace, github, current_spec
):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    consumer_check(workspace, github, event)
    [comment] = github.comments(CONSUMER, event["number"])
    verdict = comment.body.splitlines()[1]
    assert verdict.endswith("1 breaking change, used in 3 places")


def test_a_sync_whose_breaking_change_this_code_uses_needs_a_person(
    workspace, github, current_spec
):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    consumer_check(workspace, github, event)
    [comment] = github.comments(CONSUMER, event["number"])
    assert comment.body.splitlines()[1].startswith("### 🟡 This pull request syncs")


def test_each_use_of_a_breaking_change_is_a_warning_on_its_line(workspace, github, current_spec):
    event = sync_pull(github, workspace, current_spec, APP_FILES)
    run = consumer_check(workspace, github, event)
    annotated = annotations(run)
    assert [w.split("::")[1] for w in annotated] == [
        "warning file=src/api.py,line=3,title=Breaking schema change used here",
        "warning file=src/sleep.ts,line=3,title=Breaking schema change used here",
        "warning file=src/sleep.ts,line=7,title=Breaking schema change used here",
    ]
    assert f"Sleep › Bedtime ({BEDTIME_ID}): field removed" in annotated[0]


def test_only_ten_uses_are_annotated_and_the_log_counts_the_rest(workspace, github, current_spec):
    many = "".join(f"x{n} = row['Bedtime']\n" for n in range(12)).encode()
    event = sync_pull(github, workspace, current_spec, {"app/rows.py": many})
    run = consumer_check(workspace, github, event)
    annotated = annotations(run)
    lines = [w.split("line=")[1].split(",")[0] for w in annotated]
    assert lines == [str(n) for n in range(1, 11)]
    assert "impact: 2 more use(s) of breaking changes are not annotated" in run.stdout
    assert len(bedtime_removal(run.report)["usages"]) == 12


# --- the command line ---------------------------------------------------------------------


def test_cli_impact_prints_one_line_per_use(tmp_path, current_spec):
    root = tmp_path / "app"
    app_checkout(root, without_bedtime(current_spec), APP_FILES)
    (tmp_path / "old.yaml").write_bytes(current_spec)
    done = schema_sync(tmp_path, "impact", "old.yaml", f"app/{SPEC_PATH}", "--root", "app")
    assert done.returncode == 0, done.stderr
    removed = (
        f"Sleep › Bedtime ({BEDTIME_ID}): field removed (string, optional) — breaking: removed"
    )
    assert done.stdout.splitlines() == [
        f"src/api.py:3: {removed}",
        f"src/sleep.ts:3: {removed}",
        f"src/sleep.ts:7: {removed}",
    ]


# --- why it changed: the source's pull requests in the sync pull request ------------------

NOTES = "Read the bedtime from `Sleep › Notes` instead; ask @alice for the export."
DESCRIPTION = (
    "Bedtime moves into Notes. INTRO-NOT-COPIED\n\n"
    f"## Migration notes\n\n{NOTES}\n\n"
    "## Testing\n\nTESTING-NOT-COPIED\n"
)


def merged_source_pull(github: Any, current: bytes, body: str) -> str:
    """strukt-system's pull request #1 removed Bedtime and was merged; the merge's sha."""
    github.commit(SOURCE, "remove-bedtime", {SPEC_PATH: without_bedtime(current)}, "Remove it")
    pull = github.open_pull(
        SOURCE, "remove-bedtime", title="Remove Bedtime (@bob agreed)", body=body, user="octocat"
    )
    return github.merge_pull(SOURCE, pull.number)


def sync_after(workspace: Path, github: Any, current: bytes, merge: str):
    (workspace / SPEC_PATH).write_bytes(without_bedtime(current))
    return run_action(
        workspace,
        github,
        {"mode": "sync", "peer-repos": CONSUMER},
        env={"GITHUB_SHA": merge},
    )


def sync_body(github: Any) -> str:
    [pull] = github.pulls(CONSUMER, "open")
    return str(pull.body)


def test_the_sync_names_the_source_pull_request_with_its_migration_notes(
    workspace, github, current_spec
):
    merge = merged_source_pull(github, current_spec, DESCRIPTION)
    run = sync_after(workspace, github, current_spec, merge)
    assert run.returncode == 0, run.stdout
    body = sync_body(github)
    link = f"{github.server_url}/{SOURCE}/pull/1"
    assert f"- [#1 Remove Bedtime (@\u200bbob agreed)]({link}) by octocat" in body
    assert "  > **Migration notes**" in body
    assert "  > Read the bedtime from `Sleep › Notes` instead; ask @\u200balice" in body


def test_nothing_else_of_the_description_is_copied_and_no_one_is_mentioned(
    workspace, github, current_spec
):
    merge = merged_source_pull(github, current_spec, DESCRIPTION)
    sync_after(workspace, github, current_spec, merge)
    body = sync_body(github)
    assert "INTRO-NOT-COPIED" not in body and "TESTING-NOT-COPIED" not in body
    assert "@bob" not in body and "@alice" not in body and "@octocat" not in body


def test_long_migration_notes_are_cut_with_a_link(workspace, github, current_spec):
    long = "## Migration\n\n" + "\n".join(f"Step {n}: move one more field." for n in range(200))
    merge = merged_source_pull(github, current_spec, long)
    sync_after(workspace, github, current_spec, merge)
    body = sync_body(github)
    assert f"  > … [the rest in #1]({github.server_url}/{SOURCE}/pull/1)" in body
    assert "Step 199" not in body


def test_the_source_pull_requests_cost_one_request_a_commit(workspace, github, current_spec):
    merge = merged_source_pull(github, current_spec, DESCRIPTION)
    github.reset_log()
    sync_after(workspace, github, current_spec, merge)
    asked = github.requests("GET", path_contains="/pulls")
    assert [r.path for r in asked if "/commits/" in r.path] == [
        f"/repos/{SOURCE}/commits/{github.branch_sha(SOURCE, 'remove-bedtime')}/pulls"
    ]


def test_unreadable_source_pull_requests_are_said_and_never_fail_the_sync(
    workspace, github, current_spec
):
    merge = merged_source_pull(github, current_spec, DESCRIPTION)
    denied = {"message": "Resource not accessible by integration", "documentation_url": ""}
    github.inject("GET", r"/commits/[0-9a-f]+/pulls$", status=403, body=denied, times=None)
    run = sync_after(workspace, github, current_spec, merge)
    assert (run.returncode, run.outputs["sync-status"]) == (0, "created")
    body = sync_body(github)
    assert "- The source's pull requests could not all be read:" in body
