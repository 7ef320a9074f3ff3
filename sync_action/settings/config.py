"""Inputs and environment, read and validated in one place.

This is the only module that reads the environment. The runner passes each
input as `INPUT_<NAME>` with hyphens kept (`INPUT_FAIL-ON-DRIFT`); shells can
only export the underscore spelling, so both are accepted. The command line
passes the same inputs by name, so both paths share every check and message.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath
from typing import Any

from sync_action.core.errors import UsageError
from sync_action.core.vocabulary import FailOn, Mode, Role, VersionPolicy
from sync_action.settings import event as events
from sync_action.settings import typed_inputs as values
from sync_action.settings.airtable_inputs import airtable_inputs
from sync_action.settings.list_inputs import labels as _labels
from sync_action.settings.list_inputs import logins as _logins
from sync_action.settings.list_inputs import run_url, split_list
from sync_action.settings.typed_inputs import (
    WAIT_SCALE_ENV,
    WRITE_LIMIT_ENV,
    wait_scale,
    write_limits,
)

DEFAULTS: dict[str, str] = {
    "mode": "drift",
    "role": "auto",
    "schema-path": "schema/AIRTABLE_SPEC.yaml",
    "peer-repos": "",
    "peer-path": "",
    "peer-ref": "",
    "token": "",
    "fail-on-drift": "true",
    "fail-on": "",
    "comment": "true",
    "report-path": "schema-drift-report/schema_drift_report.json",
    "force-sync": "false",
    "disabled": "false",
    "base-branch": "",
    "sync-branch": "",
    "labels": "schema-sync,bot",
    "safe-labels": "safe-to-merge",
    "breaking-labels": "breaking-change",
    "reviewers": "",
    "team-reviewers": "",
    "assignees": "",
    "pr-title": "chore(schema): sync {path} from {source} ({version})",
    "dry-run": "false",
    "require-version-bump": "true",
    "version-policy": "bump",
    "spec-schema": "",
    "ignore": "",
    "app-id": "",
    "app-private-key": "",
    "airtable-base-id": "",
    "airtable-token": "",
    "airtable-api-url": "https://api.airtable.com",
    "comment-token": "",
    "max-pr-age": "7",
    "token-expiry-days": "14",
    "sync-workflow": "",
    "dashboard": "false",
    "impact": "true",
    "impact-paths": "",
}
BOOLEANS = {
    "true": True,
    "yes": True,
    "1": True,
    "on": True,
    "false": False,
    "no": False,
    "0": False,
    "off": False,
}
MODES = tuple(Mode)
_OWNER = re.compile(r"^[A-Za-z0-9](?:[A-Za-z0-9-]{0,38})$")
_NAME = re.compile(r"^[A-Za-z0-9._-]{1,100}$")
_REF_BAD = re.compile(r"[\x00-\x20\x7f~^:?*\[\\]|\.\.|@\{|//|/\.|\.lock(/|$)")


@dataclass(frozen=True)
class Config:
    """Everything a run needs, validated; nothing else reads the environment."""

    mode: str
    workspace: Path
    schema_path: str
    peer_repos: tuple[str, ...]
    peer_path: str
    peer_ref: str | None
    token: str = field(repr=False)
    fail_on_drift: bool
    comment: bool
    report_path: str
    force_sync: bool
    base_branch: str | None
    sync_branch: str
    labels: tuple[str, ...]
    safe_labels: tuple[str, ...]
    breaking_labels: tuple[str, ...]
    reviewers: tuple[str, ...]
    team_reviewers: tuple[str, ...]
    assignees: tuple[str, ...]
    pr_title: str
    dry_run: bool
    require_version_bump: bool
    spec_schema: dict[str, Any] | None
    spec_schema_path: str | None
    ignore: tuple[str, ...]
    app_id: str | None
    app_private_key: str | None = field(repr=False)
    repository: str
    sha: str
    event_name: str
    pr_number: int | None
    api_url: str
    server_url: str
    output_file: Path | None
    summary_file: Path | None
    peer_dirs: tuple[Path, ...] = ()
    on_runner: bool = True
    write_limits: tuple[tuple[int, float], ...] | None = None  # None: GitHub's own limits
    wait_scale: float = 1.0  # the part of each rate-limit wait slept (tests: 0)
    airtable_base_id: str = ""
    airtable_token: str = field(default="", repr=False)
    airtable_api_url: str = DEFAULTS["airtable-api-url"]
    airtable_waits: tuple[float, float] = (30.0, 0.5)  # the 429 lockout, the 5xx backoff
    comment_token: str = field(default="", repr=False)  # empty: `token`
    run_url: str = ""  # this workflow run's page, on the runner
    fail_on: frozenset[FailOn] | None = None  # None: unset, `fail-on-drift` decides
    max_pr_age: float = 7.0  # days
    token_expiry_days: float = 14.0
    sync_workflow: str | None = None
    dashboard: bool = False
    role: Role = Role.AUTO  # resolved to source or consumer once the spec is read
    version_policy: VersionPolicy = VersionPolicy.BUMP
    ref: str = ""  # this repository's branch or tag (the pull request's head branch)
    base_sha: str | None = None  # the pull request's base commit, from the event
    head_sha: str | None = None
    impact: bool = True  # drift: scan the checkout for the code that uses what changes
    impact_paths: tuple[str, ...] = ()  # the scan's globs (gitignore lines); empty: all files

    def fails(self, condition: str) -> bool:
        """Does `condition` (a `fail-on` word) fail the step, or only warn? Unset,
        `fail-on` is `drift` under `fail-on-drift: true` and `never` under `false`."""
        if self.fail_on is None:
            return condition == FailOn.DRIFT and self.fail_on_drift
        return condition in self.fail_on

    @property
    def schema_file(self) -> Path:
        return self.workspace / self.schema_path

    @property
    def report_file(self) -> Path:
        return self.workspace / self.report_path

    @property
    def secrets(self) -> tuple[str, ...]:
        return tuple(
            s
            for s in (self.token, self.app_private_key, self.comment_token, self.airtable_token)
            if s
        )

    @property
    def uses_api(self) -> bool:
        return not self.peer_dirs


def input_value(env: Mapping[str, str], name: str) -> str:
    """An input as the runner passes it (hyphen kept) or as a shell exports it."""
    upper = name.upper().replace(" ", "_")
    for key in (f"INPUT_{upper}", f"INPUT_{upper.replace('-', '_')}"):
        value = env.get(key, "")
        if value.strip():
            return value
    return ""


def inputs_from_env(env: Mapping[str, str]) -> dict[str, str]:
    return {name: input_value(env, name) for name in DEFAULTS}


def parse_bool(value: str, name: str) -> bool:
    text = value.strip().lower()
    if text in BOOLEANS:
        return BOOLEANS[text]
    raise UsageError(
        f"Input '{name}' must be true or false (also yes/no, on/off, 1/0), got '{value.strip()}'"
    )


def is_disabled(inputs: Mapping[str, str], env: Mapping[str, str]) -> bool:
    """Checked before anything else, so a disabled run stops even on other bad inputs."""
    if inputs.get("disabled", "").strip() and parse_bool(inputs["disabled"], "disabled"):
        return True
    flag = env.get("SCHEMA_SYNC_DISABLED", "")
    return bool(flag.strip()) and parse_bool(flag, "SCHEMA_SYNC_DISABLED")


def output_file(env: Mapping[str, str]) -> Path | None:
    value = env.get("GITHUB_OUTPUT", "")
    return Path(value) if value else None


def load(
    inputs: Mapping[str, str],
    env: Mapping[str, str],
    *,
    peer_dirs: Sequence[str] = (),
    on_runner: bool = True,
) -> Config:
    """Validate inputs and environment into a Config, or raise UsageError."""
    raw = {name: (inputs.get(name) or "").strip() or DEFAULTS[name] for name in DEFAULTS}
    raw["app-private-key"] = inputs.get("app-private-key") or ""
    workspace = _workspace(env)
    mode = raw["mode"].lower()
    if mode not in MODES:
        raise UsageError(
            f"Input 'mode' must be 'drift', 'sync', 'airtable' or 'status', got '{raw['mode']}'"
        )
    airtable = airtable_inputs(raw, env) if mode == "airtable" else {}
    flags = {
        name: parse_bool(raw[name], name)
        for name in (
            "fail-on-drift",
            "comment",
            "force-sync",
            "dry-run",
            "require-version-bump",
            "dashboard",
            "impact",
        )
    }
    schema_path = workspace_path(workspace, raw["schema-path"], "schema-path")
    peer_path = repo_path(raw["peer-path"] or schema_path, "peer-path")
    repository = env.get("GITHUB_REPOSITORY", "").strip()
    dirs = tuple(_peer_dir(d) for d in peer_dirs)
    peers = peer_list(raw["peer-repos"], repository, required=not dirs and not airtable)
    event_name = env.get("GITHUB_EVENT_NAME", "")
    event = events.read(env)
    spec_schema, spec_schema_path = _spec_schema(workspace, raw["spec-schema"])
    token = (raw["token"] or env.get("GITHUB_TOKEN", "") or env.get("GH_TOKEN", "")).strip()
    app_id, app_key = _app(raw["app-id"], raw["app-private-key"])
    if not dirs and not token and not app_id and not airtable:
        raise UsageError(
            "No token: set the 'token' input (a PAT or GitHub App token that can read the peers)"
        )
    return Config(
        mode=mode,
        workspace=workspace,
        schema_path=schema_path,
        peer_repos=peers,
        peer_path=peer_path,
        peer_ref=ref_name(raw["peer-ref"], "peer-ref"),
        token=token,
        fail_on_drift=flags["fail-on-drift"],
        comment=flags["comment"],
        report_path=workspace_path(workspace, raw["report-path"], "report-path", must_exist=False),
        force_sync=flags["force-sync"],
        base_branch=ref_name(raw["base-branch"], "base-branch"),
        sync_branch=ref_name(raw["sync-branch"], "sync-branch") or default_sync_branch(peer_path),
        labels=_labels(raw["labels"], "labels"),
        safe_labels=_labels(raw["safe-labels"], "safe-labels"),
        breaking_labels=_labels(raw["breaking-labels"], "breaking-labels"),
        reviewers=_logins(raw["reviewers"], "reviewers"),
        team_reviewers=_logins(raw["team-reviewers"], "team-reviewers"),
        assignees=_logins(raw["assignees"], "assignees"),
        pr_title=raw["pr-title"],
        dry_run=flags["dry-run"],
        require_version_bump=flags["require-version-bump"],
        spec_schema=spec_schema,
        spec_schema_path=spec_schema_path,
        ignore=_ignore(raw["ignore"]),
        app_id=app_id,
        app_private_key=app_key,
        repository=repository,
        sha=env.get("GITHUB_SHA", "").strip(),
        event_name=event_name,
        pr_number=events.pr_number(event_name, event),
        api_url=(env.get("GITHUB_API_URL") or "https://api.github.com").rstrip("/"),
        server_url=(env.get("GITHUB_SERVER_URL") or "https://github.com").rstrip("/"),
        output_file=_writable(env.get("GITHUB_OUTPUT", ""), "GITHUB_OUTPUT"),
        summary_file=Path(env["GITHUB_STEP_SUMMARY"]) if env.get("GITHUB_STEP_SUMMARY") else None,
        peer_dirs=dirs,
        on_runner=on_runner,
        write_limits=write_limits(env.get(WRITE_LIMIT_ENV, "")),
        wait_scale=wait_scale(env.get(WAIT_SCALE_ENV, "")),
        comment_token=(inputs.get("comment-token") or "").strip(),
        fail_on=values.fail_on(raw["fail-on"]),
        max_pr_age=values.days(raw["max-pr-age"], "max-pr-age"),
        token_expiry_days=values.days(raw["token-expiry-days"], "token-expiry-days"),
        sync_workflow=values.workflow_file(raw["sync-workflow"]),
        dashboard=flags["dashboard"],
        impact=flags["impact"],
        impact_paths=values.impact_paths(raw["impact-paths"]),
        role=values.choice(raw["role"], "role", Role),
        version_policy=(
            values.choice(raw["version-policy"], "version-policy", VersionPolicy)
            if flags["require-version-bump"]
            else VersionPolicy.NONE
        ),
        ref=events.own_ref(env, event_name, event),
        base_sha=events.pr_sha(event_name, event, "base"),
        head_sha=events.pr_sha(event_name, event, "head"),
        **airtable,
        run_url=run_url(env),
    )


def default_sync_branch(peer_path: str) -> str:
    """`schema/AIRTABLE_SPEC.yaml` becomes `schema-sync/schema-AIRTABLE_SPEC-yaml`."""
    return "schema-sync/" + re.sub(r"[^A-Za-z0-9_-]", "-", peer_path)


def peer_list(value: str, repository: str, *, required: bool = True) -> tuple[str, ...]:
    peers: list[str] = []
    for item in split_list(value):
        owner, _, name = item.partition("/")
        if not (_OWNER.match(owner) and _NAME.match(name) and name not in (".", "..")):
            raise UsageError(
                f"Input 'peer-repos': '{item}' is not a repository name of the form owner/name"
            )
        if repository and item.lower() == repository.lower():
            raise UsageError(
                f"Input 'peer-repos' lists this repository ({item}) itself; "
                "list the other repositories that keep a copy"
            )
        if item.lower() not in (p.lower() for p in peers):
            peers.append(item)
    if required and not peers:
        raise UsageError("Input 'peer-repos' is required: one or more owner/name")
    return tuple(peers)


def ref_name(value: str, name: str) -> str | None:
    """A branch or tag name git would accept (check-ref-format rules)."""
    if not value:
        return None
    bad = (
        _REF_BAD.search(value)
        or value.startswith(("-", "/", "."))
        or value.endswith(("/", "."))
        or value == "@"
    )
    if bad:
        raise UsageError(f"Input '{name}': '{value}' is not a valid git branch, tag or SHA")
    return value


def workspace_path(workspace: Path, value: str, name: str, *, must_exist: bool = False) -> str:
    """A path inside the workspace, normalised: relative, forward slashes, no `./`."""
    if not value:
        raise UsageError(f"Input '{name}' must not be empty")
    candidate = Path(value) if os.path.isabs(value) else workspace / value
    root = workspace.resolve()
    resolved = candidate.resolve()
    normal = os.path.normpath(
        os.path.relpath(os.path.abspath(candidate), os.path.abspath(workspace))
    )
    if (resolved != root and root not in resolved.parents) or normal.startswith(".."):
        raise UsageError(f"Input '{name}': '{value}' is outside the workspace")
    if must_exist and not candidate.exists():
        raise UsageError(f"Input '{name}': '{value}' does not exist in the workspace")
    return PurePosixPath(*Path(normal).parts).as_posix()


def repo_path(value: str, name: str) -> str:
    """A path inside a peer repository: relative, no `..`, forward slashes."""
    parts = [p for p in value.replace("\\", "/").split("/") if p not in ("", ".")]
    if value.startswith("/") or not parts or ".." in parts:
        raise UsageError(f"Input '{name}': '{value}' must be a relative path inside the repository")
    return "/".join(parts)


def _workspace(env: Mapping[str, str]) -> Path:
    path = Path(env.get("GITHUB_WORKSPACE") or os.getcwd())
    if not path.is_dir():
        raise UsageError(f"The workspace '{path}' does not exist (GITHUB_WORKSPACE)")
    return path


def _peer_dir(value: str) -> Path:
    path = Path(value).expanduser()
    if not path.is_dir():
        raise UsageError(f"--peer-dir: '{value}' is not a directory")
    return path.resolve()


def _spec_schema(workspace: Path, value: str) -> tuple[dict[str, Any] | None, str | None]:
    """A user's JSON Schema from the workspace."""
    if not value:
        return None, None
    rel = workspace_path(workspace, value, "spec-schema", must_exist=True)
    # Imported here: validation brings YAML and the schema machinery, which `--help` and
    # a run without `spec-schema` never need (100 ms of the command's start).
    from sync_action.spec.validation import load_schema_file

    return load_schema_file(str(workspace / rel), rel), rel


