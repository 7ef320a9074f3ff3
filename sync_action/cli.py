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
from sync_action.cli_flags import add_input_flags
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
        allow_abbrev=False,
    )
    parser.add_argument("--version", action="version", version=f"schema-sync {__version__}")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    for mode in ("drift", "sync", "airtable", "status"):
        sub = commands.add_parser(
            mode, help=MODES_HELP[mode], description=MODES_HELP[mode], allow_abbrev=False
        )
        if mode == "airtable":
            sub.add_argument(
                "file",
                nargs="?",
                metavar="FILE",
                help="the spec (default: the --schema-path value)",
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
                "its origin remote) (default: none: the GitHub API is used)",
            )
        add_input_flags(sub, mode)
    diff = commands.add_parser(
        "diff", help=MODES_HELP["diff"], description=MODES_HELP["diff"], allow_abbrev=False
    )
    diff.add_argument("old", help="one copy: the consumer's, unless --role source")
    diff.add_argument("new", help="the other copy: the source's, unless --role source")
    diff.add_argument(
        "--role",
        choices=("consumer", "source"),
        default="consumer",
        help="the role of OLD's side: consumer (changes read OLD -> NEW) or source "
        "(changes read NEW -> OLD, toward the source) (default: consumer)",
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
        "validate",
        help=MODES_HELP["validate"],
        description=MODES_HELP["validate"],
        allow_abbrev=False,
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
    from sync_action.settings.list_inputs import split_list
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
    sub = commands.add_parser(
        "impact", help=MODES_HELP["impact"], description=MODES_HELP["impact"], allow_abbrev=False
    )
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
    from sync_action.settings.typed_inputs import impact_paths
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
