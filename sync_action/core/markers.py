"""The hidden markers, defined once: how the action finds again what it wrote.

Each is an HTML comment on the first line of a comment, issue or pull request body,
invisible when GitHub renders it; the schema path is normalised by `settings.config`.
"""

from __future__ import annotations

import re
from urllib.parse import quote

PREFIX = "<!-- schema-sync:"
# The sync pull request's body: the sync branch's commit, the source commit whose file it
# carries, and the labels this action owns (`source=` is absent from older bodies).
PULL_MARK = re.compile(
    r"<!-- schema-sync:pr commit=(?P<commit>[0-9a-f]*)(?: source=(?P<source>[0-9a-f]*))?"
    r"(?: labels=(?P<labels>\S*))? -->"
)


def drift(schema_path: str) -> str:
    """The drift comment on a pull request, one per schema path."""
    return f"{PREFIX}drift:{schema_path} -->"


def airtable(schema_path: str) -> str:
    """Airtable mode's comment on a pull request, one per schema path."""
    return f"{PREFIX}airtable:{schema_path} -->"


def dashboard(schema_path: str) -> str:
    """Status mode's dashboard issue, one per schema path."""
    return f"{PREFIX}dashboard:{schema_path} -->"


def pull(commit: str, owned_labels: tuple[str, ...], source: str = "") -> str:
    """The sync pull request's marker (read back by `PULL_MARK`): the sync branch's commit
    and, when known, the source commit its file comes from."""
    labels = ",".join(quote(x) for x in owned_labels)
    origin = f" source={source}" if re.fullmatch(r"[0-9a-f]+", source) else ""
    return f"{PREFIX}pr commit={commit}{origin} labels={labels} -->"