def debug_enabled(env: Mapping[str, str]) -> bool:
    """The runner sets RUNNER_DEBUG=1 when a run is re-run with debug logging."""
    return env.get("RUNNER_DEBUG") == "1" or env.get("SCHEMA_SYNC_DEBUG") == "1"


def _ignore(value: str) -> tuple[str, ...]:
    patterns = tuple(split_list(value))
    for pattern in patterns:
        if any(not step for step in pattern.split(".")):
            raise UsageError(
                f"Input 'ignore': '{pattern}' is not a dotted path like "
                "tables.*.fields.*.description"
            )
    return patterns


def _app(app_id: str, key: str) -> tuple[str | None, str | None]:
    if bool(app_id) != bool(key.strip()):
        raise UsageError("Inputs 'app-id' and 'app-private-key' go together: set both or neither")
    if app_id and not app_id.isdigit():
        raise UsageError(f"Input 'app-id' must be the GitHub App's numeric id, got '{app_id}'")
    return (app_id or None), (key or None)


def _writable(value: str, name: str) -> Path | None:
    if not value:
        return None
    path = Path(value)
    try:
        with path.open("a", encoding="utf-8"):
            pass
    except OSError as exc:
        raise UsageError(f"{name} is not writable: {value} ({exc.strerror})") from None
    return path
