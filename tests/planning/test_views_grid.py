"""The plan grid: fixed query count, htmx cell saves and their refusals, panel, export."""

import datetime as dt

import pytest
from django.urls import reverse

from planning.models import PlanChange, PlanEntry, Product, VersionStatus

from ..factories import MembershipFactory
from ..queries import assert_queries
from . import factories as pf


def _grid_world(tenant, products):
    customer, facility = pf.CustomerFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    brand = pf.BrandFactory(tenant=tenant)
    items = [pf.ProductFactory(tenant=tenant, brand=brand) for _ in range(products)]
    version = pf.make_version(
        tenant, cells=[(p, customer, facility, w, 10 + w) for p in items for w in range(26)]
    )
    return version, items, customer, facility


def _grid_url(version):
    return reverse("planning:grid", kwargs={"tenant_slug": version.tenant.slug, "version_id": version.pk})


# session, membership (guard), version, products, entries, customers, facilities, notes, the cycle lock,
# 4 filter lists, feeds badge context, products for "Add a row", the My work count in the menu
GRID_QUERIES = 17


@pytest.mark.parametrize("products", [200, 20])
def test_grid_renders_with_a_fixed_number_of_queries(tenant, planner_member, client_for, products):
    version, *_ = _grid_world(tenant, products)
    client = client_for(planner_member)
    client.get(_grid_url(version))  # warm the session
    with assert_queries(GRID_QUERIES):
        response = client.get(_grid_url(version))
    assert response.status_code == 200
    assert response.content.count(b'class="cell-input"') == products * 26


def test_grid_filters_and_totals(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 3)
    response = client_for(planner_member).get(_grid_url(version), {"q": items[0].sku})
    grid = response.context["grid"]
    assert [r.product for r in grid.rows] == [items[0]]
    assert grid.week_totals[0] == 10 and grid.total == sum(10 + w for w in range(26))


def _post_cell(client, version, product, customer, facility, week, value, revision, **extra):
    url = reverse("planning:cell", kwargs={"tenant_slug": version.tenant.slug, "version_id": version.pk})
    data = {
        "product": product.pk,
        "customer": customer.pk,
        "facility": facility.pk,
        "week": week.isoformat(),
        "value": value,
        "revision": revision,
        **extra,
    }
    return client.post(url, data, **({"HTTP_HX_REQUEST": "true"} if extra.pop("htmx", True) else {}))


