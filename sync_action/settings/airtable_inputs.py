"""Airtable mode's inputs: the base, the token, the API URL and the retry waits.

`config.load` hands over the inputs and the environment it was given (this module
reads no other), so a malformed base id or a missing token stops the run with
exit 2 before any request is made.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from sync_action.core.errors import UsageError

BASE_ID = re.compile(r"^app[A-Za-z0-9]{14}$")
# Seconds to wait after a 429 (Airtable locks a client out for 30) and the first 5xx
# backoff; tests set them small so that no run sleeps for real.
AIRTABLE_WAITS = {"SCHEMA_SYNC_AIRTABLE_LOCKOUT": 30.0, "SCHEMA_SYNC_AIRTABLE_BACKOFF": 0.5}


def airtable_inputs(raw: Mapping[str, str], env: Mapping[str, str]) -> dict[str, Any]:
    """Airtable mode's base, token and API URL, checked before any request is made."""
    base_id = raw["airtable-base-id"] or env.get("AIRTABLE_BASE_ID", "").strip()
    token = raw["airtable-token"] or env.get("AIRTABLE_API_KEY", "").strip()
    url = raw["airtable-api-url"].rstrip("/")
    if not base_id:
        raise UsageError(
            "Input 'airtable-base-id' is required in airtable mode (or the environment "
            "variable AIRTABLE_BASE_ID): the base's id, app followed by 14 letters or digits"
        )
    if not BASE_ID.match(base_id):
        raise UsageError(
            f"Input 'airtable-base-id': '{base_id}' is not an Airtable base id "
            "(app followed by 14 letters or digits, as in the base's URL)"
        )
    if not token:
        raise UsageError(
            "No Airtable token: set the 'airtable-token' input (or the environment variable "
            "AIRTABLE_API_KEY) to a personal access token with the schema.bases:read scope"
        )
    if not re.match(r"^https?://[^/\s]+", url):
        raise UsageError(f"Input 'airtable-api-url': '{url}' is not an http(s) URL")
    waits = []
    for name, default in AIRTABLE_WAITS.items():
        try:
            waits.append(float(env.get(name) or default))
        except ValueError:
            raise UsageError(f"{name} must be a number of seconds, got '{env[name]}'") from None
    return {
        "airtable_base_id": base_id,
        "airtable_token": token,
        "airtable_api_url": url,
        "airtable_waits": (waits[0], waits[1]),
    }
