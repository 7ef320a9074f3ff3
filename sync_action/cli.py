"""`schema-sync` on the command line, and the action's entry on the runner.

Both go through `_guarded`, the one error boundary: a known error becomes one
`::error` (or `error:` in a terminal) and the contract's exit code; anything
else is reported in one line too, never as a traceback unless debugging.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from pathlib import Path

from sync_action import __version__
from sync_action.core.errors import (
    EXIT_DRIFT,
    EXIT_OK,
    EXIT_REMOTE,
    ActionError,
    SpecError,
    UsageError,
)
from sync_action.core.runner import Runner
from sync_action.core.vocabulary import Status
from sync_action.settings.config import DEFAULTS, debug_enabled

MODES_HELP = {
    "drift": "compare this repository's file with each peer's copy and write the drift report",
    "sync": "put this repository's file on the sync branch of each consumer (a PR on GitHub)",
    "diff": "show the semantic changes from the consumer's copy to the source's (OLD to NEW)",
    "validate": "check that spec files are well formed and valid",
    "airtable": "compare a spec with the live Airtable base's schema (Metadata API)",
    "status": "report every consumer's state: in sync, behind, edited or missing, and its "
    "sync pull request",
    "impact": "show where the code under --root uses what changes from OLD to NEW",
}
BOTH = ("drift", "sync")
ALL = ("drift", "sync", "airtable")
# Each input as a flag: the subcommands it means something in, and its help.
FLAGS: dict[str, tuple[tuple[str, ...], str]] = {
    "schema-path": (ALL, "this repository's schema file, relative to the workspace"),
    "peer-repos": (BOTH, "the peers, owner/name, comma- or newline-separated"),
    "peer-path": (BOTH, "the file's path inside the peers (default: --schema-path)"),
    "peer-ref": (("drift",), "the peer's branch, tag or commit (default: its default branch)"),
    "token": (
        ALL,
        "token for the GitHub REST API (default: GITHUB_TOKEN, else GH_TOKEN, from the "
        "environment); never needed with --peer-dir",
    ),
    "role": (("drift",), "source, consumer or auto (from the spec's owner_repo)"),
    "fail-on-drift": (("drift", "airtable"), "exit 1 when any peer drifted or lacks the file"),
    "fail-on": (ALL, "conditions that exit 1, e.g. drift,version-too-small (or never)"),
    "comment": (("drift", "airtable"), "on a pull request event, keep one sticky comment on it"),
    "report-path": (ALL, "where the JSON report is written, relative to the workspace"),
    "force-sync": (("sync",), "rebuild the sync branch and refresh the pull request"),
    "disabled": (ALL, "do nothing, say so, exit 0"),
    "base-branch": (("sync",), "the branch the pull request targets (default: the peer's)"),
    "sync-branch": (("sync",), "the sync branch (default: schema-sync/<peer-path slug>)"),
    "labels": (("sync",), "labels put on the sync pull request"),
    "pr-title": (("sync",), "the pull request title; {path} {source} {version} {sha} filled in"),
    "dry-run": (ALL, "compute, report and print everything; write nothing remote"),
    "require-version-bump": (BOTH, "different content under the same spec version is a finding"),
    "version-policy": (BOTH, "bump, semver or none: how the version must move with the content"),
    "spec-schema": (ALL, "a JSON Schema the file must satisfy (default: the built-in one)"),
    "ignore": (BOTH, "dotted paths with * wildcards left out of drift"),
    "app-id": (BOTH, "authenticate as this GitHub App (with --app-private-key-file)"),
    "airtable-base-id": (
        ("airtable",),
        "the base, app + 14 letters or digits (default: AIRTABLE_BASE_ID from the environment)",
    ),
    "airtable-token": (
        ("airtable",),
        "a personal access token with schema.bases:read "
        "(default, and better: AIRTABLE_API_KEY from the environment)",
    ),
    "airtable-api-url": (("airtable",), "the Airtable API's base URL"),
    "impact": (
        ("drift",),
        "scan the workspace for the code that uses each changed table and field",
    ),
    "impact-paths": (("drift",), "globs of the files the impact scan reads (gitignore lines)"),
}
NOT_FLAGS = ("mode", "app-private-key")  # the subcommand is the mode; the key comes from a file
BOOLEAN_INPUTS = (
    "fail-on-drift",
    "comment",
    "force-sync",
    "disabled",
    "dry-run",
    "require-version-bump",
    "dashboard",
    "impact",
)


def run_action(env: Mapping[str, str] | None = None) -> int:
    """The Docker entrypoint: inputs from `INPUT_*`, workflow commands on stdout."""
    from sync_action.settings import config

    env = os.environ if env is None else env
    inputs = config.inputs_from_env(env)
    secrets = [
        inputs["token"],
        inputs["app-private-key"],
        inputs["comment-token"],
        inputs["airtable-token"],
    ]
    runner = Runner(on_runner=True, secrets=secrets)
    return _guarded(runner, env, lambda: _run(inputs, env, runner, ()))


def _run(
    inputs: Mapping[str, str], env: Mapping[str, str], runner: Runner, peer_dirs: Sequence[str]
) -> int:
    from sync_action import action
    from sync_action.settings import config

    if config.is_disabled(inputs, env):
        runner.output_file = config.output_file(env)
        runner.set_output("sync-status", Status.DISABLED)
        runner.notice(
            "schema-sync is disabled (the 'disabled' input or SCHEMA_SYNC_DISABLED); "
            "nothing was checked or written.",
            title="Disabled",
        )
        return EXIT_OK
    cfg = config.load(inputs, env, peer_dirs=peer_dirs, on_runner=runner.on_runner)
    for secret in cfg.secrets:
        runner.add_secret(secret)
    runner.output_file, runner.summary_file = cfg.output_file, cfg.summary_file
    return action.execute(cfg, runner)


def _guarded(runner: Runner, env: Mapping[str, str], work: Callable[[], int]) -> int:
    try:
        return work()
    except ActionError as exc:
        runner.error(exc.message, title=exc.title, file=exc.file, line=exc.line)
        return exc.exit_code
    except KeyboardInterrupt:
        runner.error("Interrupted")
        return 130
    except Exception as exc:  # the boundary: report a bug in one line, not a traceback
        if debug_enabled(env):
            runner.log(traceback.format_exc())
        runner.error(
            f"Unexpected {type(exc).__name__}: {exc}. Re-run with debug logging "
            "(RUNNER_DEBUG=1) for details, and report it.",
            title="schema-sync internal error",
        )
        return EXIT_REMOTE


# --- command line ------------------------------------------------------------


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="schema-sync",
        description="Keep one schema file identical across repositories.",
    )
    parser.add_argument("--version", action="version", version=f"schema-sync {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mode in ("drift", "sync", "airtable", "status"):
        sub = commands.add_parser(mode, help=MODES_HELP[mode], description=MODES_HELP[mode])
        if mode == "airtable":
            sub.add_argument(
                "file",
                nargs="?",
                metavar="FILE",
                help="the spec (default: --schema-path); the token comes from AIRTABLE_API_KEY",
            )
            sub.set_defaults(peer_dir=[])
        else:
            sub.add_argument(
                "--peer-dir",
                action="append",
                default=[],
                metavar="PATH",
                help="a local git checkout of a peer, instead of the GitHub API "
                "(repeatable; named by --peer-repos in the same order, or from "
                "its origin remote)",
            )
        for name, default in DEFAULTS.items():
            modes, text = FLAGS.get(name, (BOTH, f"the action's `{name}` input"))
            if name in NOT_FLAGS or mode not in modes:
                continue
            shown = f" (default: {default})" if default else ""
            if name in BOOLEAN_INPUTS:
                sub.add_argument(
                    f"--{name}", nargs="?", const="true", metavar="BOOL", help=text + shown
                )
            else:
                sub.add_argument(f"--{name}", metavar="VALUE", help=text + shown)
        if mode != "airtable":
            sub.add_argument(
                "--app-private-key-file",
                metavar="PATH",
                help="the GitHub App's private key (PEM file)",
            )
    diff = commands.add_parser("diff", help=MODES_HELP["diff"], description=MODES_HELP["diff"])
    diff.add_argument("old", help="one copy: the consumer's, unless --role source")
    diff.add_argument("new", help="the other copy: the source's, unless --role source")
    diff.add_argument(
        "--role",
        choices=("consumer", "source"),
        default="consumer",
        help="the role of OLD's side: consumer (default; changes read OLD -> NEW) or "
        "source (changes read NEW -> OLD, toward the source)",
    )
    diff.add_argument(
        "--format",
        choices=("text", "json", "markdown"),
        default="text",
        help="how the changes are printed (default: text)",
    )
    diff.add_argument(
        "--ignore", default="", help="dotted paths with * wildcards to leave out (default: none)"
    )
    diff.epilog = "Exit status: 0 no changes, 1 changes, 2 bad input (as diff(1))."
    validate = commands.add_parser(
        "validate", help=MODES_HELP["validate"], description=MODES_HELP["validate"]
    )
    _impact_parser(commands)
    validate.add_argument("files", nargs="+", metavar="FILE", help="the spec files to check")
    validate.add_argument(
        "--spec-schema",
        metavar="PATH",
        help="a JSON Schema (JSON or YAML) the files must satisfy (default: the built-in "
        "schema for Airtable specs; other files only have to parse)",
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    env = os.environ
    runner = Runner(on_runner=env.get("GITHUB_ACTIONS") == "true")
    if args.command == "diff":
        return _guarded(runner, env, lambda: _diff(args))
    if args.command == "validate":
        return _guarded(runner, env, lambda: _validate(args, runner))
    if args.command == "impact":
        return _guarded(runner, env, lambda: _impact(args))
    inputs = {name: getattr(args, name.replace("-", "_"), None) or "" for name in DEFAULTS}
    inputs.update(mode=args.command, **{"app-private-key": ""})
    inputs["mode"] = args.command
    if getattr(args, "file", None):
        inputs["schema-path"] = args.file
    if getattr(args, "app_private_key_file", None):
        inputs["app-private-key"] = _read_key(args.app_private_key_file)
    secrets = ("token", "app-private-key", "comment-token", "airtable-token")
    for secret in (inputs[name] for name in secrets):
        runner.add_secret(secret)
    return _guarded(runner, env, lambda: _run(inputs, env, runner, args.peer_dir))


def _read_key(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except OSError as exc:
        raise UsageError(f"--app-private-key-file: cannot read {path} ({exc.strerror})") from None


def _diff(args: argparse.Namespace) -> int:
    from sync_action.engine import diff
    from sync_action.settings.pr_inputs import split_list
    from sync_action.spec import model

    old = model.load_file(Path(args.old), args.old)
    new = model.load_file(Path(args.new), args.new)
    if args.role == "source":  # every change reads from the consumer's copy to the source's
        old, new = new, old
    changes, ignored = diff.split_ignored(
        diff.diff_documents(old.data, new.data), split_list(args.ignore)
    )
    if args.format == "json":
        print(
            json.dumps(
                {
                    "old": old.metadata(),
                    "new": new.metadata(),
                    "identical": old.raw == new.raw,
                    "breaking": any(c.breaking for c in changes),
                    "changes": [c.to_json() for c in changes],
                    "ignored": [c.to_json() for c in ignored],
                },
                indent=2,
                ensure_ascii=False,
                default=str,
            )
        )
    elif args.format == "markdown":
        from sync_action.texts import changelist

        text, _ = changelist.render(
            [c.to_json() for c in changes], [new.data, old.data], changelist.UNLIMITED
        )
        print(text if changes else "No semantic changes.")
    else:
        for c in changes:
            mark = "BREAKING " if c.breaking else ""
            print(f"{mark}{c.kind:8} {c.path}: {_short(c.before)} -> {_short(c.after)}")
        print(f"{len(changes)} change(s), {sum(c.breaking for c in changes)} breaking")
    return EXIT_DRIFT if changes else EXIT_OK  # like diff(1): 0 the same, 1 different


def _impact_parser(commands: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    sub = commands.add_parser("impact", help=MODES_HELP["impact"], description=MODES_HELP["impact"])
    sub.add_argument("old", help="the consumer's copy (what the code was written for)")
    sub.add_argument("new", help="the source's copy (what the code must handle)")
    sub.add_argument("--root", default=".", metavar="DIR", help="the checkout to scan (default: .)")
    sub.add_argument(
        "--impact-paths",
        default="",
        metavar="GLOBS",
        help="globs of the files to read, as .gitignore lines (default: every file)",
    )
    sub.epilog = "Prints path:line: change, one line per use; exit status 0 (2 bad input)."


def _impact(args: argparse.Namespace) -> int:
    """One line per use: `path:line: Table › Field (id): change`."""
    from sync_action.engine import diff, impact, usages
    from sync_action.settings.input_values import impact_paths
    from sync_action.spec import model
    from sync_action.texts.usage_words import plain

    old = model.load_file(Path(args.old), args.old)
    new = model.load_file(Path(args.new), args.new)
    root = Path(args.root)
    if not root.is_dir():
        raise UsageError(f"--root: '{args.root}' is not a directory")
    docs = [new.data, old.data]
    changes = diff.diff_documents(old.data, new.data)
    wanted = usages.targets((c, docs) for c in changes)
    found = impact.scan(root, list(wanted.values()), paths=impact_paths(args.impact_paths))
    skip = {_relative(root, Path(name)) for name in (args.old, args.new)}
    lines = [
        (str(use["path"]), int(use["line"]), plain(item.to_json(), docs))
        for item in (usages.with_uses(c, docs, found) for c in changes)
        for use in item.usages or ()
        if use["path"] not in skip
    ]
    for path, line, words in sorted(dict.fromkeys(lines)):
        print(f"{path}:{line}: {words}")
    return EXIT_OK


def _relative(root: Path, path: Path) -> str:
    """A spec file's path as the scan names files under `root` ("" when outside it)."""
    try:
        return path.resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return ""


def _short(value: object) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:59] + "…"


def _validate(args: argparse.Namespace, runner: Runner) -> int:
    from sync_action.spec import model, validation

    schema = validation.load_schema_file(args.spec_schema) if args.spec_schema else None
    failed: SpecError | None = None
    for name in args.files:
        try:
            loaded = model.load_file(Path(name), name)
            validation.validate(loaded, schema)
        except SpecError as exc:
            for line in exc.message.splitlines():
                runner.error(line, title=exc.title, file=exc.file, line=exc.line)
            failed = exc
            continue
        runner.log(
            f"{name}: valid (version {loaded.version}, {loaded.table_count} tables, "
            f"{loaded.field_count} fields)"
            if loaded.is_airtable
            else f"{name}: valid"
        )
    return failed.exit_code if failed else EXIT_OK


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
