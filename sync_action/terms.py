"""The words of the check: roles, statuses, findings, `fail-on` conditions, policies.

Each is a StrEnum, so a value compares equal to the text the report, the outputs
and `action.yml` carry; the report's JSON Schema lists the same values (a test
keeps them equal).
"""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    """Which side of the sync this repository is."""

    AUTO = "auto"
    SOURCE = "source"
    CONSUMER = "consumer"


class Status(StrEnum):
    """A peer's state: drift mode's, sync mode's and status mode's."""

    IN_SYNC = "in-sync"
    PENDING = "pending"
    DRIFT = "drift"
    MISSING = "missing"
    FAILED = "failed"
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"
    DRY_RUN = "dry-run"
    REFUSED = "refused"
    DISABLED = "disabled"
    BEHIND = "behind"
    EDITED = "edited"


class Finding(StrEnum):
    """A short token for one thing found; details live in fields of their own."""

    MISSING = "missing"
    PEER_INVALID = "peer-invalid"
    BEHIND_SOURCE = "behind-source"
    EDITED_LOCALLY = "edited-locally"
    EDITS_SYNCED_COPY = "edits-synced-copy"
    VERSION_NOT_BUMPED = "version-not-bumped"
    VERSION_TOO_SMALL = "version-too-small"
    UPDATED_AT_UNCHANGED = "updated-at-unchanged"
    STALE_PR = "stale-pr"
    TOKEN_EXPIRING = "token-expiring"


class Condition(StrEnum):
    """A word of the `fail-on` input: what makes the step exit 1."""

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


class VersionPolicy(StrEnum):
    """How the spec version must move when the content does."""

    BUMP = "bump"
    SEMVER = "semver"
    NONE = "none"


class Reason(StrEnum):
    """Why a change is breaking, or why a rename is not."""

    REMOVED = "removed"
    TYPE_CHANGED = "type-changed"
    ID_CHANGED = "id-changed"
    BECAME_REQUIRED = "became-required"
    RENAMED_UNDECLARED = "renamed-undeclared"
    LINK_CHANGED = "link-changed"
    DECLARED_IN_DEPRECATIONS = "declared-in-deprecations"
    TYPE_UNKNOWN = "type-unknown"


class Kind(StrEnum):
    """What a change does."""

    ADDED = "added"
    REMOVED = "removed"
    CHANGED = "changed"
    RENAMED = "renamed"


# Which finding counts as which `fail-on` condition.
FINDING_CONDITION: dict[Finding, Condition] = {
    Finding.MISSING: Condition.DRIFT,
    Finding.EDITED_LOCALLY: Condition.EDITED,
    Finding.EDITS_SYNCED_COPY: Condition.EDITED,
    Finding.BEHIND_SOURCE: Condition.BEHIND,
    Finding.VERSION_NOT_BUMPED: Condition.VERSION_NOT_BUMPED,
    Finding.VERSION_TOO_SMALL: Condition.VERSION_TOO_SMALL,
    Finding.UPDATED_AT_UNCHANGED: Condition.UPDATED_AT_UNCHANGED,
    Finding.STALE_PR: Condition.STALE_PR,
    Finding.TOKEN_EXPIRING: Condition.TOKEN_EXPIRING,
}
