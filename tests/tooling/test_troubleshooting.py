"""docs/troubleshooting.md is keyed by messages the action really prints."""

from __future__ import annotations

import ast
import re

from tests.actionrun import ROOT

DOC = (ROOT / "docs" / "troubleshooting.md").read_text()
SOURCE = "\n".join(p.read_text() for p in (ROOT / "sync_action").rglob("*.py"))


def headings() -> list[str]:
    return re.findall(r"^### `(.+)`$", DOC, flags=re.MULTILINE)


def test_the_guide_has_an_entry_for_each_kind_of_error():
    assert len(headings()) >= 35


def test_every_heading_is_a_message_the_action_prints():
    flat = SOURCE.replace('"\n', "").replace("\n", " ")
    missing = [h for h in headings() if h not in SOURCE and h not in re.sub(r'"\s+f?"', "", flat)]
    assert not missing, missing


# Calls whose first argument is a message a user reads: the errors raised, the log's
# errors and warnings.
MESSAGE_CALLS = {"UsageError", "SpecError", "RemoteError", "NotFound", "error", "warning"}
# Messages with no entry of their own, and why.
NO_ENTRY = {
    "Interrupted",  # the user pressed Ctrl-C
    "Input '': '' is not ",  # + `a GitHub user login` or `a team slug`: two entries
    "Input 'spec-schema': ",  # the schema file's own message follows, with its entry
}


def printed_messages() -> list[tuple[str, int, str]]:
    """Each message's literal text (the parts around `{...}`), where it is printed."""
    found = []
    for path in sorted((ROOT / "sync_action").glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in MESSAGE_CALLS:
                continue
            parts = [
                n.value
                for n in ast.walk(node.args[0])
                if isinstance(n, ast.Constant) and isinstance(n.value, str)
            ]
            text = "".join(parts)
            if len(text.strip(" :()'")) > 12:
                found.append((path.name, node.lineno, text))
    return found


def test_every_message_the_action_prints_has_an_entry():
    entries = headings()
    lacking = [
        f"{name}:{line}: {text}"
        for name, line, text in printed_messages()
        if text not in NO_ENTRY and not any(h in text for h in entries)
    ]
    assert not lacking
