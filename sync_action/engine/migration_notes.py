"""The migration notes of a source pull request, carried into the sync pull request.

A pull request's description is Markdown; its notes are the section under the first
heading whose text contains "migration" (any case), up to the next heading of the
same or a higher level. Headings are ATX (``#`` to ``######`` after at most three
spaces) and setext (a paragraph underlined with ``===``, level 1, or ``---``, level 2);
lines inside fenced code blocks (``` or ~~~) are never headings. HTML comments (a pull
request template's hidden guidance, often with headings of its own) are removed first,
as the rendered description does not show them. Nothing else of the
description is copied, and the notes are cut to 2,000 characters at a line or word
boundary, so that a long description cannot fill the sync pull request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

MAX_CHARS = 2000
KEYWORD = "migration"

_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)[ \t]*$")
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_HTML_COMMENT = re.compile(r"<!--[\s\S]*?-->")


@dataclass(frozen=True)
class MigrationNotes:
    """The section found: its heading's text, its body, and whether the body was cut."""

    heading: str
    text: str
    truncated: bool


@dataclass(frozen=True)
class _Heading:
    start: int  # first line of the heading (a setext heading's text)
    end: int  # the line after it
    level: int
    text: str


def migration_notes(description: str | None, limit: int = MAX_CHARS) -> MigrationNotes | None:
    """The description's migration section, or None when it has none or it is empty."""
    if not description:
        return None
    shown = _HTML_COMMENT.sub("", description.replace("\r\n", "\n").replace("\r", "\n"))
    lines = shown.split("\n")
    headings = _headings(lines)
    for index, heading in enumerate(headings):
        if KEYWORD in heading.text.lower():
            stop = next(
                (later.start for later in headings[index + 1 :] if later.level <= heading.level),
                len(lines),
            )
            body = _body(lines[heading.end : stop])
            if not body:
                return None
            text, truncated = _cut(body, limit)
            return MigrationNotes(heading.text, text, truncated)
    return None


def _body(lines: list[str]) -> str:
    """The section's lines without the blank lines around them."""
    while lines and not lines[0].strip():
        lines = lines[1:]
    return "\n".join(lines).rstrip()


def _headings(lines: list[str]) -> list[_Heading]:
    """Every heading outside fenced code, in order."""
    found: list[_Heading] = []
    fence: str | None = None  # the opening fence while inside a fenced block
    paragraph: int | None = None  # where the current paragraph began
    for number, line in enumerate(lines):
        if fence is not None:
            if _closes(line, fence):
                fence = None
            continue
        opening = _FENCE.match(line)
        atx = _ATX.match(line)
        underline = _SETEXT.match(line)
        if opening:
            fence, paragraph = opening.group(1), None
        elif atx:
            text = (atx.group(2) or "").strip()
            found.append(_Heading(number, number + 1, len(atx.group(1)), text))
            paragraph = None
        elif underline and paragraph is not None:
            level = 1 if underline.group(1)[0] == "=" else 2
            text = " ".join(part.strip() for part in lines[paragraph:number])
            found.append(_Heading(paragraph, number + 1, level, text))
            paragraph = None
        elif not line.strip() or (underline and line.strip()[0] == "-"):
            paragraph = None  # a blank line, or `---` as a thematic break
        elif paragraph is None:
            paragraph = number
    return found


def _closes(line: str, fence: str) -> bool:
    """Whether a line closes a fenced block: the same character, at least as many."""
    closing = _FENCE.match(line)
    return bool(
        closing
        and closing.group(1)[0] == fence[0]
        and len(closing.group(1)) >= len(fence)
        and not line.strip().strip(fence[0])
    )


def _cut(text: str, limit: int) -> tuple[str, bool]:
    """At most ``limit`` characters, cut at the last line break, else the last space.

    A line break is used when it keeps at least half of the room; a code block left
    open by the cut is closed, so the quote that follows renders as the author wrote it.
    """
    if len(text) <= limit:
        return text, False
    cut = _cut_point(text, limit)
    fence = _open_fence(text[:cut])
    if fence is not None:
        cut = _cut_point(text, limit - len(fence) - 1)
        fence = _open_fence(text[:cut])
    kept = text[:cut].rstrip()
    return (kept + "\n" + fence if fence else kept), True


def _cut_point(text: str, limit: int) -> int:
    window = text[: limit + 1]  # a break right after the limit still counts
    line = window.rfind("\n")
    if line >= limit // 2:
        return line
    space = max(window.rfind(" "), window.rfind("\t"))
    return space if space > 0 else limit


def _open_fence(text: str) -> str | None:
    """The fence still open at the end of ``text``, if any."""
    fence: str | None = None
    for line in text.split("\n"):
        if fence is None:
            opening = _FENCE.match(line)
            fence = opening.group(1) if opening else None
        elif _closes(line, fence):
            fence = None
    return fence
