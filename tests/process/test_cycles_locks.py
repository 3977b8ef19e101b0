"""Phase gating: closing demand review locks the cycle's demand versions. Every planning write to them is
refused with a message naming the phase and how to reopen it (grid cells, the API, file imports,
workflow steps, new drafts); reopening the phase lets them through again."""

import datetime as dt
import json

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning import actions as planning_actions
from planning.models import PlanChange, PlanEntry, PlanType, VersionStatus
from process.actions.cycles import check_close_phase, check_reopen_phase
from process.models import SopCycle
from sopsocial.api.actions import do_create_api_key

from ..factories import MembershipFactory
from ..planning import factories as pf

pytestmark = pytest.mark.django_db

DEC = dt.date(2026, 12, 1)
WEEK = dt.date(2026, 11, 30)  # the first week of a version started on 1 December


@pytest.fixture
def world(tenant, admin_member):
    priya = MembershipFactory(tenant=tenant, role="planner")
    product = pf.ProductFactory(tenant=tenant, sku="NW-1")
    customer = pf.CustomerFactory(tenant=tenant, code="CONTOSO")
    facility = pf.FacilityFactory(tenant=tenant, code="LEEDS")
    approved = pf.make_version(tenant, PlanType.DEMAND, start=DEC, status=VersionStatus.APPROVED)
    draft = pf.make_version(tenant, PlanType.DEMAND, start=DEC)
    submitted = pf.make_version(tenant, PlanType.DEMAND, start=DEC, status=VersionStatus.SUBMITTED)
    supply = pf.make_version(tenant, PlanType.SUPPLY, start=DEC)
    sop = SopCycle.objects.get(plan_cycle=draft.cycle)
    demand_review = sop.phases.get(key="demand-review")
    check_close_phase(priya, demand_review)
    demand_review.refresh_from_db()
    return {
        "priya": priya,
        "product": product,
        "customer": customer,
        "facility": facility,
        "approved": approved,
        "draft": draft,
        "submitted": submitted,
        "supply": supply,
        "sop": sop,
        "phase": demand_review,
    }


def _says_locked(text):
    assert "The demand plan of December 2026 is locked: Demand review was closed on" in text, text
    assert "reopen Demand review on the cycle page" in text


def _cell_post(world):
    return {
        "product": world["product"].pk,
        "customer": world["customer"].pk,
        "facility": world["facility"].pk,
        "week": WEEK.isoformat(),
        "value": "120",
        "revision": "0",
    }


def test_a_grid_cell_edit_is_refused_and_the_grid_shows_the_lock(world, client_for):
    client = client_for(world["priya"])
    url = reverse(
        "planning:cell", kwargs={"tenant_slug": world["priya"].tenant.slug, "version_id": world["draft"].pk}
    )
    response = client.post(url, _cell_post(world))
    assert response.status_code == 422
    _says_locked(response.content.decode())
    assert not PlanEntry.objects.exists() and not PlanChange.objects.exists()
    grid = client.get(world["draft"].get_absolute_url()).content.decode()
    assert "locked-banner" in grid
    _says_locked(grid)
    assert 'name="action" value="submit"' not in grid  # no controls that would be refused


