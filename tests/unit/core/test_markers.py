"""The sync pull request's marker: written with the source commit, read back old or new."""

from __future__ import annotations

from sync_action.core import markers

OWN, SOURCE = "a" * 40, "b" * 40


def test_the_marker_names_the_sync_commit_the_source_commit_and_the_labels():
    found = markers.PULL_MARK.search(markers.pull(OWN, ("breaking change",), source=SOURCE))
    assert found is not None
    assert (found["commit"], found["source"], found["labels"]) == (OWN, SOURCE, "breaking%20change")


def test_a_body_from_before_the_source_commit_still_reads():
    found = markers.PULL_MARK.search(f"<!-- schema-sync:pr commit={OWN} labels=safe -->")
    assert found is not None
    assert (found["commit"], found["source"], found["labels"]) == (OWN, None, "safe")


def test_a_source_that_is_not_a_commit_is_left_out():
    assert "source=" not in markers.pull(OWN, (), source="working-tree")
