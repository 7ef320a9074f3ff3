"""`python -m sync_action` is the same as the `schema-sync` command."""

from sync_action.cli import main

raise SystemExit(main())
