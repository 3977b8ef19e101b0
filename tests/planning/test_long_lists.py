"""A list that stops at N rows says so and offers the rest."""

import csv
import io

from django.urls import reverse

from planning import reports

from . import factories as pf


def test_compare_says_where_it_stops_and_downloads_every_changed_cell(
    tenant, planner_member, client_for, monkeypatch
):
    monkeypatch.setattr(reports, "COMPARE_ROWS", 3)
    product, customer, facility = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    old = pf.make_version(
        tenant, status="published", cells=[(product, customer, facility, w, 100) for w in range(5)]
    )
    new = pf.make_version(
        tenant, based_on=old, cells=[(product, customer, facility, w, 100 + 10 * (w + 1)) for w in range(5)]
    )
    url = reverse("planning:compare", kwargs={"tenant_slug": tenant.slug})
    client = client_for(planner_member)
    page = client.get(url, {"a": new.pk, "b": old.pk})
    assert len(page.context["rows"]) == 3 and page.context["changed_count"] == 5
    text = page.content.decode()
    assert "the 3 largest of 5" in text and "Download all 5 changed cells (CSV)" in text
    download = client.get(url, {"a": new.pk, "b": old.pk, "format": "csv"})
    assert download["Content-Disposition"].startswith("attachment;")
    rows = list(csv.DictReader(io.StringIO(download.content.decode())))
    assert len(rows) == 5 and sorted(float(r["delta"]) for r in rows) == [10, 20, 30, 40, 50]


def test_a_short_list_does_not_claim_to_be_cut(tenant, planner_member, client_for):
    product, customer, facility = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    old = pf.make_version(tenant, status="published", cells=[(product, customer, facility, 0, 100)])
    new = pf.make_version(tenant, based_on=old, cells=[(product, customer, facility, 0, 200)])
    url = reverse("planning:compare", kwargs={"tenant_slug": tenant.slug})
    page = client_for(planner_member).get(url, {"a": new.pk, "b": old.pk})
    assert page.context["truncated"] is False and b"Download all" not in page.content


def test_projection_below_safety_list_says_where_it_stops(tenant, planner_member, client_for, monkeypatch):
    monkeypatch.setattr(reports, "BELOW_SAFETY_ROWS", 1)
    customer, facility = pf.CustomerFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    products = [pf.ProductFactory(tenant=tenant) for _ in range(3)]
    pf.make_version(
        tenant,
        status="published",
        cells=[(p, customer, facility, w, 100) for p in products for w in range(4)],
    )
    for p in products:
        pf.make_snapshot(tenant, p, facility, 150, 100)
    url = reverse("planning:projection", kwargs={"tenant_slug": tenant.slug})
    client = client_for(planner_member)
    page = client.get(url)
    assert page.context["below_count"] == 3 and len(page.context["summary"]) == 1
    assert "stops at the first 1 of 3" in page.content.decode()
    rows = list(csv.DictReader(io.StringIO(client.get(url, {"format": "csv"}).content.decode())))
    assert {r["product"] for r in rows} == {p.name for p in products}


def test_customer_page_says_its_orders_are_the_recent_ones_and_links_to_all_of_them(
    tenant, planner_member, client_for, monkeypatch
):
    from planning.views import master

    monkeypatch.setattr(master, "RECENT_ORDERS", 2)
    customer, other, facility = (
        pf.CustomerFactory(tenant=tenant, name="Acme Foods"),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    for n in range(3):
        pf.make_order(tenant, customer=customer, facility=facility, number=f"A-{n}")
    pf.make_order(tenant, customer=other, facility=facility, number="B-1")
    client = client_for(planner_member)
    page = client.get(customer.get_absolute_url()).content.decode()
    assert "The 2 most recent of 3 orders." in page and "See all 3 orders of Acme Foods" in page
    listing = client.get(
        reverse("planning:orders", kwargs={"tenant_slug": tenant.slug}), {"customer": customer.pk}
    )
    assert sorted(obj.number for obj, _values in listing.context["rows"]) == ["A-0", "A-1", "A-2"]
    assert "Sales orders of Acme Foods" in listing.content.decode()
    stranger = pf.CustomerFactory(tenant=pf.TenantFactory(slug="elsewhere"))
    url = reverse("planning:orders", kwargs={"tenant_slug": tenant.slug})
    assert client.get(url, {"customer": stranger.pk}).status_code == 404
    assert client.get(url, {"customer": "٣"}).status_code == 404
