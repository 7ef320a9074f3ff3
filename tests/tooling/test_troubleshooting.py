"""docs/troubleshooting.md is keyed by messages the action really prints."""

from __future__ import annotations

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
