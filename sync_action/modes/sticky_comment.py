"""The one sticky pull request comment per marker, kept the same way in every mode.

Found again by its hidden marker (among the comments of the commenting account),
created only when there is something to say, and edited only when its content
changed: the footer's commit and run link alone are no news worth an edit.
"""

from __future__ import annotations

from sync_action.core.errors import EXIT_OK, Forbidden, RemoteError
from sync_action.core.hosting import Hosting
from sync_action.core.runner import Runner
from sync_action.settings.config import Config

FOOTER = "<sub>schema-sync"


def wanted(cfg: Config) -> bool:
    """Whether this run keeps a comment: on a pull request, through the API, not a dry run."""
    return (
        cfg.comment
        and not cfg.dry_run
        and cfg.uses_api
        and cfg.pr_number is not None
        and bool(cfg.repository)
    )


def without_footer(body: str) -> str:
    return body.rsplit(FOOTER, 1)[0]


def upsert(
    cfg: Config, host: Hosting, runner: Runner, tag: str, body: str, *, worth_saying: bool
) -> int:
    """Create (when `worth_saying`) or edit the comment that `tag` marks; return the exit code.

    A token that may not comment (a fork's) only warns, pointing at the step summary;
    any other remote failure is an `::error` and its exit code."""
    assert cfg.pr_number is not None
    try:
        existing = host.find_comment(cfg.repository, cfg.pr_number, tag)
        if existing is None:
            if worth_saying:
                host.create_comment(cfg.repository, cfg.pr_number, body)
        elif without_footer(existing.body) != without_footer(body):
            host.edit_comment(cfg.repository, existing.id, body)
    except Forbidden as exc:
        runner.warning(
            f"Could not comment on pull request #{cfg.pr_number} ({exc.message}); "
            "the report is in the step summary instead. A pull request from a fork gets a "
            "read-only token.",
            title="No permission to comment",
        )
    except RemoteError as exc:
        runner.error(
            f"Could not update the pull request comment: {exc.message}", title="Comment not updated"
        )
        return exc.exit_code
    return EXIT_OK
