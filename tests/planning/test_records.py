"""Every kind of record has a way in: sales orders (with lines) by form and by file, suppliers by screen
and file, resources with their capacity and usage by form and file; promotions, jobs and events by form;
and an empty list never promises an action its page does not offer."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning import actions, imports
from planning.models import Resource, ResourceCapacity, ResourceLoad, SalesOrder, Supplier
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Partner

from ..factories import MembershipFactory
from . import factories as pf


def _url(tenant, name, **kwargs):
    return reverse(f"planning:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def _upload(client, tenant, kind, body, name="data.csv"):
    return client.post(
        _url(tenant, "import"), {"kind": kind, "file": SimpleUploadedFile(name, body.encode())}
    )


@pytest.fixture
def world(tenant):
    return {
        "customer": pf.CustomerFactory(tenant=tenant, code="TESCO"),
        "facility": pf.FacilityFactory(tenant=tenant, code="PLANT1", kind="plant"),
        "oats": pf.ProductFactory(tenant=tenant, sku="OAT-500"),
        "bran": pf.ProductFactory(tenant=tenant, sku="BRAN-375"),
    }


def _order_post(world, **overrides):
    data = {
        "number": "SO-77",
        "customer": world["customer"].pk,
        "facility": world["facility"].pk,
        "order_date": "2026-12-01",
        "ship_date": "2026-12-08",
        "status": "open",
        "lines-TOTAL_FORMS": "3",
        "lines-INITIAL_FORMS": "0",
        "lines-0-product": world["oats"].pk,
        "lines-0-qty": "120",
        "lines-1-product": world["bran"].pk,
        "lines-1-qty": "40.5",
        "lines-2-product": "",
        "lines-2-qty": "",
    }
    data.update(overrides)
    return data


def test_a_sales_order_typed_in_with_lines_lands_like_an_imported_one(
    tenant, planner_member, client_for, world
):
    client = client_for(planner_member)
    assert 'name="lines-0-product"' in client.get(_url(tenant, "order_new")).content.decode()
    response = client.post(_url(tenant, "order_new"), _order_post(world))
    order = SalesOrder.objects.get(tenant=tenant, number="SO-77")
    assert response.status_code == 302 and response["Location"] == order.get_absolute_url()
    assert [(ln.line, ln.product.sku, ln.qty) for ln in order.lines.all()] == [
        (1, "OAT-500", Decimal("120.00")),
        (2, "BRAN-375", Decimal("40.50")),
    ]
    event = AuditEvent.objects.get(tenant=tenant, verb="planning.sales_orders_load")
    assert event.actor == planner_member.user
    assert order.subject_id in set(event.related_links.values_list("subject_id", flat=True))
    # the order's page shows its lines
    page = client.get(order.get_absolute_url()).content.decode()
    assert "<caption>Lines</caption>" in page and world["bran"].name in page


def test_an_order_form_with_no_lines_or_a_taken_number_is_refused_and_writes_nothing(
    tenant, planner_member, client_for, world
):
    client = client_for(planner_member)
    empty = _order_post(
        world, **{"lines-0-product": "", "lines-0-qty": "", "lines-1-product": "", "lines-1-qty": ""}
    )
    response = client.post(_url(tenant, "order_new"), empty)
    assert response.status_code == 422 and "Add at least one line." in response.content.decode()
    pf.make_order(tenant, number="SO-77")
    response = client.post(_url(tenant, "order_new"), _order_post(world))
    assert response.status_code == 422 and "An order with this number exists." in response.content.decode()
    late = _order_post(world, number="SO-78", ship_date="2026-11-01")
    response = client.post(_url(tenant, "order_new"), late)
    assert (
        response.status_code == 422 and "The ship date is before the order date." in response.content.decode()
    )
    assert SalesOrder.objects.filter(tenant=tenant).count() == 1


def test_the_orders_list_offers_the_form_and_the_file(tenant, planner_member, client_for):
    page = client_for(planner_member).get(_url(tenant, "orders")).content.decode()
    assert _url(tenant, "order_new") in page
    assert _url(tenant, "import") + "?kind=sales_order_lines" in page


ORDER_FILE = (
    "number,customer,facility,order_date,ship_date,status,sku,qty\n"
    "SO-1,TESCO,PLANT1,2026-12-01,2026-12-08,open,OAT-500,100\n"
    "SO-1,TESCO,PLANT1,2026-12-01,2026-12-08,open,BRAN-375,20\n"
    "SO-2,TESCO,PLANT1,2026-12-02,2026-12-09,,OAT-500,5\n"
)


def test_sales_orders_by_file_one_row_per_line_and_again_changes_nothing(
    tenant, planner_member, client_for, world
):
    client = client_for(planner_member)
    response = _upload(client, tenant, "sales_order_lines", ORDER_FILE)
    assert response.status_code == 200 and "2 new, 0 changed, 0 unchanged" in response.content.decode()
    first = SalesOrder.objects.get(tenant=tenant, number="SO-1")
    assert [(ln.product.sku, ln.qty) for ln in first.lines.all()] == [("OAT-500", 100), ("BRAN-375", 20)]
    response = _upload(client, tenant, "sales_order_lines", ORDER_FILE)
    assert "0 new, 0 changed, 2 unchanged" in response.content.decode()


def test_order_lines_that_disagree_on_their_order_or_name_unknown_products_are_reported_by_file_row(
    tenant, planner_member, client_for, world
):
    body = (
        "number,customer,facility,order_date,ship_date,status,sku,qty\n"
        "SO-1,TESCO,PLANT1,2026-12-01,2026-12-08,open,OAT-500,100\n"
        "SO-1,TESCO,PLANT1,2026-12-02,2026-12-08,open,BRAN-375,20\n"
        "SO-2,TESCO,PLANT1,2026-12-02,2026-12-09,,NOPE,5\n"
    )
    clean, errors = imports.validate(
        tenant, "sales_order_lines", imports.read_table("o.csv", body.encode()).rows, first_row=2
    )
    assert clean == []
    assert {(e["row"], e["field"]) for e in errors} == {(3, "order_date"), (4, "lines")}
    assert "differs from row 2" in errors[0]["message"]
    response = _upload(client_for(planner_member), tenant, "sales_order_lines", body)
    assert response.status_code == 422 and not SalesOrder.objects.exists()


def test_suppliers_have_a_screen_a_form_and_a_file(tenant, planner_member, client_for):
    client = client_for(planner_member)
    page = client.get(_url(tenant, "suppliers")).content.decode()
    assert "No suppliers yet." in page and _url(tenant, "supplier_new") in page
    response = client.post(_url(tenant, "supplier_new"), {"code": "WOOD", "name": "Wood supplier"})
    assert response.status_code == 302
    supplier = Supplier.objects.get(tenant=tenant, code="WOOD")
    assert supplier.partner.kind == Partner.Kind.SUPPLIER and supplier.partner.name == "Wood supplier"
    assert AuditEvent.objects.filter(tenant=tenant, verb="planning.supplier_create").count() == 1
    response = client.post(
        _url(tenant, "supplier_edit", supplier_id=supplier.pk), {"code": "WOOD", "name": "Wood & Co"}
    )
    supplier.partner.refresh_from_db()
    assert response.status_code == 302 and supplier.partner.name == "Wood & Co"
    response = _upload(client, tenant, "suppliers", "code,name\nWOOD,Wood & Co\nSCREW,Screw supplier\n")
    assert "1 new, 0 changed, 1 unchanged" in response.content.decode()
    assert "Screw supplier" in client.get(_url(tenant, "suppliers")).content.decode()


def test_a_supplier_cannot_take_another_partners_name(tenant, planner_member, client_for):
    Partner.objects.create(tenant=tenant, name="Acme 3PL", kind=Partner.Kind.LOGISTICS)
    client = client_for(planner_member)
    response = client.post(_url(tenant, "supplier_new"), {"code": "A", "name": "acme 3pl"})
    assert (
        response.status_code == 422
        and "A partner organisation already has this name." in response.content.decode()
    )
    response = _upload(client, tenant, "suppliers", "code,name\nA,ACME 3PL\n")
    assert response.status_code == 422 and "another partner is already named" in response.content.decode()
    assert not Supplier.objects.exists()


def test_resources_capacity_and_usage_by_form_and_by_file(tenant, planner_member, client_for, world):
    client = client_for(planner_member)
    response = client.post(
        _url(tenant, "resource_new"),
        {
            "code": "OVEN1",
            "name": "Oven 1",
            "facility": world["facility"].pk,
            "category": "oven",
            "unit": "hours",
        },
    )
    oven = Resource.objects.get(tenant=tenant, code="OVEN1")
    assert response.status_code == 302 and oven.subject.title == f"Oven 1 at {world['facility'].name}"
    assert world["facility"].subject in oven.subject.parents.all()
    response = client.post(
        _url(tenant, "resource_capacity", resource_id=oven.pk),
        {"first_week": "2026-12-02", "weeks": "3", "capacity": "80"},
    )
    assert response.status_code == 302
    assert list(ResourceCapacity.objects.filter(resource=oven).values_list("week", "capacity")) == [
        (dt.date(2026, 11, 30) + dt.timedelta(weeks=i), Decimal(80)) for i in range(3)
    ]
    client.post(
        _url(tenant, "resource_usage", resource_id=oven.pk), {"product": world["oats"].pk, "usage": "0.25"}
    )
    assert ResourceLoad.objects.get(resource=oven).usage == Decimal("0.2500")
    page = client.get(oven.get_absolute_url()).content.decode()
    assert "Capacity per week" in page and "0.2500" in page
    trail_verbs = set(
        AuditEvent.objects.filter(related_links__subject=oven.subject).values_list("verb", flat=True)
    )
    assert {"planning.resource_capacity_load", "planning.resource_loads_load"} <= trail_verbs

    assert _upload(client, tenant, "resources", "code,name,facility\nSAW,Saw,PLANT1\n").status_code == 200
    body = "resource,week,capacity\nSAW,2026-12-07,120\nOVEN1,2026-11-30,80\n"
    response = _upload(client, tenant, "resource_capacity", body)
    assert "1 new, 0 changed, 1 unchanged" in response.content.decode()
    response = _upload(client, tenant, "resource_loads", "resource,sku,usage\nSAW,BRAN-375,0.3333\n")
    assert response.status_code == 200
    assert ResourceLoad.objects.get(resource__code="SAW").usage == Decimal("0.3333")


@pytest.mark.parametrize(
    "kind,body,field",
    [
        ("resource_capacity", "resource,week,capacity\nNOPE,2026-12-07,1\n", "resource"),
        ("resource_capacity", "resource,week,capacity\nSAW,2026-12-07,-1\n", "capacity"),
        ("resource_loads", "resource,sku,usage\nSAW,OAT-500,0.12345\n", "usage"),
        ("resource_loads", "resource,sku,usage\nSAW,OAT-500,abc\n", "usage"),
        ("resources", "code,name,facility\nX,X,NOWHERE\n", "facility"),
    ],
)
def test_bad_resource_rows_are_named_by_row_and_column(tenant, world, kind, body, field):
    saw = {"code": "SAW", "name": "Saw", "facility": "PLANT1"}
    actions.do_load_rows(tenant, "resources", imports.validate(tenant, "resources", [saw])[0])
    clean, errors = imports.validate(
        tenant, kind, imports.read_table("x.csv", body.encode()).rows, first_row=2
    )
    assert clean == [] and errors[0]["row"] == 2 and errors[0]["field"] == field


@pytest.mark.parametrize("plural", ["promotions", "jobs", "events"])
def test_promotions_jobs_and_events_are_entered_by_form_and_their_empty_list_promises_only_that(
    tenant, planner_member, client_for, plural
):
    page = client_for(planner_member).get(_url(tenant, plural)).content.decode()
    assert "Add one" in page and "/new/" in page
    assert "Import a file" not in page and "through the API" not in page


def test_an_empty_list_offers_a_viewer_nothing_it_cannot_do(tenant, client_for):
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    for plural in ("products", "orders", "resources", "promotions", "suppliers"):
        page = client_for(viewer).get(_url(tenant, plural)).content.decode()
        assert "Add one" not in page and "Import a file" not in page, plural
        assert "Ask a planner or an admin" in page, plural


@pytest.mark.parametrize(
    "kind", ["suppliers", "resources", "resource_capacity", "resource_loads", "sales_order_lines"]
)
def test_new_import_kinds_are_offered_on_the_import_screen(tenant, planner_member, client_for, kind):
    page = client_for(planner_member).get(_url(tenant, "import"), {"kind": kind}).content.decode()
    assert f'<option value="{kind}" selected>' in page


@pytest.mark.parametrize("rows", [2, 12])
def test_the_supplier_and_resource_lists_cost_the_same_queries_whatever_their_length(
    tenant, planner_member, client_for, world, rows
):
    from ..queries import assert_queries

    for i in range(rows):
        pf.make_supplier(tenant, code=f"S{i}", name=f"Supplier {i}")
        pf.make_resource(tenant, code=f"R{i}", name=f"Resource {i}", facility=world["facility"])
    client = client_for(planner_member)
    # + 1: the My work count in the menu (one query)
    for name, queries in (("suppliers", 6), ("resources", 7)):
        client.get(_url(tenant, name))
        with assert_queries(queries):
            page = client.get(_url(tenant, name)).content.decode()
        assert f"{name[:-1].capitalize()} {rows - 1}" in page


def test_number_pages_offer_imports_only_to_those_who_may_import(tenant, planner_member, client_for):
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    url = _url(tenant, "accuracy")
    assert "?kind=actuals" in client_for(planner_member).get(url).content.decode()
    page = client_for(viewer).get(url).content.decode()
    assert "No actuals yet." in page and "?kind=actuals" not in page and "through the API" not in page
    published = pf.make_version(tenant, status="published")
    grid = client_for(planner_member).get(published.get_absolute_url()).content.decode()
    assert "No cells match" in grid and "import plan entries" not in grid  # a published version is frozen
