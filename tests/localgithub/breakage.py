"""GitHub's edges on demand, in the style of `LocalGitHub.inject`: each method registers
a fault for the next `times` requests (None: all) whose method and path match (the path
after /api/v3, without the query, searched with `re.search`), and returns the `Fault`
(`fault.hits` counts the requests it answered).

Mixed into `LocalGitHub`, together with the seeding of renamed, transferred and empty
repositories. The words are GitHub's documented ones (see docs/reliability.md); the
shapes are checked against GitHub's description like every other answer, except the
malformed answers, which are off the description on purpose.
"""

from __future__ import annotations

import json
import re
import secrets
from typing import Any

from . import edges
from .faults import LIMITS_DOCS, PRIMARY_LIMIT, SECONDARY_LIMIT, Fault, Faults
from .state import Repo, Store

RULE_VIOLATIONS = "Repository rule violations found"
RULESETS_DOCS = (
    "https://docs.github.com/repositories/configuring-branches-and-merges-in-your-repository/"
    "managing-rulesets/about-rulesets"
)
PUSH_PROTECTION_DOCS = (
    "https://docs.github.com/code-security/secret-scanning/working-with-secret-scanning-and-"
    "push-protection/working-with-push-protection-from-the-rest-api"
)
# What a ruleset's rule says when it refuses a ref change (GitHub's wording).
RULES = {
    "creation": "Cannot create ref due to creations being restricted.",
    "update": "Cannot update this protected ref.",
    "deletion": "Cannot delete this protected ref.",
    "pull_request": "Changes must be made through a pull request.",
    "secret_scanning": "Push cannot contain secrets",
}
MALFORMED = ("without-fields", "not-json", "html")
PROXY_HTML = (
    "<html>\r\n<head><title>{status} Bad Gateway</title></head>\r\n<body>\r\n"
    "<center><h1>{status} Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n"
)


def rule_violation(rule: str, status: int, token_type: str) -> dict[str, Any]:
    """The `repository-rule-violation-error` body; push protection adds its placeholder."""
    body: dict[str, Any] = {
        "message": f"{RULE_VIOLATIONS}\n\n{RULES[rule]}\n\n",
        "documentation_url": PUSH_PROTECTION_DOCS if rule == "secret_scanning" else RULESETS_DOCS,
        "status": str(status),
    }
    if rule == "secret_scanning":
        placeholder = {"placeholder_id": secrets.token_urlsafe(20), "token_type": token_type}
        body["metadata"] = {"secret_scanning": {"bypass_placeholders": [placeholder]}}
    return body


def malformed_answer(
    fault: Fault, served: tuple[int, bytes] | None
) -> tuple[int, bytes, list[tuple[str, str]]]:
    """Status, body and headers of a deliberately malformed answer."""
    json_type = [("Content-Type", "application/json; charset=utf-8")]
    if fault.malformed == "without-fields":
        original: Any = json.loads(served[1]) if served and served[1] else {}
        if isinstance(original, dict) and fault.drop is not None:
            kept: Any = {k: v for k, v in original.items() if k not in fault.drop}
        else:
            kept = {} if isinstance(original, dict) else []
        return fault.status or 200, json.dumps(kept).encode(), json_type
    if fault.malformed == "not-json":
        return fault.status or 200, b'{"message": "Internal Serv', json_type
    status = fault.status or 502
    html = PROXY_HTML.format(status=status).encode()
    return status, html, [("Content-Type", "text/html"), ("Server", "nginx")]


