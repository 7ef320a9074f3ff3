"""What a run does, in words: whether the check fails and why, and the version to suggest."""

from __future__ import annotations

from sync_action.texts import outcome


def test_failing_checks_say_the_check_fails_with_each_condition() -> None:
    report = {
        "checks": [
            {
                "condition": "drift",
                "subject": "STRUKT1/strukt-app",
                "message": "it drifted",
                "fails": True,
            },
            {
                "condition": "behind",
                "subject": "STRUKT1/strukt-web",
                "message": "behind",
                "fails": False,
            },
        ],
        "peers": [{"status": "drift"}],
    }
    fails, sentence = outcome.of_checks(report) or (None, "")
    assert fails is True
    assert sentence == "This check **fails** (`fail-on`): it drifted (`drift`)."


def test_passing_checks_name_what_fail_on_leaves_out() -> None:
    report = {
        "checks": [{"condition": "behind", "subject": "STRUKT1/strukt-app", "fails": False}],
        "peers": [],
    }
    assert outcome.of_checks(report) == (
        False,
        "This check **passes**; `fail-on` does not name: `behind` (STRUKT1/strukt-app).",
    )


def test_no_checks_leave_the_outcome_to_the_rows() -> None:
    assert outcome.of_checks({"checks": [], "peers": []}) is None


def test_a_peer_that_failed_speaks_for_itself() -> None:
    report = {"checks": [{"condition": "drift", "fails": True}], "peers": [{"status": "failed"}]}
    assert outcome.of_checks(report) is None


def test_the_suggested_version_is_the_next_patch_keeping_the_v() -> None:
    assert outcome.next_version("v1.2.3") == "v1.2.4"
    assert outcome.next_version("1.0.9") == "1.0.10"


def test_an_unreadable_version_gets_no_made_up_number() -> None:
    assert outcome.next_version("draft") == "a new version"
    assert outcome.next_version(None) == "a new version"


def test_a_pull_request_number_is_read_from_its_url() -> None:
    assert outcome.pr_number("https://github.com/STRUKT1/strukt-app/pull/42") == 42
    assert outcome.pr_number("https://github.com/STRUKT1/strukt-app/issues/42") is None
