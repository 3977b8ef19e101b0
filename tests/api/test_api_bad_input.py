"""Review fixes for the ERP API: values the database would refuse are 4xx JSON errors naming the field,
and any unexpected error is a JSON 500 (logged), never Django's HTML error page."""

import pytest
from django.core.exceptions import ValidationError
from django.db import DataError

from planning import actions, imports
from planning import api as planning_api
from planning.models import Product
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.models import AuditEvent

from .test_api import PRODUCT, _post


@pytest.fixture
def raw(admin_member):
    return do_create_api_key(admin_member, "erp-feed")[1]


def _field_errors(response):
    return {(e["row"], e["field"]) for e in response.json()["errors"]}


def test_case_size_beyond_the_database_integer_is_a_422_naming_the_field(tenant, client, raw):
    events = AuditEvent.objects.count()
    response = _post(client, tenant, "products_bulk", [{**PRODUCT, "case_size": 10**15}], raw)
    assert response.status_code == 422 and response["Content-Type"] == "application/json"
    assert (0, "case_size") in _field_errors(response)
    assert not Product.objects.exists() and AuditEvent.objects.count() == events
    ok = _post(client, tenant, "products_bulk", [{**PRODUCT, "case_size": imports.INT_MAX}], raw)
    assert ok.status_code == 200 and Product.objects.get().case_size == imports.INT_MAX


@pytest.mark.parametrize(
    "name, item, field",
    [
        ("products_bulk", {**PRODUCT, "name": "Oat\x00Crunch"}, "name"),
        ("products_bulk", {**PRODUCT, "sku": "\x00"}, "sku"),
        ("facilities_bulk", {"code": "LEEDS", "name": "Leeds", "kind": "de\x00pot"}, "kind"),
    ],
)
def test_nul_in_a_string_is_a_422_naming_the_field(tenant, client, raw, name, item, field):
    response = _post(client, tenant, name, [item], raw)
    assert response.status_code == 422 and (0, field) in _field_errors(response)
    assert "NUL" in response.content.decode() or field == "kind"


def test_nul_in_an_order_line_sku_is_a_422(tenant, client, raw):
    item = {
        "number": "SO-1",
        "customer": "C",
        "facility": "F",
        "order_date": "2026-11-24",
        "ship_date": "2026-12-01",
        "lines": [{"sku": "NW\x00", "qty": 1}],
    }
    response = _post(client, tenant, "sales_orders_bulk", [item], raw)
    assert response.status_code == 422 and (0, "lines") in _field_errors(response)


def test_database_refusals_during_the_write_are_a_422_json(tenant, client, raw, monkeypatch):
    def refuse(*args, **kwargs):
        raise DataError("value too long")

    monkeypatch.setattr(actions, "do_load_rows", refuse)
    response = _post(client, tenant, "products_bulk", [PRODUCT], raw)
    assert response.status_code == 422 and response.json()["errors"][0]["message"]

    def invalid(*args, **kwargs):
        raise ValidationError({"qty": ["Enter a number."]})

    monkeypatch.setattr(actions, "do_load_rows", invalid)
    response = _post(client, tenant, "products_bulk", [PRODUCT], raw)
    assert response.status_code == 422 and response.json()["errors"] == [
        {"row": None, "field": "qty", "message": "Enter a number."}
    ]


def test_an_unexpected_error_is_a_logged_json_500(tenant, client, raw, monkeypatch, caplog):
    def boom(*args, **kwargs):
        raise RuntimeError("bug")

    monkeypatch.setattr(imports, "validate", boom)
    response = _post(client, tenant, "products_bulk", [PRODUCT], raw)
    assert response.status_code == 500 and response["Content-Type"] == "application/json"
    assert response.json()["errors"][0]["message"].startswith("Internal error")
    assert any("bug" in (r.exc_text or str(r.exc_info)) for r in caplog.records if r.levelname == "ERROR")


def test_schema_bounds_integers_and_refuses_nul(client):
    props = planning_api.item_schema("products")["properties"]
    # an optional column may be null: the bounds are on the integer branch
    case_size = next(s for s in props["case_size"]["anyOf"] if s["type"] == "integer")
    assert case_size["maximum"] == 2147483647 and case_size["minimum"] == 0
    assert props["sku"]["pattern"] == "^[^\\u0000]*$"
    assert props["sku"]["minLength"] == 1 and props["sku"]["maxLength"] == 64
    # the published document is generated from the same types
    document = client.get("/api/v1/openapi.json").json()
    published = document["components"]["schemas"]["ProductsItem"]["properties"]
    assert published["sku"] == props["sku"] and published["case_size"]["anyOf"] == props["case_size"]["anyOf"]