class Breakage:
    """The test-side API of the edges; `faults` and `store` come from `LocalGitHub`."""

    faults: Faults
    store: Store

    def _add(self, method: str, path_regex: str, times: int | None, **kw: Any) -> Fault:
        return self.faults.add(Fault(method.upper(), re.compile(path_regex), times=times, **kw))

    # --- repositories -----------------------------------------------------------------------

    def rename_repo(self, full_name: str, new_name: str) -> Repo:
        """Rename like Settings › Rename: the old name answers 301/307 to /repositories/{id}."""
        with self.store.lock:
            repo = self.store.get(full_name)
            edges.rename(self.store, repo, repo.owner, new_name)
        return repo

    def transfer_repo(self, full_name: str, new_owner: str, new_name: str | None = None) -> Repo:
        """Transfer to another owner (optionally renamed); the old name redirects."""
        with self.store.lock:
            repo = self.store.get(full_name)
            edges.rename(self.store, repo, new_owner, new_name or repo.name)
        return repo

    def create_empty_repo(
        self, full_name: str, default_branch: str = "main", private: bool = False
    ) -> Repo:
        """A repository without a commit, as "Create repository" leaves it without a README:
        contents 404 "This repository is empty.", git refs 409 "Git Repository is empty.";
        a clone is empty and the first push (or PUT contents) gives it its default branch."""
        with self.store.lock:
            return self.store.add_repo(full_name, default_branch, private, False, True)

    # --- rate limits ------------------------------------------------------------------------

    def inject_secondary_limit(
        self,
        method: str,
        path_regex: str,
        status: int = 403,
        retry_after: float | None = None,
        reset_in: float | None = None,
        times: int | None = 1,
    ) -> Fault:
        """403 or 429 "You have exceeded a secondary rate limit...": with `Retry-After` when
        `retry_after` is given, with `x-ratelimit-remaining: 0` and `x-ratelimit-reset`
        (seconds from now) when `reset_in` is, else with neither (wait at least a minute)."""
        body = {"message": SECONDARY_LIMIT, "documentation_url": LIMITS_DOCS}
        return self._add(
            method,
            path_regex,
            times,
            status=status,
            retry_after=retry_after,
            ratelimit_reset=reset_in,
            body=body,
        )

    def inject_primary_limit(
        self,
        method: str,
        path_regex: str,
        reset_in: float = 3600.0,
        status: int = 403,
        times: int | None = 1,
    ) -> Fault:
        """The primary limit spent: `x-ratelimit-remaining: 0`, `x-ratelimit-reset` in
        `reset_in` seconds, "API rate limit exceeded for ...", no Retry-After."""
        body = {"message": PRIMARY_LIMIT, "documentation_url": LIMITS_DOCS}
        used = {"x-ratelimit-used": "5000", "x-ratelimit-limit": "5000"}
        return self._add(
            method,
            path_regex,
            times,
            status=status,
            ratelimit_reset=reset_in,
            body=body,
            headers=used,
        )

    # --- rules ------------------------------------------------------------------------------

    def inject_rule_violation(
        self,
        method: str,
        path_regex: str,
        rule: str = "creation",
        status: int | None = None,
        times: int | None = 1,
        token_type: str = "GITHUB_PERSONAL_ACCESS_TOKEN",
    ) -> Fault:
        """A ruleset (`rule`: creation, update, deletion, pull_request; 422 by default) or
        push protection (`rule="secret_scanning"`; 409 with `metadata.secret_scanning.
        bypass_placeholders`) refusing the request: "Repository rule violations found"."""
        if rule not in RULES:
            raise ValueError(f"unknown rule {rule!r}: one of {', '.join(RULES)}")
        code = status or (409 if rule == "secret_scanning" else 422)
        body = rule_violation(rule, code, token_type)
        return self._add(method, path_regex, times, status=code, body=body)

    # --- malformed answers --------------------------------------------------------------------

    def inject_malformed(
        self,
        method: str,
        path_regex: str,
        kind: str,
        status: int | None = None,
        drop: tuple[str, ...] | None = None,
        times: int | None = 1,
    ) -> Fault:
        """An answer that is not what was asked for, never checked against the description:

        - "without-fields": the request is performed, then answered 200 (or `status`) with
          its body without the keys in `drop` (None: without any key, `{}` or `[]`);
        - "not-json": 200 (or `status`), JSON content type, a cut-off body;
        - "html": 502 (or `status`) with a proxy's HTML page; nothing is performed.
        """
        if kind not in MALFORMED:
            raise ValueError(f"unknown kind {kind!r}: one of {', '.join(MALFORMED)}")
        after = kind == "without-fields"
        return self._add(
            method,
            path_regex,
            times,
            status=status if status is not None else 0,
            after=after,
            malformed=kind,
            drop=drop,
        )
