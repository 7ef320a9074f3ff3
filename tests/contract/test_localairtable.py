"""The local Airtable answers as Airtable does: pyairtable's own models parse every answer
into the class of its type (never the unknown-type fallback), and errors come in
Airtable's shapes."""

from __future__ import annotations

import pytest
import requests
import yaml
from pyairtable import Api
from pyairtable.models import schema as models

from tests.actionrun import ROOT
from tests.conftest import CURRENT
from tests.localairtable import builder
from tests.localairtable.server import SCHEMA_SCOPE

BASE = "appLocalBase00001"
TOKEN = "patLocal.0123456789abcdef0123456789abcdef"
EXAMPLE = ROOT / "examples" / "strukt-system" / "schema" / "AIRTABLE_SPEC.yaml"


def every_type() -> list[dict]:
    """One table with a field of each Airtable type the local server serves."""
    text = {"type": "singleLineText"}
    number = {"type": "number", "options": {"precision": 0}}
    tables = builder.base_from_spec(
        {
            "tables": {
                "t": {
                    "name": "All",
                    "fields": {
                        "name": {"type": "string"},
                        "other": {"type": "link", "link_table": "t"},
                    },
                }
            }
        }
    )
    link = builder.field(tables, "All", "other")["id"]
    kinds = [
        "singleLineText",
        "multilineText",
        "richText",
        "aiText",
        "email",
        "url",
        "phoneNumber",
        "barcode",
        "number",
        "currency",
        "percent",
        "rating",
        "duration",
        "autoNumber",
        "checkbox",
        "date",
        "dateTime",
        "createdTime",
        "lastModifiedTime",
        "singleSelect",
        "multipleSelects",
        "multipleAttachments",
    ]
    for kind in kinds:
        builder.add_field(tables, "All", kind, kind)
    builder.add_field(tables, "All", "count", "count", link_id=link)
    builder.add_field(tables, "All", "formula text", "formula", result=text)
    builder.add_field(tables, "All", "formula number", "formula", result=number)
    builder.add_field(tables, "All", "rollup", "rollup", result=number, link_id=link, other_id=link)
    builder.add_field(
        tables, "All", "lookup", "multipleLookupValues", result=text, link_id=link, other_id=link
    )
    return tables


def schema_of(local_airtable, tables):
    local_airtable.add_base(BASE, tables)
    local_airtable.add_token(TOKEN)
    api = Api(TOKEN, endpoint_url=local_airtable.url, retry_strategy=None)
    return api.base(BASE).schema()


@pytest.mark.parametrize("source", [CURRENT, EXAMPLE], ids=["fixture", "example"])
def test_a_base_built_from_a_spec_parses_with_pyairtables_models(local_airtable, source):
    spec = yaml.safe_load(source.read_text())
    schema = schema_of(local_airtable, builder.base_from_spec(spec))
    assert [t.name for t in schema.tables] == [t.get("name", k) for k, t in spec["tables"].items()]
    fields = [f for t in schema.tables for f in t.fields]
    assert not [f.name for f in fields if isinstance(f, models.UnknownFieldSchema)]


def test_every_type_served_parses_into_its_own_model(local_airtable):
    schema = schema_of(local_airtable, every_type())
    for field in schema.table("All").fields:
        assert not isinstance(field, models.UnknownFieldSchema), field.name
        assert type(field).__name__.lower().startswith(field.type.value.lower()), field.name


def test_links_carry_the_linked_table_and_their_inverse(local_airtable):
    spec = yaml.safe_load(CURRENT.read_text())
    schema = schema_of(local_airtable, builder.base_from_spec(spec))
    chat = schema.table("Chat Interactions")
    link = next(f for f in chat.fields if f.type == models.FieldType.MULTIPLE_RECORD_LINKS)
    assert link.options.linked_table_id == schema.table("Users").id
    inverse = next(
        f for f in schema.table("Users").fields if f.id == link.options.inverse_link_field_id
    )
    assert inverse.options.inverse_link_field_id == link.id


def test_ids_in_the_spec_are_the_ids_served(local_airtable):
    spec = yaml.safe_load(CURRENT.read_text())
    schema = schema_of(local_airtable, builder.base_from_spec(spec))
    users = schema.table(spec["tables"]["users"]["id"])
    assert (
        users.field(spec["tables"]["users"]["fields"]["email_address"]["id"]).name
        == "Email Address"
    )


def error_of(local_airtable, token, base=BASE):
    reply = requests.get(
        f"{local_airtable.url}/v0/meta/bases/{base}/tables",
        headers={"Authorization": f"Bearer {token}"},
        timeout=5,
    )
    return reply.status_code, reply.json()


def test_an_unknown_token_is_401_authentication_required(local_airtable):
    local_airtable.add_base(BASE, [])
    assert error_of(local_airtable, "patWrong")[1]["error"]["type"] == "AUTHENTICATION_REQUIRED"


@pytest.mark.parametrize(
    "scopes, bases", [(set(), {BASE}), ({SCHEMA_SCOPE}, set())], ids=["no-scope", "no-base-access"]
)
def test_a_token_without_scope_or_access_is_403(local_airtable, scopes, bases):
    local_airtable.add_base(BASE, [])
    local_airtable.add_token(TOKEN, bases=bases, scopes=scopes)
    status, body = error_of(local_airtable, TOKEN)
    assert (status, body["error"]["type"]) == (403, "INVALID_PERMISSIONS_OR_MODEL_NOT_FOUND")


def test_a_missing_base_is_403_like_a_hidden_one(local_airtable):
    local_airtable.add_token(TOKEN, bases={"appMissingBase0001"})
    assert error_of(local_airtable, TOKEN, "appMissingBase0001")[0] == 403


def test_more_than_five_requests_a_second_lock_the_base_out(local_airtable):
    local_airtable.add_base(BASE, [])
    local_airtable.add_token(TOKEN)
    statuses = [error_of(local_airtable, TOKEN)[0] for _ in range(7)]
    assert statuses[:5] == [200] * 5 and statuses[5:] == [429, 429]
    assert error_of(local_airtable, TOKEN)[1]["errors"][0]["error"] == "RATE_LIMIT_REACHED"


def test_injected_faults_answer_first_then_the_base(local_airtable):
    local_airtable.add_base(BASE, [])
    local_airtable.add_token(TOKEN)
    local_airtable.fail(503, times=2)
    assert [error_of(local_airtable, TOKEN)[0] for _ in range(3)] == [503, 503, 200]
