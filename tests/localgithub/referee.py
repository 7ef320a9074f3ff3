"""A second check of every answer the local GitHub sends, independent of its own.

The server checks its bodies as it builds them (`spec.py`); the referee checks the bytes
that went out on the wire, routed and validated with code of its own against GitHub's
description (tests/references/github-rest.json, with the errata of errata.json, listed
once) by openapi-schema-validator's OAS30Validator. The plugin attaches it to each
`local_github` (`LocalGitHub.refuse` collects what it finds) and fails the test whose
answers it refused. Answers made malformed on
purpose (`inject_malformed`) are not checked.
"""

from __future__ import annotations

import json
import re
import threading
from typing import TYPE_CHECKING, Any
from urllib.parse import urlsplit

from openapi_schema_validator import OAS30Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

from . import references

if TYPE_CHECKING:
    from .server import Outgoing

URI = "urn:github-rest-referee"
API = "/api/v3"
ERROR_SHAPE = "/components/schemas/basic-error"
REDIRECTS = {301: "moved_permanently", 307: "temporary_redirect"}


def _pointer(*tokens: str) -> str:
    return "".join("/" + t.replace("~", "~0").replace("/", "~1") for t in tokens)


def _template_regex(template: str) -> str:
    """`{path}`, `{ref}` and `{branch}` may span segments (`path` may be empty)."""
    out = ""
    for part in re.split(r"(\{[^}]+\})", template):
        if part == "{path}":
            out += ".*"
        elif part in ("{ref}", "{branch}"):
            out += ".+"
        elif part.startswith("{"):
            out += "[^/]+"
        else:
            out += re.escape(part)
    return out


REPO_REGEX = _template_regex("/repos/{owner}/{repo}")


class Referee:
    """Validates answers against GitHub's description; safe to share between servers."""

    def __init__(self) -> None:
        self.doc = references.description()
        resource = Resource.from_contents(self.doc, default_specification=DRAFT4)
        self.registry: Registry = Registry().with_resource(URI, resource)
        self.routes: list[tuple[str, re.Pattern[str], str]] = []
        for template, item in self.doc["paths"].items():
            for method, op in item.items():
                if isinstance(op, dict) and "responses" in op:
                    regex = _template_regex(template)
                    alias = regex.replace(REPO_REGEX, r"/repositories/\d+", 1)
                    pattern = re.compile(f"^(?:{regex}|{alias})$")
                    self.routes.append((method.upper(), pattern, template))
        # The more fixed text a template has, the more specific it is.
        self.routes.sort(key=lambda r: -len(re.sub(r"\{[^}]+\}", "", r[2])))
        self.checked = 0
        self._validators: dict[str, OAS30Validator] = {}
        self._lock = threading.Lock()

    def observe(self, method: str, target: str, out: Outgoing) -> list[str]:
        """What is wrong with one answer the server sent (empty: nothing)."""
        path = urlsplit(target).path
        if out.reset or not out.checked or not path.startswith(API + "/"):
            return []
        route = self._route("GET" if method == "HEAD" else method, path[len(API) :])
        if route is None:
            return []  # not an operation: the server itself reports such a request
        problems = self.check(route[0], route[1], out.status, out.body)
        with self._lock:
            self.checked += 1
        return [f"{method} {path} {out.status}: {p}" for p in problems]

    def _route(self, method: str, path: str) -> tuple[str, str] | None:
        for verb, pattern, template in self.routes:
            if verb == method and pattern.match(path):
                return template, verb.lower()
        return None

    def check(self, template: str, method: str, status: int, raw: bytes) -> list[str]:
        """What the description says is wrong with this answer (empty: nothing)."""
        pointer = self.schema_of(template, method, status)
        if pointer is None:
            return [] if not raw else ["documented without a body, but one was sent"]
        if pointer == "":
            return [f"status {status} is not documented"]
        try:
            body = json.loads(raw) if raw else None
        except ValueError:
            return ["the body is not JSON"]
        return self.errors(pointer, body)

    def schema_of(self, template: str, method: str, status: int) -> str | None:
        """Pointer to the body's schema; None: no body; "": the status is not documented."""
        op_pointer = _pointer("paths", template, method)
        responses = references.at(self.doc, op_pointer)["responses"]
        if str(status) in responses:
            node = responses[str(status)]
            pointer = op_pointer + _pointer("responses", str(status))
        elif status in REDIRECTS:
            pointer = _pointer("components", "responses", REDIRECTS[status])
            node = references.at(self.doc, pointer)
        elif status >= 400:
            return ERROR_SHAPE  # any operation may fail with GitHub's error body
        else:
            return ""
        while "$ref" in node:
            pointer = node["$ref"].removeprefix("#")
            node = references.at(self.doc, pointer)
        for media in node.get("content", {}):
            if "json" in media:
                return pointer + _pointer("content", media, "schema")
        return ERROR_SHAPE if status >= 400 else None

    def errors(self, pointer: str, body: Any) -> list[str]:
        with self._lock:
            validator = self._validators.get(pointer)
            if validator is None:
                validator = OAS30Validator({"$ref": f"{URI}#{pointer}"}, registry=self.registry)
                self._validators[pointer] = validator
            found = list(validator.iter_errors(body))
        return [f"at /{'/'.join(map(str, e.absolute_path))}: {e.message[:300]}" for e in found]
