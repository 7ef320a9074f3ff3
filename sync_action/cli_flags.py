"""Which inputs each subcommand offers as flags, and what each flag's help says.

A subcommand offers exactly the inputs its mode reads, so `schema-sync drift --help`
lists what matters to a drift check and nothing of sync's pull requests. Every help
text says what the flag does and its default, in words a terminal user can act on.
"""

from __future__ import annotations

import argparse

from sync_action.settings.config import DEFAULTS

# What every mode that runs on a spec reads.
_COMMON = ("schema-path", "report-path", "spec-schema", "fail-on", "dry-run", "disabled")
# What a mode that reads other repositories through GitHub's API reads.
_GITHUB = ("token", "comment-token", "app-id", "token-expiry-days")

SUBCOMMAND_INPUTS: dict[str, tuple[str, ...]] = {
    "drift": (
        "peer-repos",
        "peer-path",
        "peer-ref",
        "role",
        *_COMMON,
        "fail-on-drift",
        "comment",
        "require-version-bump",
        "version-policy",
        "ignore",
        "sync-branch",
        *_GITHUB,
        "impact",
        "impact-paths",
    ),
    "sync": (
        "peer-repos",
        "peer-path",
        *_COMMON,
        "require-version-bump",
        "version-policy",
        "force-sync",
        "base-branch",
        "sync-branch",
        "labels",
        "safe-labels",
        "breaking-labels",
        "reviewers",
        "team-reviewers",
        "assignees",
        "pr-title",
        *_GITHUB,
    ),
    "status": (
        "peer-repos",
        "peer-path",
        *_COMMON,
        "ignore",
        "sync-branch",
        "max-pr-age",
        "sync-workflow",
        "dashboard",
        *_GITHUB,
    ),
    "airtable": (
        *_COMMON,
        "fail-on-drift",
        "comment",
        "airtable-base-id",
        "airtable-token",
        "airtable-api-url",
        "token",
    ),
}
# Inputs that are no flag: the subcommand is the mode; the key is read from a file
# (`--app-private-key-file`), never typed on a command line.
NOT_FLAGS = ("mode", "app-private-key")
BOOLEAN_INPUTS = frozenset(
    {"fail-on-drift", "comment", "force-sync", "disabled", "dry-run", "require-version-bump"}
    | {"dashboard", "impact"}
)

