"""No mentions from data: a name from the spec or a message from GitHub never notifies
anyone, in the drift comment, the sync pull request's body, the summary or the dashboard."""

from __future__ import annotations

import re
from typing import Any

import yaml

from sync_action.core.hosting import RemoteFile
from sync_action.engine import report
from sync_action.engine.compare import PeerResult, compare
from sync_action.engine.overview import Overview
from sync_action.engine.status_model import Metrics
from sync_action.modes.context import text_docs
from sync_action.spec.model import Spec, git_blob_sha, load_bytes
from sync_action.texts import dashboard, document, prbody
from tests.conftest import CURRENT

PATH = "schema/AIRTABLE_SPEC.yaml"
SOURCE, APP = "STRUKT1/strukt-system", "STRUKT1/strukt-app"
SHA = "0123456789abcdef0123456789abcdef01234567"
RUN = document.Run(SOURCE, SHA, PATH)
CTX = report.Context(repository=SOURCE, sha=SHA, mode="drift")
NAME = "MealType @octocat"
MENTION = re.compile(r"(?<![\w`])@octocat")  # what GitHub would turn into a notification


def loud_spec() -> Spec:
    """The source renamed Meals › MealType to `MealType @octocat` and changed its type."""
    data = yaml.safe_load(CURRENT.read_bytes())
    data["spec_version"] = "v2.0.0"
    field = data["tables"]["meals"]["fields"]["meal_type"]
    field["name"], field["type"] = NAME, "multiple_select"
    return load_bytes(yaml.safe_dump(data, sort_keys=False).encode(), PATH)


def drifted(local: Spec) -> PeerResult:
    content = CURRENT.read_bytes()
    found = compare(
        local,
        RemoteFile(APP, PATH, "main", content, git_blob_sha(content)),
        PeerResult(APP, "main", PATH),
    )
    found.status = "drift"
    return found


def data(local: Spec, found: PeerResult) -> dict[str, Any]:
    return report.build(local, [found], CTX)


def test_a_name_with_an_at_sign_mentions_nobody_in_the_comment():
    local = loud_spec()
    found = drifted(local)
    text = document.comment("<!-- m -->", data(local, found), RUN, text_docs(local, [found]))
    assert "MealType @\u200boctocat" in text
    assert not MENTION.search(text)


def test_a_name_with_an_at_sign_mentions_nobody_in_the_sync_pull_request_body():
    local = loud_spec()
    found = drifted(local)
    docs = text_docs(local, [found])[APP]
    text = prbody.pr_body(report.peer_entry(found), local.metadata(), RUN, docs)
    assert "MealType @\u200boctocat" in text
    assert not MENTION.search(text)


def test_a_name_with_an_at_sign_mentions_nobody_in_the_summary():
    local = loud_spec()
    found = drifted(local)
    text = document.summary(data(local, found), RUN, text_docs(local, [found]))
    assert "MealType @\u200boctocat" in text
    assert not MENTION.search(text)


def test_a_message_from_github_with_an_at_sign_mentions_nobody_in_the_dashboard():
    failed = PeerResult(APP, "", PATH)
    failed.status, failed.metrics = "failed", Metrics()
    failed.message = "403 Resource not accessible: ask @octocat for access"
    view = Overview(SOURCE, PATH, [failed], 7.0, "https://github.com")
    text = dashboard.issue_body(view)
    assert "ask @\u200boctocat" in text
    assert not MENTION.search(text)
