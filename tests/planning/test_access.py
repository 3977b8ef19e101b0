"""access_* helpers: other tenants' objects and bad ids are the same 404; partner users never reach
planning pages."""

import datetime as dt

import pytest
from django.http import Http404
from django.urls import reverse

from planning import access
from planning.cells import Cell, CellObjects

from ..factories import MembershipFactory, PartnerFactory
from . import factories as pf

ARABIC_INDIC = str.maketrans("0123456789", "٠١٢٣٤٥٦٧٨٩")  # int() reads these as digits; ids must not

HELPERS = [
    (access.access_product, pf.ProductFactory),
    (access.access_brand, pf.BrandFactory),
    (access.access_customer, pf.CustomerFactory),
    (access.access_facility, pf.FacilityFactory),
    (access.access_promotion, pf.PromotionFactory),
    (access.access_job, pf.ProductionJobFactory),
    (access.access_event, pf.EventFactory),
]


@pytest.mark.parametrize(("helper", "factory"), HELPERS)
def test_own_object_is_found_and_foreign_or_bad_ids_are_404(
    tenant, other_tenant, planner_member, helper, factory
):
    mine, theirs = factory(tenant=tenant), factory(tenant=other_tenant)
    assert helper(planner_member, mine.pk) == mine
    for bad in (theirs.pk, 999999, "x", None, "\x00", "²", "٣", str(mine.pk).translate(ARABIC_INDIC)):
        with pytest.raises(Http404):
            helper(planner_member, bad)


def test_versions_and_orders_are_scoped(tenant, other_tenant, planner_member):
    assert access.access_version(planner_member, pf.make_version(tenant).pk)
    with pytest.raises(Http404):
        access.access_version(planner_member, pf.make_version(other_tenant).pk)
    with pytest.raises(Http404):
        access.access_order(planner_member, pf.make_order(other_tenant).pk)


def _cell_data(product, customer, facility, week):
    return {
        "product": str(product.pk),
        "customer": str(customer.pk) if customer else "",
        "facility": str(facility.pk),
        "week": str(week),
    }


def test_access_cell_parses_the_coordinate_and_fetches_what_it_names(tenant, planner_member):
    product, customer, facility = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    version = pf.make_version(tenant)
    wednesday = version.start_week + dt.timedelta(weeks=2, days=2)
    cell, objects = access.access_cell(
        planner_member, version, _cell_data(product, customer, facility, wednesday)
    )
    assert cell == Cell(product.pk, customer.pk, facility.pk, version.start_week + dt.timedelta(weeks=2))
    assert objects == CellObjects(product, customer, facility)
    supply_cell, supply_objects = access.access_cell(
        planner_member, version, _cell_data(product, None, facility, version.start_week)
    )
    assert supply_cell.customer_id is None and supply_objects.present() == [product, facility]


def test_access_cell_is_404_for_another_tenants_ids_bad_ids_or_a_bad_week(
    tenant, other_tenant, planner_member
):
    mine = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    theirs = (
        pf.ProductFactory(tenant=other_tenant),
        pf.CustomerFactory(tenant=other_tenant),
        pf.FacilityFactory(tenant=other_tenant),
    )
    version = pf.make_version(tenant)
    good = _cell_data(*mine, version.start_week)
    refused = [
        *(
            {**good, key: str(foreign.pk)}
            for key, foreign in zip(("product", "customer", "facility"), theirs, strict=True)
        ),
        {**good, "product": "x"},
        {**good, "facility": ""},
        {**good, "week": "next tuesday"},
        {**good, "week": ""},
    ]
    for data in refused:
        with pytest.raises(Http404):
            access.access_cell(planner_member, version, data)
    with pytest.raises(Http404):  # a version of another tenant, however it was obtained
        access.access_cell(planner_member, pf.make_version(other_tenant), good)