# input -> (what the flag does, its default when the input's own default is empty).
HELP: dict[str, tuple[str, str]] = {
    "impact": ("scan the workspace for the code that uses each changed table and field", ""),
    "impact-paths": (
        "globs of the files the impact scan reads, as .gitignore lines",
        "every file",
    ),
    "schema-path": ("this repository's schema file, relative to the current directory", ""),
    "peer-repos": (
        "the peers as owner/name, comma- or newline-separated",
        "none; required unless --peer-dir names the checkouts",
    ),
    "peer-path": ("the file's path inside the peers", "the --schema-path value"),
    "peer-ref": ("the peers' branch, tag or commit to compare with", "each peer's default branch"),
    "role": (
        "which side this repository is: source, consumer, or auto (a consumer when the "
        "spec's owner_repo names one of --peer-repos)",
        "",
    ),
    "token": (
        "token for GitHub's REST API",
        "GITHUB_TOKEN, else GH_TOKEN, from the environment; no token is needed with --peer-dir",
    ),
    "comment-token": (
        "token for what is written in this repository (the pull request comment, the "
        "dashboard issue) and for reading its history",
        "the --token value",
    ),
    "app-id": (
        "authenticate as this GitHub App (numeric id), with --app-private-key-file",
        "none: --token is used",
    ),
    "token-expiry-days": ("warn (token-expiring) when the token expires within this many days", ""),
    "fail-on-drift": ("exit 1 when a peer differs or lacks the file; false only warns", ""),
    "fail-on": (
        "comma-separated conditions that exit 1 (every other finding warns): drift, edited, "
        "behind, breaking, version-not-bumped, version-too-small, updated-at-unchanged, "
        "token-expiring, or never",
        "what --fail-on-drift says",
    ),
    "comment": (
        "on a pull request event (GITHUB_EVENT_PATH), keep one sticky comment on the pull request",
        "",
    ),
    "report-path": ("where the JSON report is written, relative to the current directory", ""),
    "spec-schema": (
        "a JSON Schema (JSON or YAML) the schema file must satisfy",
        "the built-in schema for Airtable specs",
    ),
    "dry-run": ("compute, report and print everything, but write nothing remote", ""),
    "disabled": ("do nothing, say so and exit 0 (as SCHEMA_SYNC_DISABLED=true does)", ""),
    "require-version-bump": (
        "different content under the same spec version is the finding version-not-bumped; "
        "false is --version-policy none",
        "",
    ),
    "version-policy": (
        "how the spec version must move with the content: bump, semver or none",
        "",
    ),
    "ignore": (
        "dotted paths with * wildcards left out of the comparison, e.g. "
        "tables.*.fields.*.description",
        "none",
    ),
    "sync-branch": (
        "the consumers' sync branch, where the sync pull request lives",
        "schema-sync/ plus --peer-path, each character other than letters, digits, _ and "
        "- turned into -: schema-sync/schema-AIRTABLE_SPEC-yaml for the default path",
    ),
    "force-sync": (
        "rebuild the sync branch from the base and refresh the pull request's title, body "
        "and labels even when nothing changed",
        "",
    ),
    "base-branch": ("the branch the sync pull request targets", "each consumer's default branch"),
    "labels": ("labels always put on the sync pull request (created when missing)", ""),
    "safe-labels": ("labels put on the sync pull request while no change is breaking", ""),
    "breaking-labels": ("labels put on the sync pull request while a change is breaking", ""),
    "reviewers": ("users asked to review the sync pull request, comma-separated", "none"),
    "team-reviewers": ("teams (slugs) asked to review the sync pull request", "none"),
    "assignees": ("users assigned to the sync pull request, comma-separated", "none"),
    "pr-title": (
        "the sync pull request's title; {path} {source} {version} {sha} are filled in",
        "",
    ),
    "max-pr-age": ("days after which an open sync pull request is stale-pr", ""),
    "sync-workflow": (
        "file name of this repository's sync workflow, whose failed runs over 90 days are counted",
        "none: not counted",
    ),
    "dashboard": (
        "keep one issue in this repository, 'Schema sync dashboard', with the report",
        "",
    ),
    "airtable-base-id": (
        "the Airtable base: app and 14 letters or digits",
        "AIRTABLE_BASE_ID from the environment",
    ),
    "airtable-token": (
        "a personal access token with schema.bases:read (the environment is the safer place)",
        "AIRTABLE_API_KEY from the environment",
    ),
    "airtable-api-url": ("the Airtable API's base URL (a proxy or a test server)", ""),
}
# Where a mode reads an input differently, its help says so.
MODE_HELP: dict[tuple[str, str], tuple[str, str]] = {
    ("drift", "peer-repos"): (
        "the repositories to compare with, owner/name, comma- or newline-separated",
        HELP["peer-repos"][1],
    ),
    ("sync", "peer-repos"): (
        "the consumers that receive the file, owner/name, comma- or newline-separated",
        HELP["peer-repos"][1],
    ),
    ("status", "peer-repos"): (
        "the consumers to report on, owner/name, comma- or newline-separated",
        HELP["peer-repos"][1],
    ),
    ("drift", "sync-branch"): (
        "the consumers' sync branch, where the open sync pull request is looked for",
        HELP["sync-branch"][1],
    ),
    ("sync", "fail-on"): (
        "conditions that exit 1 besides a refused consumer: token-expiring, or never",
        "none",
    ),
    ("status", "fail-on"): (
        "comma-separated conditions that exit 1 (every other finding warns): drift (a "
        "consumer lacks the file), behind, edited, stale-pr, token-expiring, or never",
        "none: every finding warns",
    ),
    ("airtable", "fail-on"): (
        "conditions that exit 1: drift (the base differs from the spec), breaking, or never",
        "what --fail-on-drift says",
    ),
    ("airtable", "fail-on-drift"): ("exit 1 when the base differs from the spec", ""),
    ("airtable", "token"): (
        "token for GitHub's REST API, used only for the pull request comment",
        HELP["token"][1].split(";")[0],
    ),
    ("drift", "comment-token"): (
        "token for the pull request comment in this repository and for reading its history",
        "the --token value",
    ),
    ("sync", "comment-token"): (
        "token for reading this repository's history (the source's pull requests)",
        "the --token value",
    ),
    ("status", "comment-token"): (
        "token for this repository: the dashboard issue, the sync workflow's runs, the history",
        "the --token value",
    ),
}


def help_text(mode: str, name: str) -> str:
    """What the flag does, then its default: the input's own, or what empty means."""
    what, empty = MODE_HELP.get((mode, name), HELP[name])
    return f"{what} (default: {DEFAULTS[name] or empty})"


def add_input_flags(sub: argparse.ArgumentParser, mode: str) -> None:
    """The flags of `mode`'s inputs, in the order the subcommand lists them."""
    for name in SUBCOMMAND_INPUTS[mode]:
        text = help_text(mode, name)
        if name in BOOLEAN_INPUTS:
            sub.add_argument(f"--{name}", nargs="?", const="true", metavar="BOOL", help=text)
        else:
            sub.add_argument(f"--{name}", metavar="VALUE", help=text)
    if "app-id" in SUBCOMMAND_INPUTS[mode]:
        sub.add_argument(
            "--app-private-key-file",
            metavar="PATH",
            help="the GitHub App's private key, a PEM file (default: none: --token is used)",
        )
