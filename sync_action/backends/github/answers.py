"""GitHub's words that decisions still need, each defined once with where it was taken from.

Decisions go by status code and by the documented `errors[].resource`/`code`/`field`
first; a text here is matched only where GitHub gives nothing better. No PyGithub here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

REST_DOCS = "https://docs.github.com/rest"

# Secondary rate limits: "You have exceeded a secondary rate limit. ..." (GitHub's docs,
# rest/using-the-rest-api/rate-limits-for-the-rest-api#about-secondary-rate-limits).
# Matched on its two words, as octokit's plugin-throttling does (`/\bsecondary rate\b/i`).
SECONDARY_RATE = "secondary rate"
# Any rate limit, primary ("API rate limit exceeded for ...") or secondary, in the same docs;
# a 403/429 saying it is a limit even without the x-ratelimit-* or Retry-After headers.
RATE_LIMIT = "rate limit"
# A GitHub App's JWT refused for its times ("'Expiration time' claim ('exp') is too far in
# the future", "'Issued at' claim ('iat') must be an Integer ..."): GitHub's answers to
# POST /app/installations/{id}/access_tokens (docs: apps/creating-github-apps/
# authenticating-with-a-github-app/generating-a-json-web-token-jwt-for-a-github-app).
JWT_CLAIM = "claim"

# Rulesets and push protection refusing a ref or a commit: 409/422 with the schema
# `repository-rule-violation-error` of GitHub's REST description, whose message starts so
# (docs: repositories/.../managing-rulesets/about-rulesets; code-security/secret-scanning/
# .../working-with-push-protection-from-the-rest-api). Push protection adds `metadata`.
RULE_VIOLATIONS = "Repository rule violations found"
PUSH_PROTECTION_KEY = "secret_scanning"  # the key under `metadata` when push protection refused

# A repository without a commit (created without a README): the contents API answers 404
# and the git database API 409 with these messages (GitHub's answers on api.github.com).
EMPTY_CONTENTS = "This repository is empty."
EMPTY_GIT = "Git Repository is empty."

# Races that GitHub reports only in words (REST docs of each operation):
# POST /repos/{owner}/{repo}/git/refs, 422 when the ref exists;
REF_EXISTS = "Reference already exists"
# POST /repos/{owner}/{repo}/pulls, 422 with errors [{"resource": "PullRequest",
# "code": "custom", "message": "A pull request already exists for owner:branch."}];
PULL_EXISTS = "A pull request already exists"
PULL_RESOURCE = "PullRequest"
# PUT /repos/{owner}/{repo}/contents/{path}, 422 when the file appeared since it was read;
SHA_NOT_SUPPLIED = "wasn't supplied"
# DELETE /repos/{owner}/{repo}/git/refs/{ref}, 422 when the branch is already gone;
REF_MISSING = "does not exist"
# GET /repos/{owner}/{repo}/contents/{path}?ref=..., 404 when the ref is unknown.
NO_COMMIT = "no commit found"

# Words that mean a refusal needs a setting changed rather than a retry.
ACTIONS_MAY_NOT_OPEN_PULLS = "not permitted to create or approve pull requests"
ARCHIVED = "archived"


def said(data: Any) -> str:
    """GitHub's `message`, or "" when the body has none."""
    return str(data.get("message") or "") if isinstance(data, Mapping) else ""


def is_rule_violation(status: int | None, data: Any) -> bool:
    """409/422 from a ruleset or push protection: never a race, never retried."""
    if status not in (409, 422) or not isinstance(data, Mapping):
        return False
    return said(data).startswith(RULE_VIOLATIONS) or isinstance(data.get("metadata"), Mapping)


def is_push_protection(data: Any) -> bool:
    metadata = data.get("metadata") if isinstance(data, Mapping) else None
    return isinstance(metadata, Mapping) and PUSH_PROTECTION_KEY in metadata


def is_empty_repository(status: int | None, data: Any) -> bool:
    text = said(data)
    return (status == 404 and text == EMPTY_CONTENTS) or (status == 409 and text == EMPTY_GIT)


def lists_error(data: Any, resource: str, code: str = "custom") -> bool:
    """Does the body's `errors` list an error of `resource` with `code`?"""
    items = data.get("errors") if isinstance(data, Mapping) else None
    return any(
        isinstance(item, Mapping) and item.get("resource") == resource and item.get("code") == code
        for item in items or []
    )


def is_secondary_limit(status: int, text: str) -> bool:
    return status in (403, 429) and SECONDARY_RATE in text.lower()


def lacking(data: Any, keys: Sequence[str]) -> str | None:
    """The first of `keys` (dotted for nested ones) the answer lacks, as far as it is
    missing (`commit` when there is no commit, `commit.sha` when the commit has no sha);
    in a list answer, each item must have them."""
    for item in data if isinstance(data, list) and keys else [data]:
        for key in keys:
            node, path = item, []
            for part in key.split("."):
                path.append(part)
                if not isinstance(node, Mapping) or node.get(part) is None:
                    return ".".join(path)
                node = node[part]
    return None
