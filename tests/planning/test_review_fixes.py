"""Review fixes in the planning screens: a refused cell note refuses the save, exports cannot smuggle
spreadsheet formulas, and list pages keep a fixed query count."""

import csv
import io

import openpyxl
import pytest
from django.urls import reverse

from planning.models import PlanChange, PlanEntry
from sopsocial.audit.models import AuditEvent

from ..queries import assert_queries
from . import factories as pf
from .test_views_grid import _grid_world, _post_cell


@pytest.mark.parametrize("reason", ["x" * 4001, "because\x00"])
def test_an_invalid_cell_reason_refuses_the_save(tenant, planner_member, client_for, reason):
    version, items, customer, facility = _grid_world(tenant, 1)
    events = AuditEvent.objects.count()
    response = _post_cell(
        client_for(planner_member),
        version,
        items[0],
        customer,
        facility,
        version.start_week,
        "999",
        1,
        reason=reason,
    )
    assert response.status_code == 422
    assert response.context["error"]
    assert PlanEntry.objects.get(version=version, product=items[0], week=version.start_week).qty == 10
    assert not PlanChange.objects.exists() and AuditEvent.objects.count() == events


def test_an_invalid_cell_reason_in_the_panel_is_a_422_panel(tenant, planner_member, client_for):
    version, items, customer, facility = _grid_world(tenant, 1)
    response = _post_cell(
        client_for(planner_member),
        version,
        items[0],
        customer,
        facility,
        version.start_week,
        "999",
        1,
        reason="x" * 4001,
        panel="1",
    )
    assert response.status_code == 422 and b"4000" in response.content
    assert not PlanChange.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_neutralises_formulas_in_text(tenant, planner_member, client_for, fmt):
    customer = pf.CustomerFactory(tenant=tenant, code="@SUM(A1)")
    facility = pf.FacilityFactory(tenant=tenant, code="-2+3")
    product = pf.ProductFactory(tenant=tenant, sku="=1+1", name='=HYPERLINK("http://x","y")')
    version = pf.make_version(tenant, cells=[(product, customer, facility, 0, 5)])
    url = reverse("planning:grid_export", kwargs={"tenant_slug": tenant.slug, "version_id": version.pk})
    body = client_for(planner_member).get(url, {"format": fmt}).content
    if fmt == "csv":
        row = next(r for r in csv.DictReader(io.StringIO(body.decode())))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        header, values = [c.value for c in sheet[1]], [c.value for c in sheet[2]]
        row = dict(zip(header, values, strict=True))
        assert all(c.data_type != "f" for c in sheet[2])
    assert row["sku"] == "'=1+1" and row["product"] == '\'=HYPERLINK("http://x","y")'
    assert row["customer"] == "'@SUM(A1)" and row["facility"] == "'-2+3"


# Measured at both sizes; what matters is that the count is the same for 3 and 30 rows (before the fix
# each row's link read its tenant: 9 queries with 3 products, 36 with 30).
# Both + 1 for the My work count in the menu (one query on every full page).
PRODUCT_LIST_QUERIES = 7
VERSIONS_QUERIES = 7  # + the cycles, for the "new version in a cycle" form


@pytest.mark.parametrize("products", [3, 30])
def test_product_list_query_count_does_not_grow(tenant, planner_member, client_for, products):
    brand = pf.BrandFactory(tenant=tenant)
    for _ in range(products):
        pf.ProductFactory(tenant=tenant, brand=brand)
    client = client_for(planner_member)
    url = reverse("planning:products", kwargs={"tenant_slug": tenant.slug})
    client.get(url)
    with assert_queries(PRODUCT_LIST_QUERIES):
        response = client.get(url)
    assert response.content.count(b"/products/") >= products


@pytest.mark.parametrize("versions", [2, 8])
def test_versions_page_query_count_does_not_grow(tenant, planner_member, client_for, versions):
    previous = None
    for _ in range(versions):
        previous = pf.make_version(tenant, based_on=previous)
    client = client_for(planner_member)
    url = reverse("planning:versions", kwargs={"tenant_slug": tenant.slug})
    client.get(url)
    with assert_queries(VERSIONS_QUERIES):
        response = client.get(url)
    assert response.content.count(b"/planning/versions/") >= versions


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_neutralises_semicolon_locale_and_padded_formulas(tenant, planner_member, client_for, fmt):
    customer = pf.CustomerFactory(tenant=tenant, code=",=cmd")
    facility = pf.FacilityFactory(tenant=tenant, code=" \t@SUM(A1)")
    product = pf.ProductFactory(tenant=tenant, sku=";=cmd|' /C calc'!A0", name="  +1")
    version = pf.make_version(tenant, cells=[(product, customer, facility, 0, 5)])
    url = reverse("planning:grid_export", kwargs={"tenant_slug": tenant.slug, "version_id": version.pk})
    body = client_for(planner_member).get(url, {"format": fmt}).content
    if fmt == "csv":
        row = next(r for r in csv.DictReader(io.StringIO(body.decode())))
    else:
        sheet = openpyxl.load_workbook(io.BytesIO(body)).active
        row = dict(zip([c.value for c in sheet[1]], [c.value for c in sheet[2]], strict=True))
    assert row["sku"] == "';=cmd|' /C calc'!A0" and row["product"] == "'  +1"
    assert row["customer"] == "',=cmd" and row["facility"] == "' \t@SUM(A1)"
