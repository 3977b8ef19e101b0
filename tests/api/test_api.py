"""ERP API: keys, the guard, bulk upserts (all or nothing), idempotency, errors, schema and docs."""

import json

import pytest
from django.test import override_settings
from django.urls import reverse

from planning.models import Customer, PlanEntry, Product, SalesOrder
from sopsocial.api.actions import do_create_api_key, do_revoke_api_key
from sopsocial.api.models import ApiKey, hash_key
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory
from ..planning import factories as pf


@pytest.fixture
def key(admin_member):
    return do_create_api_key(admin_member, "erp-feed")


def _post(client, tenant, name, items, raw=None, idem=None, **kwargs):
    url = reverse(f"planning_api:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})
    headers = {}
    if raw:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    if idem:
        headers["HTTP_IDEMPOTENCY_KEY"] = idem
    body = items if isinstance(items, (str, bytes)) else json.dumps({"items": items})
    return client.post(url, body, content_type="application/json", **headers)


PRODUCT = {
    "sku": "NW-1001",
    "name": "Oat Crunch 500g",
    "brand": "Crunchy",
    "family": "Cereal",
    "case_size": 12,
}


def _nothing_written(before_events):
    return not Product.objects.exists() and AuditEvent.objects.count() == before_events


def test_key_is_shown_once_and_stored_hashed(tenant, admin_member, client_for):
    client = client_for(admin_member)
    url = reverse("api_keys:list", kwargs={"tenant_slug": tenant.slug})
    response = client.post(url, {"name": "erp-feed"})
    raw = response.context["raw"]
    stored = ApiKey.objects.get()
    assert raw.startswith("sops_") and len(raw) > 40 and raw.encode() in response.content
    assert stored.key_hash == hash_key(raw) and raw not in json.dumps(
        list(ApiKey.objects.values()), default=str
    )
    assert raw.encode() not in client.get(url).content
    client.post(reverse("api_keys:revoke", kwargs={"tenant_slug": tenant.slug, "api_key_id": stored.pk}))
    stored.refresh_from_db()
    assert stored.revoked_at is not None


def test_planner_cannot_manage_keys(tenant, planner_member, client_for):
    response = client_for(planner_member).get(reverse("api_keys:list", kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 403


def test_upsert_products_audited_with_the_key_as_actor_and_last_used_recorded(tenant, client, key):
    api_key, raw = key
    response = _post(client, tenant, "products_bulk", [PRODUCT], raw)
    assert response.status_code == 200 and response.json() == {"created": 1, "updated": 0, "unchanged": 0}
    product = Product.objects.get()
    assert product.brand.name == "Crunchy" and product.subject.title == "Oat Crunch 500g"
    event = AuditEvent.objects.get(verb="planning.products_load")
    assert event.actor_label == "API key erp-feed" and event.actor_id is None
    api_key.refresh_from_db()
    assert api_key.last_used_at is not None
    again = _post(client, tenant, "products_bulk", [PRODUCT], raw)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}


def test_missing_key_is_401_json_not_a_login_redirect(tenant, client):
    response = _post(client, tenant, "products_bulk", [PRODUCT])
    assert response.status_code == 401 and response.json()["errors"][0]["field"] == "Authorization"
    assert not Product.objects.exists()


def test_revoked_key_is_401(tenant, client, key, admin_member):
    do_revoke_api_key(admin_member, key[0])
    events = AuditEvent.objects.count()
    assert _post(client, tenant, "products_bulk", [PRODUCT], key[1]).status_code == 401
    assert _nothing_written(events)


def test_unknown_key_is_401(tenant, client, key):
    assert _post(client, tenant, "products_bulk", [PRODUCT], "sops_not-a-key").status_code == 401


def test_key_of_another_tenant_is_404(tenant, other_tenant, client, key):
    events = AuditEvent.objects.count()
    response = _post(client, other_tenant, "products_bulk", [PRODUCT], key[1])
    assert response.status_code == 404 and _nothing_written(events)


def test_wrong_types_unknown_fields_and_missing_fields_name_each_row(tenant, client, key):
    events = AuditEvent.objects.count()
    items = [PRODUCT, {"sku": 5, "name": "x"}, {"sku": "A", "case_size": "many", "colour": "red"}, "nope"]
    response = _post(client, tenant, "products_bulk", items, key[1])
    assert response.status_code == 422
    errors = {(e["row"], e["field"]) for e in response.json()["errors"]}
    assert errors == {(1, "sku"), (2, "name"), (2, "case_size"), (2, "colour"), (3, None)}
    assert _nothing_written(events)


def test_unknown_sku_in_actuals_is_reported_and_nothing_written(tenant, client, key):
    pf.ProductFactory(tenant=tenant, sku="NW-1")
    pf.CustomerFactory(tenant=tenant, code="C")
    pf.FacilityFactory(tenant=tenant, code="F")
    items = [
        {"sku": "NW-1", "customer": "C", "facility": "F", "week": "2026-11-23", "qty": 5},
        {"sku": "GHOST", "customer": "C", "facility": "F", "week": "2026-11-23", "qty": "lots"},
    ]
    response = _post(client, tenant, "actuals_bulk", items, key[1])
    assert response.status_code == 422
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} == {(1, "qty")}
    items[1]["qty"] = 3
    response = _post(client, tenant, "actuals_bulk", items, key[1])
    assert response.json()["errors"] == [{"row": 1, "field": "sku", "message": "unknown product SKU “GHOST”"}]
    from planning.models import Actual

    assert not Actual.objects.exists()


def test_duplicate_keys_in_one_batch_are_refused(tenant, client, key):
    events = AuditEvent.objects.count()
    response = _post(client, tenant, "products_bulk", [PRODUCT, {**PRODUCT, "name": "Other"}], key[1])
    assert response.status_code == 422
    assert response.json()["errors"][0]["row"] == 1 and response.json()["errors"][0]["field"] == "sku"
    assert _nothing_written(events)


@override_settings(PLANNING_API_MAX_BATCH=2)
def test_oversize_batch_is_413(tenant, client, key):
    items = [{**PRODUCT, "sku": f"S{i}"} for i in range(3)]
    response = _post(client, tenant, "products_bulk", items, key[1])
    assert response.status_code == 413 and response.json()["errors"][0]["field"] == "items"
    assert not Product.objects.exists()


def test_malformed_json_is_400(tenant, client, key):
    assert _post(client, tenant, "products_bulk", "{not json", key[1]).status_code == 400
    assert _post(client, tenant, "products_bulk", json.dumps([PRODUCT]), key[1]).status_code == 400


def test_idempotency_key_replays_and_refuses_a_different_body(tenant, client, key):
    first = _post(client, tenant, "customers_bulk", [{"code": "C1", "name": "One"}], key[1], idem="batch-1")
    events = AuditEvent.objects.count()
    replay = _post(client, tenant, "customers_bulk", [{"code": "C1", "name": "One"}], key[1], idem="batch-1")
    assert replay.json() == first.json() == {"created": 1, "updated": 0, "unchanged": 0}
    assert replay["Idempotent-Replayed"] == "true" and AuditEvent.objects.count() == events
    other = _post(client, tenant, "customers_bulk", [{"code": "C2", "name": "Two"}], key[1], idem="batch-1")
    assert other.status_code == 422 and Customer.objects.count() == 1


def test_sales_order_arrives_with_lines_parents_and_a_feed_item(tenant, client, key):
    product = pf.ProductFactory(tenant=tenant, sku="NW-1001")
    customer = pf.CustomerFactory(tenant=tenant, code="CONTOSO", name="Contoso Retail")
    facility = pf.FacilityFactory(tenant=tenant, code="LEEDS")
    order = {
        "number": "SO-9001",
        "customer": "CONTOSO",
        "facility": "LEEDS",
        "order_date": "2026-11-24",
        "ship_date": "2026-12-14",
        "lines": [{"sku": "NW-1001", "qty": 3600}],
    }
    response = _post(client, tenant, "sales_orders_bulk", [order], key[1])
    assert response.status_code == 200, response.json()
    so = SalesOrder.objects.get()
    parents = set(so.subject.parents.values_list("pk", flat=True))
    assert parents == {product.subject_id, customer.subject_id, facility.subject_id}
    from feeds.models import FeedItem

    item = FeedItem.objects.get(subject=so.subject)
    assert "3,600 cases" in item.body
    bad = {**order, "number": "SO-9002", "lines": [{"sku": "NOPE", "qty": 1}], "ship_date": "2026-01-01"}
    response = _post(client, tenant, "sales_orders_bulk", [bad], key[1])
    assert {e["field"] for e in response.json()["errors"]} == {"lines", "ship_date"}


def test_plan_entries_endpoint_writes_plan_changes(tenant, client, key):
    pf.ProductFactory(tenant=tenant, sku="NW-1")
    pf.CustomerFactory(tenant=tenant, code="C")
    pf.FacilityFactory(tenant=tenant, code="F")
    version = pf.make_version(tenant)
    item = {
        "sku": "NW-1",
        "customer": "C",
        "facility": "F",
        "week": version.start_week.isoformat(),
        "qty": 10,
    }
    response = _post(client, tenant, "plan_entries_bulk", [item], key[1], version_id=version.pk)
    assert response.status_code == 200 and PlanEntry.objects.get().qty == 10
    assert version.changes.get().changed_by_label == "API key erp-feed"
    other = pf.make_version(pf.TenantFactory(slug="else"))
    assert _post(client, tenant, "plan_entries_bulk", [item], key[1], version_id=other.pk).status_code == 404


def test_members_session_may_read_but_outsiders_get_404(tenant, other_tenant, client_for):
    url = reverse("planning_api:products", kwargs={"tenant_slug": tenant.slug})
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    assert client_for(viewer).get(url).status_code == 200
    outsider = MembershipFactory(tenant=other_tenant, role="admin")
    assert client_for(outsider).get(url).status_code == 404


def test_openapi_document_lists_every_endpoint_and_docs_render(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert doc["openapi"].startswith("3.")
    paths = doc["paths"]
    for p in ("products", "customers", "facilities", "sales-orders", "inventory", "actuals"):
        op = paths[f"/api/v1/t/{{tenant}}/{p}/bulk/"]["post"]
        assert "422" in op["responses"] and op["requestBody"]["content"]["application/json"]["schema"]
    assert "/api/v1/t/{tenant}/plan-versions/{version_id}/entries/bulk/" in paths
    page = client.get("/api/v1/docs/")
    assert (
        page.status_code == 200
        and b"Idempotency-Key" in page.content
        and b"<script" not in page.content.split(b"<body")[1].split(b"</header>")[1]
    )


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=100)
def test_body_larger_than_the_upload_limit_is_413_json(tenant, client, key):
    response = _post(client, tenant, "products_bulk", [PRODUCT] * 5, key[1])
    assert response.status_code == 413 and response.json()["errors"][0]["field"] == "items"
