"""Container entrypoint of the schema-sync action.

It only hands over to the `sync_action` package, which reads the runner's
environment (`INPUT_*`, `GITHUB_*`) and returns the contract's exit code.
"""

from sync_action.cli import run_action

if __name__ == "__main__":
    raise SystemExit(run_action())
