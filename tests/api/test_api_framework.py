"""The API on django-ninja: what the framework layer promises besides the endpoints themselves."""

import json

import pytest
from django.test import override_settings
from django.urls import include, path, reverse
from ninja import Router

from planning.models import PlanType
from sopsocial.api.actions import do_create_api_key
from sopsocial.api.framework import TenantApi

from ..planning import factories as pf
from .test_api import PRODUCT, _post


@pytest.fixture
def raw(admin_member):
    return do_create_api_key(admin_member, "erp-feed")[1]


def _auth(raw):
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}


def test_unmatched_api_paths_answer_json_404_for_any_method(client, tenant, raw):
    for method in ("get", "post", "delete"):
        for url in ("/api/v1/nope/", f"/api/v1/t/{tenant.slug}/nothing-here/", "/api/v1/t/%C2%B2/products/"):
            response = getattr(client, method)(url, **_auth(raw))
            assert response.status_code == 404 and response["Content-Type"] == "application/json"
            assert response.json()["errors"][0]["message"]


def test_a_method_an_endpoint_does_not_serve_is_json_405_with_allow(client, tenant, raw):
    url = reverse("planning_api:products_bulk", kwargs={"tenant_slug": tenant.slug})
    response = client.get(url, **_auth(raw))
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json()["errors"][0]["message"].startswith("Method GET is not allowed")


def test_lists_use_clean_keys(client, tenant, raw):
    pf.ProductFactory(tenant=tenant, sku="NW-1")
    version = pf.make_version(tenant, PlanType.DEMAND)
    products = client.get(reverse("planning_api:products", kwargs={"tenant_slug": tenant.slug}), **_auth(raw))
    item = products.json()["items"][0]
    assert set(item) == {"id", "sku", "name", "brand", "family", "unit", "case_size"}
    assert products.json()["next_after"] is None
    versions = client.get(reverse("planning_api:versions", kwargs={"tenant_slug": tenant.slug}), **_auth(raw))
    assert versions.json()["items"][0] == {
        "id": version.pk,
        "plan": "demand",
        "number": version.number,
        "status": version.status,
        "start_week": version.start_week.isoformat(),
        "weeks": version.weeks,
    }


@pytest.mark.parametrize("value", ["²", "٣", "-1", "1.5", "99999999999"])
def test_a_cursor_that_is_not_an_ascii_whole_number_is_a_400_naming_it(client, tenant, raw, value):
    url = reverse("planning_api:products", kwargs={"tenant_slug": tenant.slug})
    response = client.get(url, {"after": value}, **_auth(raw))
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "after"


def test_an_undeclared_query_parameter_is_a_400_naming_it(client, tenant, raw):
    url = reverse("planning_api:products", kwargs={"tenant_slug": tenant.slug})
    response = client.get(url, {"afetr": "5"}, **_auth(raw))
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "afetr"
    assert client.get(url, {"after": "5"}, **_auth(raw)).status_code == 200


def test_a_query_parameter_given_twice_is_a_400_naming_it(client, tenant, raw):
    """`?q=a&q=b` is not quietly read as one of them: every parameter of the API takes one value."""
    url = reverse("process_decisions_api:decisions", kwargs={"tenant_slug": tenant.slug})
    response = client.get(f"{url}?q=promo&q=&status=open", **_auth(raw))
    assert response.status_code == 400
    assert response.json()["errors"] == [{"row": None, "field": "q", "message": "Give q once."}]
    assert client.get(f"{url}?q=promo&status=open", **_auth(raw)).status_code == 200


@pytest.mark.parametrize("value", ["x" * 201, "a\x00b"])
def test_a_bad_idempotency_key_is_a_400_naming_the_header_and_writes_nothing(client, tenant, raw, value):
    response = _post(client, tenant, "products_bulk", [PRODUCT], raw, idem=value)
    assert response.status_code == 400 and response.json()["errors"][0]["field"] == "Idempotency-Key"


def test_strings_numbers_and_dates_are_taken_as_the_schema_says(client, tenant, raw):
    items = [
        {**PRODUCT, "sku": ""},  # required: at least one character
        {**PRODUCT, "sku": "S2", "case_size": "12"},  # an integer, not text
        {**PRODUCT, "sku": "S3", "case_size": 10.5},
        {**PRODUCT, "sku": "x" * 65},
    ]
    response = _post(client, tenant, "products_bulk", items, raw)
    assert response.status_code == 422
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} == {
        (0, "sku"),
        (1, "case_size"),
        (2, "case_size"),
        (3, "sku"),
    }


def test_the_docs_page_is_generated_and_needs_no_network(client):
    page = client.get("/api/v1/docs/").content.decode()
    for operation_id in ("upsert_products", "upsert_plan_entries", "list_products", "list_versions"):
        assert "/api/v1/t/{tenant}/" in page and operation_id in page
    assert "cdn" not in page.lower() and "https://" not in page


def test_the_document_links_lists_to_the_operations_they_feed(client):
    doc = client.get("/api/v1/openapi.json").json()
    versions = doc["paths"]["/api/v1/t/{tenant}/plan-versions/"]["get"]["responses"]["200"]["links"]
    assert versions["UpsertEntries"]["operationId"] == "upsert_plan_entries"
    assert versions["UpsertEntries"]["parameters"]["version_id"] == "$response.body#/items/0/id"
    products = doc["paths"]["/api/v1/t/{tenant}/products/"]["get"]["responses"]["200"]["links"]
    assert products["NextPage"]["parameters"]["after"] == "$response.body#/next_after"
    bulk = doc["paths"]["/api/v1/t/{tenant}/products/bulk/"]["post"]
    assert set(bulk["responses"]) >= {"200", "400", "401", "404", "409", "413", "422"}
    assert {p["name"] for p in bulk["parameters"]} == {"tenant", "Idempotency-Key"}


# A router that forgot the tenant auth: its route must never run.
_leaky = Router()


@_leaky.get("t/{slug:tenant_slug}/leak/", url_name="leak")
def leak(request, tenant_slug: str):
    return {"secret": tenant_slug}


_leaky_api = TenantApi(title="leaky", urls_namespace="api")
_leaky_api.add_router("", _leaky)
urlpatterns = [path("api/v1/", include(_leaky_api.url_patterns()))]


def test_a_tenant_route_without_the_tenant_auth_never_runs(client, admin_member):
    client.raise_request_exception = False
    client.force_login(admin_member.user)
    with override_settings(ROOT_URLCONF=__name__):
        response = client.get(f"/api/v1/t/{admin_member.tenant.slug}/leak/")
    assert response.status_code == 500 and b"secret" not in response.content
    assert json.dumps({"secret": admin_member.tenant.slug}).encode() not in response.content
