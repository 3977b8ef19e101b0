"""access_* helpers: other tenants' objects and bad ids are the same 404; partner users never reach
planning pages."""

import pytest
from django.http import Http404
from django.urls import reverse

from planning import access

from ..factories import MembershipFactory, PartnerFactory
from . import factories as pf

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
    for bad in (theirs.pk, 999999, "x", None):
        with pytest.raises(Http404):
            helper(planner_member, bad)


def test_versions_and_orders_are_scoped(tenant, other_tenant, planner_member):
    assert access.access_version(planner_member, pf.make_version(tenant).pk)
    with pytest.raises(Http404):
        access.access_version(planner_member, pf.make_version(other_tenant).pk)
    with pytest.raises(Http404):
        access.access_order(planner_member, pf.make_order(other_tenant).pk)


def test_partner_user_gets_404_on_planning_pages(tenant, client_for):
    partner_user = MembershipFactory(tenant=tenant, role="admin", partner=PartnerFactory(tenant=tenant))
    response = client_for(partner_user).get(reverse("planning:versions", kwargs={"tenant_slug": tenant.slug}))
    assert response.status_code == 404
