"""The ERP API sets a plan up as the Plans page does: a cycle with its first drafts, more drafts, resources
and their capacity, suppliers; then entries load into the new draft."""

import json

import pytest
from django.urls import reverse

from planning.models import PlanCycle, PlanVersion, Resource, ResourceCapacity
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.models import AuditEvent

from ..planning import factories as pf


@pytest.fixture
def raw_key(admin_member):
    return do_create_api_key(admin_member, "erp-feed")[1]


def _call(client, tenant, name, body=None, raw=None, method="post", **kwargs):
    url = reverse(f"planning_api:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if method == "get":
        return client.get(url, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_a_cycle_and_its_drafts_through_the_api_then_entries_load_into_them(tenant, client, raw_key):
    pf.ProductFactory(tenant=tenant, sku="NW-1")
    pf.CustomerFactory(tenant=tenant, code="C")
    pf.FacilityFactory(tenant=tenant, code="F")
    body = {"month": "2026-12-15", "start_week": "2026-11-04", "horizon_weeks": 8}
    created = _call(client, tenant, "cycles", body, raw_key)
    assert created.status_code == 200, created.json()
    cycle = created.json()
    assert (cycle["month"], cycle["start_week"], cycle["horizon_weeks"]) == ("2026-12-01", "2026-11-02", 8)
    assert sorted(v["plan"] for v in cycle["versions"]) == ["demand", "supply"]
    assert all(v["status"] == "draft" and v["weeks"] == 8 for v in cycle["versions"])
    assert AuditEvent.objects.filter(verb="planning.cycle_create", actor_label="API key erp-feed").exists()

    again = _call(client, tenant, "cycles", body, raw_key)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "month"
    assert PlanCycle.objects.filter(tenant=tenant).count() == 1

    extra = _call(
        client, tenant, "versions", {"cycle": cycle["id"], "plan": "demand", "name": "Sales"}, raw_key
    )
    assert extra.status_code == 200 and extra.json()["status"] == "draft"
    demand = next(v for v in cycle["versions"] if v["plan"] == "demand")
    item = {"sku": "NW-1", "customer": "C", "facility": "F", "week": "2026-11-02", "qty": 100}
    url = reverse(
        "planning_api:plan_entries_bulk", kwargs={"tenant_slug": tenant.slug, "version_id": demand["id"]}
    )
    loaded = client.post(
        url,
        json.dumps({"items": [item]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw_key}",
    )
    assert loaded.json() == {"created": 1, "updated": 0, "unchanged": 0}
    listed = _call(client, tenant, "cycles", raw=raw_key, method="get").json()["items"]
    assert [len(c["versions"]) for c in listed] == [3]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"month": "2026-02-30", "start_week": "2026-02-02", "horizon_weeks": 4}, "month"),
        ({"month": "2026-02-01", "start_week": "2026-02-02", "horizon_weeks": 0}, "horizon_weeks"),
        (
            {"month": "2026-02-01", "start_week": "2026-02-02", "horizon_weeks": 4, "versions": ["forecast"]},
            "versions",
        ),
        ({"month": "2026-02-01", "horizon_weeks": 4}, "start_week"),
        ({"month": "2026-02-01", "start_week": "2026-02-02", "horizon_weeks": "4"}, "horizon_weeks"),
    ],
)
def test_bad_cycles_are_refused_naming_the_field_and_write_nothing(tenant, client, raw_key, body, field):
    response = _call(client, tenant, "cycles", body, raw_key)
    assert response.status_code in (400, 422)
    assert field in {e["field"] for e in response.json()["errors"]}
    assert not PlanCycle.objects.exists() and not PlanVersion.objects.exists()


def test_a_draft_for_another_tenants_cycle_is_refused(tenant, client, raw_key):
    other = pf.TenantFactory(slug="someone-else")
    foreign = PlanCycle.objects.create(tenant=other, month="2026-12-01", horizon_weeks=4)
    response = _call(client, tenant, "versions", {"cycle": foreign.pk, "plan": "demand"}, raw_key)
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "cycle"
    assert not PlanVersion.objects.exists()


def test_resources_capacity_usage_and_suppliers_have_bulk_endpoints(tenant, client, raw_key):
    pf.FacilityFactory(tenant=tenant, code="LEEDS")
    pf.ProductFactory(tenant=tenant, sku="NW-1")

    def bulk(name, items):
        return _call(client, tenant, name, {"items": items}, raw_key)

    assert bulk("suppliers_bulk", [{"code": "ACME", "name": "Acme Oats"}]).json()["created"] == 1
    assert (
        bulk("resources_bulk", [{"code": "LINE-1", "name": "Line 1", "facility": "LEEDS"}]).json()["created"]
        == 1
    )
    capacity = bulk("resource_capacity_bulk", [{"resource": "LINE-1", "week": "2026-12-16", "capacity": 80}])
    assert capacity.status_code == 200, capacity.json()
    assert ResourceCapacity.objects.get().capacity == 80
    usage = bulk("resource_loads_bulk", [{"resource": "LINE-1", "sku": "NW-1", "usage": 0.0125}])
    assert usage.status_code == 200, usage.json()
    too_fine = bulk("resource_loads_bulk", [{"resource": "LINE-1", "sku": "NW-1", "usage": 0.00001}])
    assert too_fine.status_code == 422 and too_fine.json()["errors"][0]["field"] == "usage"
    unknown = bulk("resource_capacity_bulk", [{"resource": "NOPE", "week": "2026-12-16", "capacity": 1}])
    assert unknown.status_code == 422 and unknown.json()["errors"][0] == {
        "row": 0,
        "field": "resource",
        "message": "unknown resource code “NOPE”",
    }
    assert Resource.objects.get().code == "LINE-1"


def test_a_retried_cycle_with_the_same_idempotency_key_is_replayed_not_refused(tenant, client, raw_key):
    url = reverse("planning_api:cycles", kwargs={"tenant_slug": tenant.slug})
    body = json.dumps({"month": "2027-01-01", "start_week": "2027-01-04", "horizon_weeks": 6})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw_key}", "HTTP_IDEMPOTENCY_KEY": "cycle-2027-01"}
    first = client.post(url, body, content_type="application/json", **headers)
    replay = client.post(url, body, content_type="application/json", **headers)
    assert first.status_code == replay.status_code == 200
    assert replay["Idempotent-Replayed"] == "true" and replay.json() == first.json()
    assert PlanCycle.objects.count() == 1 and PlanVersion.objects.count() == 2


@pytest.mark.parametrize(("month", "start"), [("5120-04-15", "2026-01-05"), ("2026-01-01", "0214-07-05")])
def test_dates_outside_any_plan_are_refused_not_a_500(tenant, client, raw_key, month, start):
    body = {"month": month, "start_week": start, "horizon_weeks": 86}
    response = _call(client, tenant, "cycles", body, raw_key)
    assert response.status_code == 422 and "between 1900 and 2999" in response.json()["errors"][0]["message"]
    assert not PlanCycle.objects.exists()
