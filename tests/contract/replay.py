"""Replaying an exchange recorded against api.github.com on the local GitHub, and comparing
the two answers the way the tests need: status, the headers that matter, the body's keys.

Values are never compared (ids, dates and URLs differ by nature); key sets are, at every
depth. A key GitHub recorded must be answered; a key answered but not recorded must at
least be one GitHub's description declares (the recordings are from 2022, the
description newer).
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlsplit

import requests

from tests.localgithub import LocalGitHub
from tests.localgithub import references as R

RECORDED_API = "https://api.github.com"
RECORDED_WEB = "https://github.com"
TOKEN = "ghp_replaytoken"


@dataclass
class Replay:
    """One scenario on one server; `names` maps recorded text (ids, shas) to local text."""

    server: LocalGitHub
    names: dict[str, str] = field(default_factory=dict)

    def local(self, text: str) -> str:
        for recorded, here in self.names.items():
            text = text.replace(recorded, here)
        return text.replace(RECORDED_API, self.server.api_url).replace(
            RECORDED_WEB, self.server.server_url
        )

    def send(self, exchange: dict[str, Any]) -> requests.Response:
        body = exchange["request"]
        if isinstance(body, dict | list):
            body = json.loads(self.local(json.dumps(body)))
        return requests.request(
            exchange["method"],
            self.server.api_url + self.local(exchange["path"]),
            json=body,
            headers={
                "Authorization": f"token {TOKEN}",
                "Accept": "application/vnd.github.v3+json",
            },
            allow_redirects=False,
            timeout=10,
        )

    def differences(self, exchange: dict[str, Any], answer: requests.Response) -> list[str]:
        """How the local answer differs from the recorded one (empty: it does not)."""
        found = []
        if answer.status_code != exchange["status"]:
            found.append(f"status {answer.status_code}, recorded {exchange['status']}")
        recorded = exchange["headers"]
        if "location" in recorded and answer.headers.get("Location") != self.local(
            recorded["location"]
        ):
            found.append(
                f"Location {answer.headers.get('Location')}, recorded {recorded['location']}"
            )
        if "link" in recorded and links(answer.headers.get("Link", "")) != links(
            self.local(recorded["link"])
        ):
            found.append(f"Link {answer.headers.get('Link')}, recorded {recorded['link']}")
        answered_headers = {k.lower() for k in answer.headers}
        for name in recorded:
            if name.startswith("x-ratelimit-") and name not in answered_headers:
                found.append(f"no {name} header")
        if exchange["response"] is not None:
            declared = declared_names(exchange["operation"], exchange["status"])
            found += keys(exchange["response"], answer.json(), declared)
        return found


def links(header: str) -> list[tuple[str, str, list[tuple[str, str]]]]:
    """A Link header as (rel, path, sorted query) triples: equal when they lead the same way."""
    found = []
    for item in requests.utils.parse_header_links(header) if header else []:
        url = urlsplit(item["url"])
        found.append((item.get("rel", ""), url.path, sorted(parse_qsl(url.query))))
    return sorted(found)


def keys(recorded: Any, answered: Any, declared: set[str], at: str = "") -> list[str]:
    """Where the key sets of two bodies differ, recursively (lists item by item)."""
    if isinstance(recorded, dict):
        if not isinstance(answered, dict):
            return [f"{at or '/'}: an object was recorded, {type(answered).__name__} answered"]
        found = [f"{at}/{k}: recorded, not answered" for k in recorded if k not in answered]
        found += [
            f"{at}/{k}: answered, neither recorded nor declared by the description"
            for k in answered
            if k not in recorded and k not in declared
        ]
        for k in recorded.keys() & answered.keys():
            found += keys(recorded[k], answered[k], declared, f"{at}/{k}")
        return found
    if isinstance(recorded, list):
        if not isinstance(answered, list):
            return [f"{at or '/'}: a list was recorded, {type(answered).__name__} answered"]
        found = []
        for number, (one, other) in enumerate(zip(recorded, answered, strict=False)):
            found += keys(one, other, declared, f"{at}/{number}")
        return found
    return []


def declared_names(operation: str, status: int) -> set[str]:
    """Every property name the description declares anywhere in this answer's schema."""
    doc = R.description()
    for item in doc["paths"].values():
        for op in item.values():
            if isinstance(op, dict) and op.get("operationId") == operation:
                response = op["responses"].get(str(status), {})
                found = _names(doc, response, set())
                if status >= 400:  # every error body is GitHub's error shape at least
                    found |= _names(doc, R.at(doc, "/components/schemas/basic-error"), set())
                return found
    return set()


def _names(doc: dict[str, Any], node: Any, seen: set[str]) -> set[str]:
    if isinstance(node, list):
        return set().union(*(_names(doc, item, seen) for item in node)) if node else set()
    if not isinstance(node, dict):
        return set()
    ref = node.get("$ref")
    if isinstance(ref, str):
        if ref in seen:
            return set()
        seen.add(ref)
        return _names(doc, R.at(doc, ref.removeprefix("#")), seen)
    found = set(node.get("properties", {}))
    for value in node.values():
        found |= _names(doc, value, seen)
    return found
