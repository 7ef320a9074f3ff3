"""Where the code uses a change, in words: the places after a change's sentence, the
verdict's count, and the plain-text sentence of annotations and the command line.

A place is shown as its `path:line` in a code span (a path never @mentions anyone),
linked to the file at the head commit; a change used in many places shows the first
few and says how many more the report lists.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import quote

from sync_action.texts.sentences import ChangeData, code, sentence

SHOWN = 5  # places shown after a change; the rest are counted
_ESCAPED = re.compile(r"\\(.)")


def blob(server: str, repository: str, sha: str) -> str:
    """`{server}/{repository}/blob/{sha}`, where uses link to; "" (unlinked) off GitHub."""
    return f"{server}/{repository}/blob/{sha}" if sha and "/" in repository else ""


def where(change: ChangeData, blob: str | None) -> str:
    """`; used in [`src/a.ts:3`](…#L3), …`, or "" (no uses, or `blob` None: not shown).

    `blob` is `{server}/{repository}/blob/{sha}`; "" shows the places unlinked."""
    found = change.get("usages") or []
    if blob is None or not found:
        return ""
    shown = [_place(use, blob) for use in found[:SHOWN]]
    more = len(found) - len(shown)
    if more or change.get("usages_truncated"):
        plus = "+" if change.get("usages_truncated") else ""
        shown.append(f"and {more:,}{plus} more")
    return "; used in " + ", ".join(shown)


def _place(use: Mapping[str, Any], blob: str) -> str:
    label = code(f"{use.get('path')}:{use.get('line')}")
    if not blob:
        return label
    return f"[{label}]({blob}/{quote(str(use.get('path')))}#L{use.get('line')})"


def verdict_note(changes: Sequence[ChangeData]) -> str:
    """`2 breaking changes, used in 3 places` (distinct lines), or "" when none is used."""
    used = [c for c in changes if c.get("breaking") and c.get("usages")]
    if not used:
        return ""
    places = {(u.get("path"), u.get("line")) for c in used for u in c["usages"]}
    more = "+" if any(c.get("usages_truncated") for c in used) else ""
    count = f"{len(used):,} breaking change{'s' if len(used) != 1 else ''}"
    return f"{count}, used in {len(places):,}{more} place{'s' if len(places) != 1 else ''}"


def plain(change: ChangeData, docs: Sequence[Mapping[str, Any]] = ()) -> str:
    """The comment's sentence without markdown, for annotations and a terminal."""
    text = sentence(change, docs).replace("**breaking**", "breaking")
    return _ESCAPED.sub(r"\1", text)
