"""The sync pull request's "Why it changed": the source pull requests behind the change,
each linked with its title and author, and its migration notes quoted.

Text from GitHub never notifies anyone: an `@` is followed by U+200B (a zero-width space), so
a title, an author's login or a note names people without mentioning them.
"""

from __future__ import annotations

from collections.abc import Sequence

from sync_action.core.hosting import SourcePull
from sync_action.engine.migration_notes import MigrationNotes
from sync_action.texts.sentences import escape, quiet


def section(
    pulls: Sequence[tuple[SourcePull, MigrationNotes | None]], commits: int, failure: str = ""
) -> str:
    """Markdown for the body; "" when nothing is known and nothing went wrong."""
    if not pulls and not failure:
        return ""
    lines = ["#### Why it changed", ""]
    if pulls:
        many = f"the last {commits} changes" if commits > 1 else "the change"
        lines += [f"The source pull requests behind {many} to the file, newest first:", ""]
    for pull, notes in pulls:
        title = escape(pull.title) or f"#{pull.number}"
        author = f" by {escape(pull.author)}" if pull.author else ""
        lines.append(f"- [#{pull.number} {title}]({pull.url}){author}")
        if notes is not None:
            lines += _quoted(notes, pull)
    if failure:
        lines.append(f"- The source's pull requests could not all be read: {quiet(failure)}")
    return "\n".join(lines) + "\n\n"


def _quoted(notes: MigrationNotes, pull: SourcePull) -> list[str]:
    """The notes as a quote under the pull request, cut ones ending with a link to the rest."""
    body = [f"  > **{escape(notes.heading)}**", "  >"]
    body += [f"  > {quiet(line)}".rstrip() for line in notes.text.split("\n")]
    if notes.truncated:
        body += ["  >", f"  > … [the rest in #{pull.number}]({pull.url})"]
    return body
