"""Why it changed: the source's pull requests that brought the change since the
consumer's version, for the sync pull request's body.

The commits that changed the file after the one the consumer's copy came from (at most
20, newest first) are read from the source's history; for each, GitHub's associated pull
requests (one request a commit, each asked once a run), merged ones only, each named
once. Of a description only its Migration section is carried. A failure to read them
is said in the body and never fails the sync; a commit GitHub does not know (404) leaves
the section out.
"""

from __future__ import annotations

from dataclasses import dataclass

from sync_action.core.errors import NotFound, RemoteError
from sync_action.core.hosting import SourceHistory, SourcePull
from sync_action.engine.compare import PeerResult
from sync_action.engine.migration_notes import MigrationNotes, migration_notes

MAX_COMMITS = 20  # commits of the file walked back to the consumer's version
MAX_PULLS = 20  # pull requests named in one body


@dataclass(frozen=True)
class Origin:
    """A merged source pull request behind the change, and its migration notes."""

    pull: SourcePull
    commit: str
    notes: MigrationNotes | None


@dataclass
class Origins:
    pulls: list[Origin]
    commits: int  # commits of the file since the consumer's version (at most MAX_COMMITS)
    failure: str = ""  # why the list may be incomplete


def find(history: SourceHistory, result: PeerResult) -> Origins:
    """The origins of what this sync brings to `result`'s consumer; empty when unknown."""
    remote = result.remote
    if remote is None or not history.askable:
        return Origins([], 0)
    found = Origins([], 0)
    try:
        commits = history.changed_since(remote.blob_sha, MAX_COMMITS) or []
        found.commits = len(commits)
        seen: set[int] = set()
        for commit in commits:
            for pull in history.pulls_of(commit):
                if pull.merged and pull.number not in seen and len(seen) < MAX_PULLS:
                    seen.add(pull.number)
                    found.pulls.append(Origin(pull, commit, migration_notes(pull.body)))
    except NotFound:
        return Origins([], 0)  # this commit is not on GitHub (yet): nothing to name
    except RemoteError as exc:
        found.failure = exc.message
    return found