def test_the_api_entries_load_is_refused_naming_the_version(world, client):
    raw = do_create_api_key(world["priya"].tenant.memberships.get(role="admin"), "erp")[1]
    url = reverse(
        "planning_api:plan_entries_bulk",
        kwargs={"tenant_slug": world["priya"].tenant.slug, "version_id": world["draft"].pk},
    )
    item = {"sku": "NW-1", "customer": "CONTOSO", "facility": "LEEDS", "week": WEEK.isoformat(), "qty": 5}
    response = client.post(
        url,
        json.dumps({"items": [item]}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "version"
    _says_locked(error["message"])
    assert not PlanEntry.objects.exists()


def test_a_file_import_of_plan_entries_is_refused(world, client_for):
    client = client_for(world["priya"])
    data = f"sku,customer,facility,week,qty\nNW-1,CONTOSO,LEEDS,{WEEK.isoformat()},5\n".encode()
    response = client.post(
        reverse("planning:import", kwargs={"tenant_slug": world["priya"].tenant.slug}),
        {
            "kind": "plan_entries",
            "version": str(world["draft"].pk),
            "file": SimpleUploadedFile("d.csv", data),
        },
    )
    _says_locked(response.content.decode())
    assert not PlanEntry.objects.exists()


def test_the_bulk_writer_refuses_whoever_calls_it(world):
    rows = [
        {
            "product": world["product"],
            "customer": world["customer"],
            "facility": world["facility"],
            "week": WEEK,
            "qty": 5,
        }
    ]
    with pytest.raises(ValidationError) as error:
        planning_actions.do_replace_entries(tenant=world["draft"].tenant, version=world["draft"], rows=rows)
    _says_locked(error.value.message_dict["version"][0])


@pytest.mark.parametrize(
    ("version", "action"), [("draft", "submit"), ("submitted", "approve"), ("approved", "reopen")]
)
def test_workflow_steps_are_refused(world, version, action):
    with pytest.raises(ValidationError) as error:
        planning_actions.check_transition(world["priya"], world[version], action)
    _says_locked(error.value.message_dict["action"][0])
    world[version].refresh_from_db()
    assert (
        world[version].status == {"draft": "draft", "submitted": "submitted", "approved": "approved"}[version]
    )


def test_the_transition_page_shows_the_refusal(world, client_for):
    client = client_for(world["priya"])
    url = reverse(
        "planning:transition",
        kwargs={"tenant_slug": world["priya"].tenant.slug, "version_id": world["draft"].pk},
    )
    page = client.post(url, {"action": "submit"}, follow=True).content.decode()
    _says_locked(page)


def test_publishing_the_approved_version_stays_open(world):
    """The executive sign-off of the numbers the lock froze changes none of them."""
    version = planning_actions.check_transition(world["priya"], world["approved"], "publish")
    assert version.status == VersionStatus.PUBLISHED


def test_a_new_draft_in_the_locked_cycle_is_refused_but_not_the_other_plan(world):
    with pytest.raises(ValidationError) as error:
        planning_actions.check_create_version(world["priya"], cycle=world["draft"].cycle, plan_type="demand")
    _says_locked(error.value.message_dict["cycle"][0])
    supply = planning_actions.check_create_version(
        world["priya"], cycle=world["draft"].cycle, plan_type="supply"
    )
    assert supply.status == VersionStatus.DRAFT


def test_the_supply_plan_of_the_same_cycle_is_not_locked(world):
    entry, _change = planning_actions.check_set_cell(
        world["priya"],
        world["supply"],
        pf_cell(world, customer=False),
        pf_objects(world, customer=False),
        value="7",
        revision=0,
    )
    assert entry.qty == 7


def test_reopening_the_phase_lets_every_write_through_again(world):
    check_reopen_phase(world["priya"], world["phase"], reason="Contoso's promotion moved")
    entry, _change = planning_actions.check_set_cell(
        world["priya"], world["draft"], pf_cell(world), pf_objects(world), value="120", revision=0
    )
    assert entry.qty == 120
    assert planning_actions.check_transition(world["priya"], world["draft"], "submit").status == "submitted"


def pf_cell(world, customer=True):
    from planning.cells import Cell

    return Cell(world["product"].pk, world["customer"].pk if customer else None, world["facility"].pk, WEEK)


def pf_objects(world, customer=True):
    from planning.cells import CellObjects

    return CellObjects(world["product"], world["customer"] if customer else None, world["facility"])


def test_the_api_may_not_add_a_draft_to_the_locked_plan_of_the_cycle(world, client):
    raw = do_create_api_key(world["priya"].tenant.memberships.get(role="admin"), "erp")[1]
    url = reverse("planning_api:versions", kwargs={"tenant_slug": world["priya"].tenant.slug})
    body = {"cycle": world["draft"].cycle_id, "plan": "demand"}
    response = client.post(
        url, json.dumps(body), content_type="application/json", HTTP_AUTHORIZATION=f"Bearer {raw}"
    )
    assert response.status_code == 422
    error = response.json()["errors"][0]
    assert error["field"] == "cycle"
    _says_locked(error["message"])
