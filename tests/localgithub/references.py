"""GitHub's own references, as committed under tests/references/ by
scripts/update-github-references: the REST description cut to the operations the
action calls, the errata that make it agree with what GitHub sends, and the
exchanges recorded against api.github.com.

Everything here reads files only; nothing knows what the action does with an answer.
"""

from __future__ import annotations

import copy
import json
from functools import cache
from pathlib import Path
from typing import Any

REFERENCES = Path(__file__).resolve().parent.parent / "references"
DESCRIPTION = REFERENCES / "github-rest.json"
ERRATA = REFERENCES / "errata.json"
RECORDINGS = REFERENCES / "recordings"


def _load(path: Path) -> Any:
    return json.loads(path.read_text(encoding="utf-8"))


@cache
def raw_description() -> dict[str, Any]:
    """The description exactly as GitHub publishes it (cut, examples left out)."""
    return dict(_load(DESCRIPTION))


def errata() -> list[dict[str, Any]]:
    return list(_load(ERRATA)["errata"])


def description() -> dict[str, Any]:
    """The description with every erratum applied: a fresh copy, safe to change."""
    doc = copy.deepcopy(raw_description())
    for item in errata():
        apply(doc, item)
    return doc


def at(doc: Any, pointer: str) -> Any:
    """The node at a JSON pointer (RFC 6901)."""
    node = doc
    for token in pointer.strip("/").split("/") if pointer.strip("/") else []:
        key = token.replace("~1", "/").replace("~0", "~")
        node = node[int(key)] if isinstance(node, list) else node[key]
    return node


def apply(doc: dict[str, Any], item: dict[str, Any]) -> None:
    """Make one erratum's change: remove, set or rename a key, or append to a list."""
    node, change = at(doc, item["pointer"]), item["change"]
    op = change["op"]
    if op == "remove":
        node.pop(change["key"])
    elif op == "set":
        node[change["key"]] = change["value"]
    elif op == "rename":
        node[change["to"]] = node.pop(change["from"])
    elif op == "append":
        node.append(change["value"])
    else:
        raise ValueError(f"erratum {item['id']}: unknown change {op!r}")


def recording(scenario: str) -> dict[str, Any]:
    return dict(_load(RECORDINGS / f"{scenario}.json"))


def scenarios() -> list[str]:
    return sorted(p.stem for p in RECORDINGS.glob("*.json"))


def operations() -> dict[str, dict[str, str]]:
    """tests/references/operations.json: `action` (what the action calls) and `emulator`."""
    found = _load(REFERENCES / "operations.json")
    return {"action": dict(found["action"]), "emulator": dict(found["emulator"])}