def test_cell_save_returns_the_cell_with_its_new_revision(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    response = _post_cell(
        client_for(planner_member), version, items[0], customer, facility, version.start_week, "4800", 1
    )
    assert response.status_code == 200
    assert b'value="4800"' in response.content and b"&quot;revision&quot;: 2" in response.content
    assert PlanChange.objects.get().new_qty == 4800


def test_stale_cell_save_is_refused_showing_the_current_value(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    client = client_for(planner_member)
    _post_cell(client, version, items[0], customer, facility, version.start_week, "4800", 1)
    response = _post_cell(client, version, items[0], customer, facility, version.start_week, "900", 1)
    assert response.status_code == 422  # htmx swaps 422 answers (409 for non-htmx clients)
    assert b"changed meanwhile" in response.content and b"4,800" in response.content
    assert PlanEntry.objects.get(version=version, week=version.start_week).qty == 4800


def test_negative_value_is_refused_with_a_message(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    response = _post_cell(
        client_for(planner_member), version, items[0], customer, facility, version.start_week, "-3", 1
    )
    assert response.status_code == 422
    assert b"cannot be negative" in response.content and b'aria-invalid="true"' in response.content
    assert not PlanChange.objects.exists()


def test_viewer_cannot_save_cells(tenant, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    response = _post_cell(
        client_for(viewer), version, items[0], customer, facility, version.start_week, "5", 1
    )
    assert response.status_code == 403
    assert b"cell-input" not in client_for(viewer).get(_grid_url(version)).content


def test_cell_of_another_tenant_is_404(tenant, other_tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    foreign = pf.ProductFactory(tenant=other_tenant)
    response = _post_cell(
        client_for(planner_member), version, foreign, customer, facility, version.start_week, "5", 0
    )
    assert response.status_code == 404


def test_cell_panel_shows_history_and_notes(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    client = client_for(planner_member)
    week = version.start_week + dt.timedelta(weeks=3)
    _post_cell(
        client, version, items[0], customer, facility, week, "4800", 1, reason="Genuine one-off", panel="1"
    )
    url = reverse("planning:cell", kwargs={"tenant_slug": tenant.slug, "version_id": version.pk})
    response = client.get(
        url,
        {"product": items[0].pk, "customer": customer.pk, "facility": facility.pk, "week": week.isoformat()},
    )
    assert b"Genuine one-off" in response.content and b"4,800" in response.content
    grid = client.get(_grid_url(version)).content
    assert grid.count(b"has-note") == 1
    comment_url = reverse(
        "planning:cell_comment", kwargs={"tenant_slug": tenant.slug, "version_id": version.pk}
    )
    client.post(
        comment_url,
        {
            "product": items[0].pk,
            "customer": customer.pk,
            "facility": facility.pk,
            "week": week.isoformat(),
            "body": "Later comment",
        },
    )
    assert version.cell_notes.count() == 2


def test_transition_view_and_frozen_grid(tenant, admin_member, client_for):
    version, *_ = _grid_world(tenant, 1)
    client = client_for(admin_member)
    url = reverse("planning:transition", kwargs={"tenant_slug": tenant.slug, "version_id": version.pk})
    for action in ("submit", "approve", "publish"):
        assert client.post(url, {"action": action}).status_code == 302
    version.refresh_from_db()
    assert version.status == VersionStatus.PUBLISHED
    page = client.get(_grid_url(version)).content
    assert b"cell-input" not in page and b"frozen" in page


def test_export_csv_and_xlsx(tenant, planner_member, client_for):
    version, items, *_ = _grid_world(tenant, 2)
    url = reverse("planning:grid_export", kwargs={"tenant_slug": tenant.slug, "version_id": version.pk})
    client = client_for(planner_member)
    csv = client.get(url).content.decode()
    assert csv.splitlines()[0].startswith("sku,product,customer,facility,")
    assert len(csv.splitlines()) == 3
    xlsx = client.get(url, {"format": "xlsx"})
    assert xlsx["Content-Type"].startswith("application/vnd.openxmlformats") and xlsx.content[:2] == b"PK"


def test_master_data_pages_and_edit(tenant, planner_member, client_for):
    product = pf.ProductFactory(tenant=tenant)
    client = client_for(planner_member)
    assert client.get(reverse("planning:products", kwargs={"tenant_slug": tenant.slug})).status_code == 200
    assert client.get(product.get_absolute_url()).status_code == 200
    url = reverse("planning:product_edit", kwargs={"tenant_slug": tenant.slug, "product_id": product.pk})
    response = client.post(url, {"sku": product.sku, "name": "Renamed", "unit": "case", "case_size": 6})
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.name == "Renamed" and product.subject.title == "Renamed"
    bad = client.post(url, {"sku": "", "name": "", "unit": "case", "case_size": -1})
    assert bad.status_code == 422 and Product.objects.get().name == "Renamed"


def test_add_a_row_shows_an_empty_series_that_can_be_filled(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    new = pf.ProductFactory(tenant=tenant)
    client = client_for(planner_member)
    response = client.get(
        _grid_url(version), {"add_product": new.pk, "customer": customer.pk, "facility": facility.pk}
    )
    rows = response.context["grid"].rows
    assert [r.product for r in rows] == sorted([items[0], new], key=lambda p: p.name)
    assert _post_cell(client, version, new, customer, facility, version.start_week, "7", 0).status_code == 200
    assert PlanEntry.objects.get(version=version, product=new).qty == 7


@pytest.mark.parametrize("plan_type", ["demand", "supply"])
def test_compare_shows_changed_cells_and_the_totals_delta(tenant, planner_member, client_for, plan_type):
    product, facility = pf.ProductFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    customer = pf.CustomerFactory(tenant=tenant) if plan_type == "demand" else None
    old = pf.make_version(
        tenant,
        plan_type,
        status="published",
        cells=[(product, customer, facility, w, 1200) for w in range(4)],
    )
    new = pf.make_version(
        tenant,
        plan_type,
        based_on=old,
        cells=[(product, customer, facility, w, 4800 if w == 3 else 1200) for w in range(4)],
    )
    url = reverse("planning:compare", kwargs={"tenant_slug": tenant.slug})
    response = client_for(planner_member).get(url, {"a": new.pk, "b": old.pk})
    ctx = response.context
    assert (ctx["changed_count"], ctx["cells"], ctx["total_delta"]) == (1, 4, 3600)
    assert ctx["rows"][0]["pct"] == pytest.approx(300.0) and ctx["rows"][0]["product"] == product.name
    assert b'class="changed"' in response.content


def test_number_pages_have_empty_states_for_a_new_tenant(tenant, planner_member, client_for):
    client = client_for(planner_member)
    for name, text in [
        ("versions", b"No plans yet"),
        ("projection", b"Nothing falls below"),
        ("accuracy", b"No actuals yet"),
        ("compare", b"Compare two versions"),
    ]:
        response = client.get(reverse(f"planning:{name}", kwargs={"tenant_slug": tenant.slug}))
        assert response.status_code == 200 and text in response.content, name


def test_product_and_customer_pages_show_numbers(tenant, planner_member, client_for):
    product, customer, facility = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    pf.make_version(tenant, cells=[(product, customer, facility, w, 100) for w in range(26)])
    pf.make_snapshot(tenant, product, facility, 500, 200)
    client = client_for(planner_member)
    page = client.get(product.get_absolute_url()).content
    assert b"<svg" in page and f"Projected stock at {facility.name}".encode() in page
    assert b"subject_feed" not in page and b"/feed/" in page  # the feed fragment is loaded by htmx
    assert b"<svg" in client.get(customer.get_absolute_url()).content
    assert b"Stock outlook" in client.get(facility.get_absolute_url()).content
