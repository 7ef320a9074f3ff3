"""Bad input, one table: each case gets the contract's exit code, one clear `::error`
that names the input or the file position, no traceback, and nothing written remotely."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.actionrun import CONSUMER, SOURCE, TOKEN, run_action
from tests.conftest import CURRENT, SPEC_PATH
from tests.e2e.test_action_drift import changed_spec


@dataclass
class Case:
    id: str
    expect: str  # a piece of the one ::error line
    code: int = 2
    inputs: dict[str, str] = field(default_factory=dict)
    env: dict[str, str] = field(default_factory=dict)
    spec: bytes | None = None  # replaces this repository's spec file
    setup: Callable[[Path, object], None] | None = None
    token: str = TOKEN


def spec_text(text: str) -> bytes:
    return text.encode()


def current_with(old: bytes, new: bytes) -> bytes:
    return CURRENT.read_bytes().replace(old, new, 1)


def symlink_outside(workspace: Path, github: object) -> None:
    outside = workspace.parent / "outside.yaml"
    outside.write_bytes(CURRENT.read_bytes())
    (workspace / "schema" / "link.yaml").symlink_to(outside)


def schema_dir(workspace: Path, github: object) -> None:
    (workspace / "schema" / "dir.yaml").mkdir()


def bad_user_schema(workspace: Path, github: object) -> None:
    (workspace / "schema.json").write_text('{"type": 12}')


def peer_file_is_directory(workspace: Path, github: object) -> None:
    github.commit(
        CONSUMER, "main", {"schema/AIRTABLE_SPEC.yaml/inner.yaml": b"a: 1\n", SPEC_PATH: None}
    )


def no_pr_permission(workspace: Path, github: object) -> None:
    github.repo(CONSUMER).actions_can_create_prs = False
    (workspace / SPEC_PATH).write_bytes(changed_spec(CURRENT.read_bytes()))


def archived(workspace: Path, github: object) -> None:
    github.repo(CONSUMER).archived = True
    (workspace / SPEC_PATH).write_bytes(changed_spec(CURRENT.read_bytes()))


def read_only(workspace: Path, github: object) -> None:
    github.add_token("ghs_read_only_000000000000", {CONSUMER: "read", SOURCE: "read"})
    (workspace / SPEC_PATH).write_bytes(changed_spec(CURRENT.read_bytes()))


def changed(workspace: Path, github: object) -> None:
    (workspace / SPEC_PATH).write_bytes(changed_spec(CURRENT.read_bytes()))


BOMB = "a: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
    f"{chr(98 + i)}: &{chr(98 + i)} [{', '.join([f'*{chr(97 + i)}'] * 9)}]\n" for i in range(8)
)

CASES = [
    # inputs
    Case("mode-unknown", "mode", inputs={"mode": "deploy"}),
    Case("bool-fail-on-drift", "fail-on-drift", inputs={"fail-on-drift": "maybe"}),
    Case("bool-comment", "comment", inputs={"comment": "sometimes"}),
    Case("bool-force-sync", "force-sync", inputs={"force-sync": "2"}),
    Case("bool-dry-run", "dry-run", inputs={"dry-run": "tru"}),
    Case(
        "bool-require-version-bump", "require-version-bump", inputs={"require-version-bump": "nope"}
    ),
    Case("bool-disabled", "disabled", inputs={"disabled": "perhaps"}),
    Case("bool-disabled-env", "SCHEMA_SYNC_DISABLED", env={"SCHEMA_SYNC_DISABLED": "kinda"}),
    Case("peers-empty", "peer-repos", inputs={"peer-repos": " \n , "}),
    Case("peer-no-owner", "peer-repos", inputs={"peer-repos": "strukt-app"}),
    Case("peer-three-parts", "peer-repos", inputs={"peer-repos": "a/b/c"}),
    Case("peer-bad-owner", "peer-repos", inputs={"peer-repos": "-bad/app"}),
    Case("peer-dotdot", "peer-repos", inputs={"peer-repos": "STRUKT1/.."}),
    Case("peer-space", "peer-repos", inputs={"peer-repos": "STRUKT1/strukt app"}),
    Case("peer-self", "peer-repos", inputs={"peer-repos": f"{CONSUMER}\n{SOURCE.lower()}"}),
    Case("ref-dotdot", "peer-ref", inputs={"peer-ref": "main..evil"}),
    Case("ref-dash", "peer-ref", inputs={"peer-ref": "-x"}),
    Case("base-space", "base-branch", inputs={"mode": "sync", "base-branch": "main branch"}),
    Case("sync-branch-tilde", "sync-branch", inputs={"mode": "sync", "sync-branch": "a~1"}),
    Case("schema-path-parent", "outside the workspace", inputs={"schema-path": "../x.yaml"}),
    Case("schema-path-absolute", "outside the workspace", inputs={"schema-path": "/etc/passwd"}),
    Case(
        "schema-path-symlink",
        "outside the workspace",
        inputs={"schema-path": "schema/link.yaml"},
        setup=symlink_outside,
    ),
    Case("report-path-parent", "report-path", inputs={"report-path": "../../report.json"}),
    Case("peer-path-parent", "peer-path", inputs={"peer-path": "../secrets.yaml"}),
    Case("peer-path-absolute", "peer-path", inputs={"peer-path": "/etc/passwd"}),
    Case("spec-schema-missing", "spec-schema", inputs={"spec-schema": "nope.json"}),
    Case(
        "spec-schema-invalid",
        "spec-schema",
        inputs={"spec-schema": "schema.json"},
        setup=bad_user_schema,
    ),
    Case("app-id-alone", "app-private-key", inputs={"app-id": "123"}),
    Case(
        "app-id-not-numeric",
        "app-id",
        inputs={"app-id": "my-app", "app-private-key": "-----BEGIN KEY-----\nx\n"},
    ),
    Case("ignore-empty-step", "ignore", inputs={"ignore": "tables..fields"}),
    Case("label-too-long", "labels", inputs={"mode": "sync", "labels": "x" * 51}),
    # the schema file
    Case("spec-missing", "no such file", inputs={"schema-path": "schema/none.yaml"}),
    Case(
        "spec-directory", "directory", inputs={"schema-path": "schema/dir.yaml"}, setup=schema_dir
    ),
    Case("spec-empty", "empty", spec=b""),
    Case("spec-null", "empty", spec=b"~\n"),
    Case("spec-list", "mapping", spec=b"- a\n- b\n"),
    Case("spec-scalar", "mapping", spec=b"just text\n"),
    Case("spec-not-utf8", "UTF-8", spec=b"tables:\n  caf\xe9: {}\n"),
    Case("spec-binary", "binary", spec=b"\x00\x01\x02tables"),
    Case("spec-tabs", "YAML", spec=b"tables:\n\tusers:\n\t\tfields: {}\n"),
    Case("spec-duplicate-key", "duplicate key", spec=b"spec_version: v1\nspec_version: v2\n"),
    Case("spec-alias-bomb", "alias", spec=BOMB.encode()),
    Case("spec-deep", "nested", spec=b"a: " + b"[" * 10_000 + b"]" * 10_000 + b"\n"),
    Case("spec-too-big", "5 MiB", spec=b"tables: {}\n" + b"# padding\n" * 600_000),
    Case(
        "spec-schema-type",
        "tables.users.fields",
        spec=current_with(b"    fields:\n      email_address:", b"    fields: 3\n    x:\n      y:"),
    ),
    Case(
        "spec-dangling-link",
        "link_table",
        spec=current_with(b"link_table: users", b"link_table: people"),
    ),
    Case(
        "spec-duplicate-id",
        "already used",
        spec=current_with(b"id: tblDtOOmahkMYEqmy", b"id: tbl87AICCbvbgrLCY"),
    ),
    Case("spec-bad-id", "14 letters", spec=current_with(b"id: fldgyVjQJc389lqNA", b"id: fld1")),
    Case("spec-multi-doc", "YAML", spec=b"tables: {}\n---\ntables: {}\n"),
    # the environment
    Case("no-token", "token", token=""),
    Case("event-missing", "GITHUB_EVENT_PATH", env={"GITHUB_EVENT_PATH": "/nonexistent/e.json"}),
    Case("event-not-json", "GITHUB_EVENT_PATH", env={"GITHUB_EVENT_PATH": str(CURRENT)}),
    Case("output-unwritable", "GITHUB_OUTPUT", env={"GITHUB_OUTPUT": "/"}),
    Case("workspace-missing", "workspace", env={"GITHUB_WORKSPACE": "/nonexistent/workspace"}),
    # the remote refusing
    Case("peer-not-found", "STRUKT1/ghost", code=3, inputs={"peer-repos": "STRUKT1/ghost"}),
    Case("bad-credentials", "token", code=3, token="ghp_not_a_registered_token_00"),
    Case("peer-path-directory", "directory", code=3, setup=peer_file_is_directory),
    Case(
        "base-branch-missing",
        "release",
        code=3,
        inputs={"mode": "sync", "base-branch": "release"},
        setup=changed,
    ),
    Case(
        "no-write-permission",
        "permission",
        code=3,
        inputs={"mode": "sync"},
        setup=read_only,
        token="ghs_read_only_000000000000",
    ),
    Case("archived", "archived", code=3, inputs={"mode": "sync"}, setup=archived),
    Case(
        "actions-may-not-open-prs",
        "not permitted",
        code=3,
        inputs={"mode": "sync"},
        setup=no_pr_permission,
    ),
]


def test_there_are_at_least_forty_distinct_cases():
    assert len({c.id for c in CASES}) == len(CASES) >= 40


@pytest.mark.parametrize("case", CASES, ids=[c.id for c in CASES])
def test_bad_input(case: Case, workspace: Path, github) -> None:
    if case.spec is not None:
        (workspace / SPEC_PATH).write_bytes(case.spec)
    if case.setup:
        case.setup(workspace, github)
    inputs = {"peer-repos": CONSUMER, **case.inputs}
    env = dict(case.env)
    run = run_action(workspace, github, inputs, token=case.token, env=env)
    assert run.returncode == case.code, run.stdout + run.stderr
    errors = run.commands("error")
    assert len(errors) == 1, run.stdout
    assert case.expect.lower() in errors[0].lower(), errors
    assert "Traceback" not in run.stdout + run.stderr
    if case.code == 2:
        assert github.writes() == []
    else:
        assert _nothing_left(github), [w for w in github.writes() if w.status < 400]


def _nothing_left(github) -> bool:
    """A refused run leaves no sync branch and no pull request behind."""
    repo = github.repo(CONSUMER)
    branch = repo.git.branch_sha("schema-sync/schema-AIRTABLE_SPEC-yaml")
    return branch is None and not github.pulls(CONSUMER)
