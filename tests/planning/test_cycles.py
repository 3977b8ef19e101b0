"""Plan cycles and versions from the Plans page: a newcomer's steps, a cycle with its first versions
(its first week may be in the past), a version added to a cycle, "new draft" on any version, and the
import screen that picks the target version by name."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from planning import actions
from planning.models import PlanCycle, PlanType, PlanVersion
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory
from . import factories as pf


def _url(tenant, name, **kwargs):
    return reverse(f"planning:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_an_empty_plans_page_leads_a_planner_through_the_steps_and_offers_the_cycle_form(
    tenant, planner_member, client_for
):
    page = client_for(planner_member).get(_url(tenant, "versions")).content.decode()
    assert "Start planning in three steps" in page
    assert "Create a cycle" in page and "import a file" in page
    assert f'action="{_url(tenant, "cycle_new")}"' in page
    assert 'name="horizon_weeks"' in page and 'name="start_week"' in page and 'type="month"' in page
    # no cycle yet: the "new version in a cycle" form would have nothing to pick
    assert _url(tenant, "version_new") not in page


def test_a_viewer_sees_the_steps_but_no_form_or_import_link_it_could_not_use(tenant, client_for):
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    page = client_for(viewer).get(_url(tenant, "versions")).content.decode()
    assert "Start planning in three steps" in page
    assert "A planner or an admin does this." in page
    assert _url(tenant, "cycle_new") not in page
    assert "import a file" not in page and "?kind=plan_entries" not in page


def test_creating_a_cycle_in_the_past_starts_its_demand_and_supply_drafts(tenant, planner_member, client_for):
    client = client_for(planner_member)
    response = client.post(
        _url(tenant, "cycle_new"),
        {
            "month": "2024-03",
            "start_week": "2024-01-03",
            "horizon_weeks": "30",
            "demand": "on",
            "supply": "on",
        },
    )
    assert response.status_code == 302
    cycle = PlanCycle.objects.get(tenant=tenant)
    assert cycle.month == dt.date(2024, 3, 1)
    assert cycle.start_week == dt.date(2024, 1, 1)  # the Monday of the week given
    assert cycle.horizon_weeks == 30
    versions = PlanVersion.objects.filter(cycle=cycle).select_related("plan")
    assert sorted(v.plan.plan_type for v in versions) == ["demand", "supply"]
    assert {(v.status, v.start_week, v.weeks) for v in versions} == {("draft", dt.date(2024, 1, 1), 30)}
    verbs = list(AuditEvent.objects.filter(tenant=tenant).values_list("verb", flat=True))
    assert "planning.cycle_create" in verbs and verbs.count("planning.version_create") == 2
    page = client.get(_url(tenant, "versions")).content.decode()
    assert "March 2024" in page and _url(tenant, "version_new") in page


def test_a_second_cycle_for_the_same_month_is_refused_with_a_message_and_nothing_written(
    tenant, planner_member, client_for
):
    client = client_for(planner_member)
    data = {"month": "2026-12", "start_week": "2026-11-30", "horizon_weeks": "26", "demand": "on"}
    assert client.post(_url(tenant, "cycle_new"), data).status_code == 302
    events = AuditEvent.objects.count()
    response = client.post(_url(tenant, "cycle_new"), data)
    assert response.status_code == 422
    assert "There is already a cycle for December 2026." in response.content.decode()
    assert PlanCycle.objects.count() == 1 and PlanVersion.objects.count() == 1
    assert AuditEvent.objects.count() == events


@pytest.mark.parametrize(
    "field,value,message",
    [
        ("horizon_weeks", "0", "greater than or equal to 1"),
        ("horizon_weeks", "105", "less than or equal to 104"),
        ("horizon_weeks", "٣", "Enter a whole number (digits 0-9)."),
        ("month", "2026-13", "Enter a valid date."),
        ("start_week", "", "This field is required."),
    ],
)
def test_bad_cycle_input_is_a_form_error_not_a_500(tenant, planner_member, client_for, field, value, message):
    data = {"month": "2026-12", "start_week": "2026-11-30", "horizon_weeks": "26", field: value}
    response = client_for(planner_member).post(_url(tenant, "cycle_new"), data)
    assert response.status_code == 422
    assert message in response.content.decode()
    assert not PlanCycle.objects.exists()


def test_cycle_action_refuses_a_viewer_and_names_bad_fields(tenant, planner_member):
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    with pytest.raises(PermissionDenied):
        actions.check_create_cycle(
            viewer, month=dt.date(2026, 1, 1), start_week=dt.date(2026, 1, 5), horizon_weeks=4
        )
    with pytest.raises(ValidationError) as e:
        actions.check_create_cycle(planner_member, month=None, start_week=None, horizon_weeks=500)
    assert set(e.value.message_dict) == {"month", "start_week", "horizon_weeks"}


def test_a_version_added_to_a_cycle_takes_the_cycles_weeks_and_its_name(tenant, planner_member, client_for):
    cycle, _ = actions.check_create_cycle(
        planner_member,
        month=dt.date(2026, 1, 1),
        start_week=dt.date(2025, 12, 29),
        horizon_weeks=13,
        first_versions=(),
    )
    response = client_for(planner_member).post(
        _url(tenant, "version_new"), {"cycle": str(cycle.pk), "plan_type": "supply", "name": "Line 2 down"}
    )
    version = PlanVersion.objects.get(cycle=cycle)
    assert response.status_code == 302 and response["Location"] == version.get_absolute_url()
    assert (version.plan.plan_type, version.name, version.start_week, version.weeks) == (
        "supply",
        "Line 2 down",
        dt.date(2025, 12, 29),
        13,
    )


def test_a_version_form_naming_another_tenants_cycle_or_a_hostile_id_is_refused(
    tenant, other_tenant, planner_member, client_for
):
    other = MembershipFactory(tenant=other_tenant, role="planner")
    theirs, _ = actions.check_create_cycle(
        other, month=dt.date(2026, 1, 1), start_week=dt.date(2026, 1, 5), horizon_weeks=4, first_versions=()
    )
    client = client_for(planner_member)
    for cycle in (str(theirs.pk), "٣", "\x00"):
        response = client.post(_url(tenant, "version_new"), {"cycle": cycle, "plan_type": "demand"})
        assert response.status_code == 422
    assert not PlanVersion.objects.exists()


def test_new_draft_from_this_version_is_offered_on_every_version(tenant, planner_member, client_for):
    draft = pf.make_version(tenant, PlanType.DEMAND)
    submitted = pf.make_version(tenant, PlanType.SUPPLY, status="submitted")
    client = client_for(planner_member)
    page = client.get(_url(tenant, "versions")).content.decode()
    for version in (draft, submitted):
        assert _url(tenant, "new_draft", version_id=version.pk) in page
    assert page.count("New draft from this version") == 2
    response = client.post(_url(tenant, "new_draft", version_id=draft.pk))
    copy = PlanVersion.objects.exclude(pk__in=[draft.pk, submitted.pk]).get()
    assert response.status_code == 302 and copy.based_on == draft and copy.status == "draft"


def test_the_import_screen_offers_draft_versions_by_name_and_loads_the_one_picked(
    tenant, planner_member, client_for
):
    product, facility = pf.ProductFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    draft = pf.make_version(tenant, PlanType.SUPPLY)
    published = pf.make_version(tenant, PlanType.SUPPLY, status="published")
    client = client_for(planner_member)
    page = client.get(_url(tenant, "import")).content.decode()
    assert f'<option value="{draft.pk}">{draft.subject.title}</option>' in page
    assert published.subject.title not in page  # only drafts can be loaded
    assert f"{draft.pk} = " not in page  # no bare id to copy
    body = f"sku,facility,week,qty\n{product.sku},{facility.code},{draft.start_week},12\n".encode()
    response = client.post(
        _url(tenant, "import"),
        {"kind": "plan_entries", "version": str(draft.pk), "file": SimpleUploadedFile("plan.csv", body)},
    )
    assert response.status_code == 200
    assert draft.entries.get().qty == 12


def test_plan_entries_without_a_version_picked_say_so(tenant, planner_member, client_for):
    pf.make_version(tenant, PlanType.SUPPLY)
    response = client_for(planner_member).post(
        _url(tenant, "import"),
        {
            "kind": "plan_entries",
            "version": "",
            "file": SimpleUploadedFile("p.csv", b"sku,facility,week,qty\n"),
        },
    )
    assert response.status_code == 422
    assert "Choose the draft version to load into." in response.content.decode()


def test_the_api_path_starts_a_cycle_and_adds_a_version_audited_under_the_keys_label(tenant):
    cycle, versions = actions.do_start_cycle(
        tenant=tenant,
        month=dt.date(2026, 2, 1),
        start_week=dt.date(2026, 2, 2),
        horizon_weeks=8,
        first_versions=(PlanType.DEMAND,),
        actor_label="API key erp",
    )
    extra = actions.do_add_version(
        tenant=tenant, cycle=cycle, plan_type="supply", name="ERP", actor_label="API key erp"
    )
    assert [v.plan.plan_type for v in versions] == ["demand"] and extra.weeks == 8 and extra.name == "ERP"
    labels = set(
        AuditEvent.objects.filter(
            tenant=tenant, verb__in=["planning.cycle_create", "planning.version_create"]
        ).values_list("actor_label", flat=True)
    )
    assert labels == {"API key erp"}
    with pytest.raises(ValidationError) as e:
        actions.do_add_version(tenant=tenant, cycle=cycle, plan_type="forecast")
    assert "plan_type" in e.value.message_dict