def test_partner_user_gets_404_on_planning_pages(tenant, client_for):
    partner_user = MembershipFactory(tenant=tenant, role="admin", partner=PartnerFactory(tenant=tenant))
    response = client_for(partner_user).get(reverse("planning:versions", kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 404


def test_a_partner_sees_a_shared_order_on_its_subject_page_and_nothing_around_it(
    tenant, client_for, admin_member
):
    """A 3PL opening a link to a shared order lands on the generic page, whose Details panel shows what
    it needs to ship (lines, ship-from, dates) as text; the unshared customer and depot stay 404."""
    from sopsocial.subjects.actions import do_share_subject

    partner = PartnerFactory(tenant=tenant, name="FastFreight")
    olu = MembershipFactory(tenant=tenant, role="viewer", partner=partner)
    order = pf.make_order(tenant, number="SO-4242", qty=3600)
    other = pf.make_order(tenant, number="SO-9999")
    do_share_subject(admin_member, order.subject, partner)
    client, slug = client_for(olu), tenant.slug

    response = client.get(order.get_absolute_url())
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "subjects:subject", kwargs={"tenant_slug": slug, "subject_id": order.subject_id}
    )
    page = client.get(response["Location"])
    assert page.status_code == 200
    details_url = reverse(
        "planning:shared_details", kwargs={"tenant_slug": slug, "subject_id": order.subject_id}
    )
    assert details_url in page.content.decode()
    details = client.get(details_url).content.decode()
    assert "SO-4242" in details and "3,600" in details and order.facility.name in details
    assert order.lines.get().product.name in details
    assert order.customer.get_absolute_url() not in details  # named, not linked

    for url in (
        other.get_absolute_url(),
        order.customer.get_absolute_url(),
        order.facility.get_absolute_url(),
    ):
        assert client.get(url).status_code == 404, url
    unshared = reverse(
        "planning:shared_details", kwargs={"tenant_slug": slug, "subject_id": other.subject_id}
    )
    assert client.get(unshared).status_code == 404


def test_staff_keep_the_planning_page_and_get_no_partner_details_panel(tenant, planner_member, client_for):
    order = pf.make_order(tenant)
    client = client_for(planner_member)
    response = client.get(order.get_absolute_url())
    assert response.status_code == 200
    generic = client.get(
        reverse("subjects:subject", kwargs={"tenant_slug": tenant.slug, "subject_id": order.subject_id})
    )
    assert "shared_details" not in generic.content.decode()
    assert "/details/" not in generic.content.decode()


def test_the_order_edit_form_keeps_its_ship_date_and_shows_the_status_label(
    tenant, planner_member, client_for
):
    """An HTML date input only shows ISO dates: a localised value left it blank, so the browser refused
    to save an order whose ship date was set (found by the story test)."""
    import datetime

    order = pf.make_order(tenant, number="SO-77")
    order.ship_date = datetime.date(2026, 12, 14)
    order.save()
    client = client_for(planner_member)
    form = client.get(f"{order.get_absolute_url()}edit/").content.decode()
    assert 'type="date"' in form and 'value="2026-12-14"' in form
    client.post(f"{order.get_absolute_url()}edit/", {"status": "shipped", "ship_date": "2026-12-14"})
    assert "<dd>Shipped</dd>" in client.get(order.get_absolute_url()).content.decode()


def test_the_partner_details_panel_is_empty_on_a_shared_subject_that_is_not_a_planning_object(
    tenant, client_for, admin_member
):
    from sopsocial.subjects.actions import create_subject, do_share_subject

    partner = PartnerFactory(tenant=tenant, name="FastFreight")
    olu = MembershipFactory(tenant=tenant, role="viewer", partner=partner)
    topic = create_subject(tenant=tenant, kind="topic", title="Peak season")
    do_share_subject(admin_member, topic, partner)
    url = reverse("planning:shared_details", kwargs={"tenant_slug": tenant.slug, "subject_id": topic.pk})
    response = client_for(olu).get(url)
    assert response.status_code == 200 and response.content == b""
