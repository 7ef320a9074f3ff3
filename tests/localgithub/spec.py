"""GitHub's REST description, used to route requests and to check every body the fake sends.

The description is tests/references/github-rest.json, cut from GitHub's published one by
scripts/update-github-references; where it disagrees with GitHub's answers, the errata
listed once in tests/references/errata.json are applied.

The fake is only useful while it answers like GitHub, so each response body is
validated against the schema GitHub publishes for that operation and status
(OpenAPI 3.0, `nullable` included). Request bodies are checked as well, so a
client that sends what GitHub would reject is caught here, not in production.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from . import references

BASE_URI = "urn:github-rest-subset"
# Path parameters that GitHub lets span several segments (file paths, ref and branch names).
GREEDY_PARAMS = frozenset({"path", "ref", "branch"})
# ... and `path` may be empty: `contents/` lists the repository's root.
EMPTY_PARAMS = frozenset({"path"})
METHODS = ("get", "put", "post", "patch", "delete", "head")
REDIRECTS = frozenset({301, 307})


@dataclass(frozen=True)
class Operation:
    id: str
    method: str
    template: str
    pattern: re.Pattern[str]
    literal_chars: int

    @property
    def pointer(self) -> str:
        return f"/paths/{_escape(self.template)}/{self.method.lower()}"


def _escape(token: str) -> str:
    return token.replace("~", "~0").replace("/", "~1")


def _compile(template: str) -> re.Pattern[str]:
    parts = re.split(r"(\{[^}]+\})", template)
    regex = ""
    for part in parts:
        if part.startswith("{"):
            name = part[1:-1]
            body = ".+" if name in GREEDY_PARAMS else "[^/]+"
            body = ".*" if name in EMPTY_PARAMS else body
            regex += f"(?P<{name}>{body})"
        else:
            regex += re.escape(part)
    return re.compile(f"^{regex}$")


class Spec:
    """Operations of the REST description and validators for their bodies."""

    def __init__(self, path: Path | None = None):
        """GitHub's description with its errata (tests/references/errata.json) applied."""
        if path is None:
            self.doc: dict[str, Any] = references.description()
        else:
            self.doc = json.loads(path.read_text(encoding="utf-8"))
        resource = Resource.from_contents(self.doc, default_specification=DRAFT4)
        self.registry: Registry = Registry().with_resource(BASE_URI, resource)
        self._validators: dict[str, OAS30Validator] = {}

    @cached_property
    def operations(self) -> list[Operation]:
        ops = []
        for template, item in self.doc["paths"].items():
            for method in METHODS:
                if method in item:
                    literal = len(re.sub(r"\{[^}]+\}", "", template))
                    op_id = item[method]["operationId"]
                    ops.append(
                        Operation(op_id, method.upper(), template, _compile(template), literal)
                    )
        # When two templates match, the one with more fixed text is the more specific.
        return sorted(ops, key=lambda op: -op.literal_chars)

    def match(self, method: str, path: str) -> tuple[Operation, dict[str, str]] | None:
        """The operation for a request path (percent-encoded, without the /api/v3 prefix)."""
        for op in self.operations:
            if op.method == method.upper():
                found = op.pattern.match(path)
                if found:
                    return op, found.groupdict()
        return None

    def response_errors(self, op: Operation, status: int, body: Any) -> list[str]:
        """Why `body` is not what GitHub documents for `op` answering `status` (empty: fine)."""
        responses = self._resolve(self._at(op.pointer)).get("responses", {})
        if str(status) in responses:
            pointer = self._content_pointer(f"{op.pointer}/responses/{status}")
        elif status >= 400 or status in REDIRECTS:
            # GitHub may answer any operation with 401, 403, 404 or 5xx in its error shape,
            # and a renamed repository's old name with a redirect in the same shape.
            pointer = "/components/schemas/basic-error"
        else:
            return [f"{op.id}: status {status} is not documented"]
        if pointer is None and status >= 400:
            pointer = "/components/schemas/basic-error"  # the description omits GitHub's error body
        if pointer is None:
            return [] if body is None else [f"{op.id} {status}: documented without a body"]
        return self._errors(pointer, body, f"{op.id} {status} response")

    def request_errors(self, op: Operation, body: Any) -> list[str]:
        """Why a request body is not one GitHub documents for `op`."""
        pointer = self._content_pointer(f"{op.pointer}/requestBody")
        if pointer is None or body is None:
            return []
        if op.id == "issues/add-labels" and isinstance(body, list):
            # Documented in the operation's prose: "You can also pass an array of labels directly".
            body = {"labels": body}
        return self._errors(pointer, body, f"{op.id} request")

    def _errors(self, pointer: str, body: Any, what: str) -> list[str]:
        validator = self._validators.get(pointer)
        if validator is None:
            validator = OAS30Validator({"$ref": f"{BASE_URI}#{pointer}"}, registry=self.registry)
            self._validators[pointer] = validator
        found = sorted(validator.iter_errors(body), key=lambda e: list(e.absolute_path))
        return [f"{what}: at /{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in found]

    def _content_pointer(self, pointer: str) -> str | None:
        """Pointer to the JSON schema of a response or request body, following `$ref`s."""
        try:
            node = self._at(pointer)
        except KeyError:
            return None
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = self._at(pointer)
        for media in node.get("content", {}):
            if "json" in media:
                return f"{pointer}/content/{_escape(media)}/schema"
        return None

    def _resolve(self, node: dict[str, Any]) -> dict[str, Any]:
        while "$ref" in node:
            node = self._at(node["$ref"].removeprefix("#"))
        return node

    def _at(self, pointer: str) -> Any:
        node: Any = self.doc
        for token in pointer.strip("/").split("/"):
            node = node[token.replace("~1", "/").replace("~0", "~")]
        return node
