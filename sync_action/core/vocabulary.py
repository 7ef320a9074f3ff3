"""The action's words, defined once: statuses, findings, change kinds, reasons, fail-on.

Each is a `StrEnum`, so a member is the very string the report, outputs and texts
carry (`Status.IN_SYNC == "in-sync"`). tests/test_vocabulary.py checks them against
the report's JSON Schema, `action.yml` and the README.
"""

from __future__ import annotations

from enum import StrEnum


class Status(StrEnum):
    """A peer's status in `results` and the report's `peers[].status`, across modes."""

    # drift
    IN_SYNC = "in-sync"
    PENDING = "pending"
    DRIFT = "drift"
    MISSING = "missing"
    FAILED = "failed"
    # sync
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DISABLED = "disabled"
    DRY_RUN = "dry-run"
    REFUSED = "refused"
    # status mode
    BEHIND = "behind"
    EDITED = "edited"


DRIFT_STATUSES = (Status.IN_SYNC, Status.PENDING, Status.DRIFT, Status.MISSING, Status.FAILED)
SYNC_STATUSES = (
    Status.CREATED,
    Status.UPDATED,
    Status.UNCHANGED,
    Status.DISABLED,
    Status.DRY_RUN,
    Status.REFUSED,
    Status.FAILED,
)
STATUS_MODE_STATUSES = (Status.IN_SYNC, Status.BEHIND, Status.EDITED, Status.MISSING)


class Finding(StrEnum):
    """A short token in a peer's `findings`; details live in fields of their own."""

    MISSING = "missing"
    BEHIND_SOURCE = "behind-source"
    EDITED_LOCALLY = "edited-locally"
    VERSION_NOT_BUMPED = "version-not-bumped"
    VERSION_TOO_SMALL = "version-too-small"
    UPDATED_AT_UNCHANGED = "updated-at-unchanged"
    PEER_INVALID = "peer-invalid"
    EDITS_SYNCED_COPY = "edits-synced-copy"
    STALE_PR = "stale-pr"
    TOKEN_EXPIRING = "token-expiring"


class Kind(StrEnum):
    """What a change did, read from the consumer's copy to the source's."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    RENAMED = "renamed"


class Reason(StrEnum):
    """Why a change is breaking (or, for the last two, why it is not)."""

    REMOVED = "removed"
    TYPE_CHANGED = "type-changed"
    ID_CHANGED = "id-changed"
    BECAME_REQUIRED = "became-required"
    RENAMED_UNDECLARED = "renamed-undeclared"
    LINK_CHANGED = "link-changed"
    DECLARED_IN_DEPRECATIONS = "declared-in-deprecations"
    TYPE_UNKNOWN = "type-unknown"


class FailOn(StrEnum):
    """The conditions the `fail-on` input may name."""

    DRIFT = "drift"
    EDITED = "edited"
    BEHIND = "behind"
    BREAKING = "breaking"
    VERSION_NOT_BUMPED = "version-not-bumped"
    VERSION_TOO_SMALL = "version-too-small"
    UPDATED_AT_UNCHANGED = "updated-at-unchanged"
    STALE_PR = "stale-pr"
    TOKEN_EXPIRING = "token-expiring"
    NEVER = "never"


class Mode(StrEnum):
    """What a run does (the `mode` input and the command line's subcommands)."""

    DRIFT = "drift"
    SYNC = "sync"
    AIRTABLE = "airtable"
    STATUS = "status"


class Role(StrEnum):
    """Which side of the sync this repository is (the `role` input)."""

    AUTO = "auto"
    SOURCE = "source"
    CONSUMER = "consumer"


class VersionPolicy(StrEnum):
    """How the spec version must move when the content does (the `version-policy` input)."""

    BUMP = "bump"
    SEMVER = "semver"
    NONE = "none"


# Which finding counts under which `fail-on` condition.
FINDING_CONDITION: dict[Finding, FailOn] = {
    Finding.MISSING: FailOn.DRIFT,
    Finding.EDITED_LOCALLY: FailOn.EDITED,
    Finding.EDITS_SYNCED_COPY: FailOn.EDITED,
    Finding.BEHIND_SOURCE: FailOn.BEHIND,
    Finding.VERSION_NOT_BUMPED: FailOn.VERSION_NOT_BUMPED,
    Finding.VERSION_TOO_SMALL: FailOn.VERSION_TOO_SMALL,
    Finding.UPDATED_AT_UNCHANGED: FailOn.UPDATED_AT_UNCHANGED,
    Finding.STALE_PR: FailOn.STALE_PR,
    Finding.TOKEN_EXPIRING: FailOn.TOKEN_EXPIRING,
}

# Which status-mode status or finding counts under which `fail-on` condition.
STATUS_CONDITION: dict[str, FailOn] = {
    Status.MISSING: FailOn.DRIFT,
    Status.BEHIND: FailOn.BEHIND,
    Status.EDITED: FailOn.EDITED,
    Finding.STALE_PR: FailOn.STALE_PR,
}
