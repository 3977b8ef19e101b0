"""load_demo gives Northwind realistic plans and the exact STORY.md numbers."""

import datetime as dt
import io

import pytest

from planning import actions, demo, selectors
from planning import weeks as wk
from planning.cells import CellObjects
from planning.models import (
    Actual,
    Brand,
    Customer,
    Facility,
    PlanType,
    PlanVersion,
    Product,
    VersionStatus,
)
from sopsocial.tenancy import demo as tenancy_demo
from sopsocial.tenancy.models import Membership


@pytest.fixture
def northwind(db):
    tenant = tenancy_demo.load()
    demo.load(tenant, io.StringIO())
    return tenant


def _leeds_oat(tenant):
    oat = Product.objects.get(tenant=tenant, name="Oat Crunch 500g")
    leeds = Facility.objects.get(tenant=tenant, name="Leeds depot")
    demand = selectors.working_version(tenant, PlanType.DEMAND)
    supply = selectors.working_version(tenant, PlanType.SUPPLY)
    proj = selectors.projection_for(tenant, demand, supply, product_ids=[oat.pk], facility_ids=[leeds.pk])
    return oat, leeds, demand, supply, proj.reset_index(drop=True)


def test_demo_sizes(northwind):
    assert Product.objects.filter(tenant=northwind).count() >= 50
    assert Brand.objects.filter(tenant=northwind).count() == 4
    assert Product.objects.filter(tenant=northwind, brand__name="Crunchy", name="Oat Crunch 500g").exists()
    assert Customer.objects.filter(tenant=northwind).count() == 10
    assert set(Facility.objects.filter(tenant=northwind).values_list("kind", flat=True)) == {
        "plant",
        "depot",
        "dc",
    }
    contoso = Customer.objects.get(tenant=northwind, name="Contoso Retail")
    assert contoso.owner.username == "alex"
    w0 = wk.this_week()
    weeks = Actual.objects.filter(tenant=northwind).values_list("week", flat=True).distinct()
    assert len(weeks) == 104 and max(weeks) == w0 - dt.timedelta(weeks=1)
    for plan_type in PlanType.values:
        for version in PlanVersion.objects.filter(tenant=northwind, plan__plan_type=plan_type):
            assert version.weeks == 26
    statuses = set(PlanVersion.objects.filter(tenant=northwind).values_list("plan__plan_type", "status"))
    assert {
        ("demand", "published"),
        ("demand", "draft"),
        ("supply", "published"),
        ("supply", "draft"),
    } <= statuses


def test_demo_is_idempotent(northwind):
    counts = (Product.objects.count(), Actual.objects.count(), PlanVersion.objects.count())
    out = io.StringIO()
    demo.load(northwind, out)
    assert (Product.objects.count(), Actual.objects.count(), PlanVersion.objects.count()) == counts
    assert "nothing changed" in out.getvalue()


def test_story_numbers_before_and_after_the_edits(northwind):
    oat, leeds, demand, supply, proj = _leeds_oat(northwind)
    contoso = Customer.objects.get(tenant=northwind, name="Contoso Retail")
    w3 = demand.start_week + dt.timedelta(weeks=3)
    published = selectors.published_version(northwind, PlanType.DEMAND)
    assert demand.status == VersionStatus.DRAFT and demand.based_on == published
    assert published.entries.get(product=oat, customer=contoso, facility=leeds, week=w3).qty == 1200
    cell = demand.entries.get(product=oat, customer=contoso, facility=leeds, week=w3)
    assert cell.qty == 1200
    assert list(proj["demand"][:5]) == [2000.0] * 5 and list(proj["supply"][:5]) == [2000.0] * 5
    assert proj["safety_stock"][0] == 2500 and list(proj["projected"][:5]) == [6000.0] * 5
    assert not proj["below_safety"][:5].any()

    alex = Membership.objects.get(tenant=northwind, user__username="alex")
    at = CellObjects(oat, contoso, leeds)
    actions.check_set_cell(
        alex,
        demand,
        at.cell(w3),
        at,
        value="4800",
        revision=cell.revision,
        reason="Confirmed by Contoso's buyer",
    )
    *_, proj = _leeds_oat(northwind)
    assert proj["projected"][3] == 2400 and list(proj["below_safety"][:5]) == [
        False,
        False,
        False,
        True,
        True,
    ]

    priya = Membership.objects.get(tenant=northwind, user__username="priya")
    w2 = supply.start_week + dt.timedelta(weeks=2)
    supply_cell = supply.entries.get(product=oat, facility=leeds, week=w2, customer=None)
    at = CellObjects(oat, None, leeds)
    actions.check_set_cell(
        priya,
        supply,
        at.cell(w2),
        at,
        value="5000",
        revision=supply_cell.revision,
    )
    for step in ("submit", "approve", "publish"):
        actions.check_transition(priya, supply, step)
    *_, supply_now, proj = _leeds_oat(northwind)
    assert supply_now.pk == supply.pk and supply_now.status == VersionStatus.PUBLISHED
    assert proj["projected"][2] == 9000 and proj["projected"][3] == 5400
    assert not proj["below_safety"][:5].any()


def test_story_cell_is_the_only_demand_change_against_the_published_version(northwind):
    demand = selectors.working_version(northwind, PlanType.DEMAND)
    delta, _dims = selectors.compare_versions(demand, demand.based_on)
    assert not delta["changed"].any()
