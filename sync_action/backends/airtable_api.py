"""Airtable's Metadata API through pyairtable; the only module that imports it.

One run makes one request, `GET /v0/meta/bases/{base}/tables` (`Base.schema()`),
parsed by pyairtable's own pydantic models and handed on as plain data
(`airtable_compare.BaseSchema`). pyairtable's retry waits only a few seconds on a
429, while Airtable locks a client out for 30 seconds, so retrying is done here:
a 429 waits the lockout out, a 5xx or a dropped connection backs off
exponentially, and nothing is tried once the next wait would pass the retry time.
Errors come out as `errors.RemoteError` with a message that says what to check;
the token never appears in one.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pydantic
import requests
from pyairtable import Api
from pyairtable.models import schema as models

from sync_action.core.errors import Forbidden, NotFound, RemoteError
from sync_action.engine.airtable_compare import BaseField, BaseSchema, BaseTable

TOKEN_DOCS = "https://airtable.com/create/tokens"


@dataclass(frozen=True)
class Retrying:
    """How long to keep trying: Airtable's 30-second lockout after a 429, backoff on 5xx."""

    lockout: float = 30.0
    backoff: float = 0.5
    max_retry_time: float = 120.0
    retries: int = 5
    timeout: tuple[int, int] = (10, 60)


def fetch_schema(
    api_url: str,
    base_id: str,
    token: str,
    retrying: Retrying | None = None,
    sleep: Callable[[float], None] = time.sleep,
) -> BaseSchema:
    """The base's tables and fields, after at most `retrying.retries` retries."""
    policy = retrying or Retrying()
    api = Api(token, endpoint_url=api_url, retry_strategy=None, timeout=policy.timeout)
    started = time.monotonic()
    attempt = 0
    while True:
        try:
            return _plain(api.base(base_id).schema())
        except requests.HTTPError as exc:
            status = exc.response.status_code if exc.response is not None else 0
            if status != 429 and status < 500:
                raise _refusal(status, _error_type(exc.response), base_id) from None
            wait = policy.lockout if status == 429 else _backoff(policy.backoff, attempt)
            last = f"Airtable answered {status}" + (" (rate limited)" if status == 429 else "")
        except requests.RequestException as exc:
            wait, last = _backoff(policy.backoff, attempt), f"no answer ({type(exc).__name__})"
        except pydantic.ValidationError as exc:
            raise RemoteError(
                f"Airtable's answer for base {base_id} is not a base schema "
                f"({exc.error_count()} problem(s), first at "
                f"{'.'.join(str(p) for p in exc.errors()[0]['loc'])})"
            ) from None
        attempt += 1
        if attempt > policy.retries or time.monotonic() - started + wait > policy.max_retry_time:
            raise RemoteError(
                f"Could not read the schema of Airtable base {base_id}: {last}, "
                f"after retries ({attempt} attempt(s))"
            )
        sleep(wait)


def _backoff(base: float, attempt: int) -> float:
    """Exponential backoff with equal jitter."""
    step = base * float(2**attempt)
    return step / 2 + random.uniform(0, step / 2)


def _error_type(response: requests.Response | None) -> str:
    """Airtable's `error.type` (or the bare `error` string it sends for some 404s)."""
    try:
        body: Any = response.json() if response is not None else None
    except ValueError:
        return ""
    error = body.get("error") if isinstance(body, dict) else None
    if isinstance(error, dict):
        return str(error.get("type", ""))
    return str(error or "")


def _refusal(status: int, error_type: str, base_id: str) -> RemoteError:
    """401/403/404 name what to check: the token, its scope, or its access to the base."""
    if status == 401:
        return Forbidden(
            f"Airtable rejected the token (401 {error_type or 'AUTHENTICATION_REQUIRED'}): "
            "check that 'airtable-token' holds a valid personal access token that has not "
            f"expired or been revoked ({TOKEN_DOCS})",
            status=status,
        )
    if status == 403:
        return Forbidden(
            f"Airtable refused to show base {base_id} (403 "
            f"{error_type or 'INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND'}): check the token's "
            "scope (it needs schema.bases:read) and its access (the base must be added to "
            f"the token), and that {base_id} is the right base ({TOKEN_DOCS})",
            status=status,
        )
    if status == 404:
        return NotFound(
            f"Airtable base {base_id} not found (404 {error_type or 'NOT_FOUND'}): "
            "check 'airtable-base-id' (the app... part of the base's URL) and 'airtable-api-url'",
            status=status,
        )
    return RemoteError(
        f"Airtable refused the request for base {base_id} ({status} {error_type})".rstrip(),
        status=status,
    )


def _plain(schema: models.BaseSchema) -> BaseSchema:
    return BaseSchema(
        tables=tuple(
            BaseTable(
                id=table.id,
                name=table.name,
                fields=tuple(_field(f) for f in table.fields),
            )
            for table in schema.tables
        )
    )


def _field(schema: Any) -> BaseField:
    """A field model as plain data; an unrecognised type is kept, marked unknown."""
    options = getattr(schema, "options", None)
    result = getattr(options, "result", None) if options is not None else None
    return BaseField(
        id=schema.id,
        name=schema.name,
        type=_type_name(schema.type),
        known=not isinstance(schema, models.UnknownFieldSchema),
        linked_table_id=getattr(options, "linked_table_id", None),
        inverse_link_field_id=getattr(options, "inverse_link_field_id", None),
        result_type=_type_name(result.type) if result is not None else None,
        precision=getattr(options, "precision", None),
    )


def _type_name(value: Any) -> str:
    return str(value.value) if isinstance(value, models.FieldType) else str(value)
