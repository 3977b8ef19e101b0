"""The cycle calendar's pages: the cycles list, a cycle's timeline (fixed query count), a phase closed or
refused from its page, the .ics calendar, and the template settings."""

import datetime as dt

import pytest
from django.urls import reverse
from icalendar import Calendar

from planning import actions as planning_actions
from planning.models import PlanCycle, PlanType, VersionStatus
from process.models import PhaseStatus, PhaseTemplate, SopCycle
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory
from ..planning import factories as pf
from ..queries import assert_queries
from .factories import make_meeting, make_task

pytestmark = pytest.mark.django_db

DEC = dt.date(2026, 12, 1)


@pytest.fixture
def sop(tenant, admin_member):
    cycle, _ = planning_actions.check_create_cycle(
        admin_member, month=DEC, start_week=DEC, horizon_weeks=8, first_versions=()
    )
    return SopCycle.objects.get(plan_cycle=cycle)


def _url(name, tenant, **kwargs):
    return reverse(f"process:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_the_cycles_list_links_each_cycle_and_offers_to_start_older_ones(
    tenant, admin_member, sop, client_for
):
    older = PlanCycle.objects.create(tenant=tenant, month=dt.date(2026, 10, 1))
    client = client_for(admin_member)
    page = client.get(_url("cycles", tenant)).content.decode()
    assert sop.get_absolute_url() in page and "Data gathering" in page
    assert "Start the S&amp;OP process for this cycle" in page
    response = client.post(_url("cycle_start", tenant), {"plan_cycle": older.pk})
    made = SopCycle.objects.get(plan_cycle=older)
    assert response.status_code == 302 and response["Location"] == made.get_absolute_url()
    assert client.post(_url("cycle_start", tenant), {"plan_cycle": "²"}).status_code == 404


def test_the_cycles_list_has_a_helpful_empty_state_and_a_nav_item(tenant, admin_member, client_for):
    page = client_for(admin_member).get(_url("cycles", tenant)).content.decode()
    assert "No S&amp;OP cycle yet" in page
    assert f'href="{_url("cycles", tenant)}"' in page  # the "Cycle" navigation item


def test_the_cycle_page_shows_the_timeline_criteria_and_meetings(tenant, admin_member, sop, client_for):
    demand = sop.phases.get(key="demand-review")
    make_task(tenant, title="Review Contoso", phase=demand, status="done")
    make_task(tenant, title="Review Fabrikam", phase=demand)
    meeting = make_meeting(sop, title="Demand consensus", phase=demand)
    page = client_for(admin_member).get(sop.get_absolute_url()).content.decode()
    for name in (
        "Data gathering",
        "Demand review",
        "Supply review",
        "Pre-S&amp;OP reconciliation",
        "Executive S&amp;OP",
    ):
        assert name in page
    assert "1 / 2 tasks done" in page
    assert "A demand version of the cycle is approved" in page and "No demand version of this cycle" in page
    assert _url("meeting", tenant, meeting_id=meeting.pk) in page
    assert _url("cycle_ics", tenant, cycle_id=sop.pk) in page
    assert "feeds/" in page or "subject-panel" in page  # the cycle's conversation and follow button load in


CYCLE_PAGE_QUERIES = 19  # with the My work count in the menu


def test_the_cycle_page_runs_a_fixed_number_of_queries_whatever_it_holds(
    tenant, admin_member, sop, client_for
):
    client = client_for(admin_member)
    client.get(sop.get_absolute_url())  # warm the session
    with assert_queries(CYCLE_PAGE_QUERIES):
        assert client.get(sop.get_absolute_url()).status_code == 200
    for phase in sop.phases.all():
        for i in range(3):
            make_task(tenant, title=f"Task {i}", phase=phase, status="done" if i else "open")
        make_meeting(sop, title=f"{phase.name} meeting", phase=phase)
    pf.make_version(tenant, PlanType.DEMAND, start=DEC, status=VersionStatus.APPROVED)
    with assert_queries(CYCLE_PAGE_QUERIES):
        assert client.get(sop.get_absolute_url()).status_code == 200


def test_closing_from_the_phase_page_lists_what_is_missing(tenant, admin_member, sop, client_for):
    priya = MembershipFactory(tenant=tenant, role="planner")
    demand = sop.phases.get(key="demand-review")
    make_task(tenant, title="Review Fabrikam", phase=demand)
    client = client_for(priya)
    response = client.post(_url("phase_close", tenant, cycle_id=sop.pk, phase_id=demand.pk), {"reason": ""})
    assert response.status_code == 422
    page = response.content.decode()
    assert "Demand review cannot close yet" in page
    assert "No demand version of this cycle is approved yet." in page and "0 of 1 tasks done." in page
    demand.refresh_from_db()
    assert demand.status == PhaseStatus.NOT_STARTED


def test_an_admin_closes_with_a_reason_and_reopens_from_the_page(tenant, admin_member, sop, client_for):
    demand = sop.phases.get(key="demand-review")
    client = client_for(admin_member)
    close = _url("phase_close", tenant, cycle_id=sop.pk, phase_id=demand.pk)
    response = client.post(close, {"reason": "Going with last month's", "back": "cycle"})
    assert response.status_code == 302 and response["Location"] == sop.get_absolute_url()
    page = client.get(sop.get_absolute_url()).content.decode()
    assert "locked-banner" in page and "Closed with criteria unmet: Going with last month" in page
    reopen = _url("phase_reopen", tenant, cycle_id=sop.pk, phase_id=demand.pk)
    assert client.post(reopen, {"reason": ""}).status_code == 422
    assert client.post(reopen, {"reason": "New promotion"}).status_code == 302
    demand.refresh_from_db()
    assert demand.status == PhaseStatus.IN_PROGRESS
    assert AuditEvent.objects.filter(verb="phase.reopen", subject=demand.subject).exists()


def test_an_executive_may_read_but_not_run_the_cycle(tenant, sop, client_for):
    executive = MembershipFactory(tenant=tenant, role="executive")
    client = client_for(executive)
    page = client.get(sop.get_absolute_url()).content.decode()
    assert "Close Demand review" not in page and "Start Data gathering" not in page
    phase = sop.phases.get(key="data-gathering")
    assert client.post(_url("phase_start", tenant, cycle_id=sop.pk, phase_id=phase.pk)).status_code == 403


def test_the_ics_calendar_holds_the_phases_and_meetings_with_stable_uids(
    tenant, admin_member, sop, client_for
):
    meeting = make_meeting(sop, title="Executive S&OP", phase=sop.phases.get(key="executive-sop"))
    client = client_for(admin_member)
    response = client.get(_url("cycle_ics", tenant, cycle_id=sop.pk))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/calendar")
    cal = Calendar.from_ical(response.content)
    events = {str(e["summary"]): e for e in cal.walk("VEVENT")}
    demand = events["Demand review (December 2026)"]
    assert demand.decoded("dtstart") == dt.date(2026, 12, 6)
    assert demand.decoded("dtend") == dt.date(2026, 12, 12)  # all-day: the day after it is due
    assert len([e for e in events if "(December 2026)" in e]) == 5
    timed = events["Executive S&OP"]
    assert timed.decoded("dtstart") == meeting.starts_at
    again = Calendar.from_ical(client.get(_url("cycle_ics", tenant, cycle_id=sop.pk)).content)
    assert sorted(str(e["uid"]) for e in cal.walk("VEVENT")) == sorted(
        str(e["uid"]) for e in again.walk("VEVENT")
    )


def test_the_settings_page_edits_a_phase_and_its_tasks(tenant, admin_member, client_for):
    priya = MembershipFactory(tenant=tenant, role="planner")
    client = client_for(admin_member)
    page = client.get(_url("cycle_settings", tenant)).content.decode()
    assert "Pre-S&amp;OP reconciliation" in page
    supply = PhaseTemplate.objects.get(tenant=tenant, key="supply-review")
    edit = _url("phase_template_edit", tenant, phase_template_id=supply.pk)
    data = {
        "name": "Supply review",
        "position": "3",
        "owner": f"m{priya.pk}",
        "starts_offset_days": "10",
        "due_offset_days": "16",
        "criteria": ["supply_approved", "meeting_held"],
        "locks_plan_type": "supply",
    }
    assert client.post(edit, data).status_code == 302
    supply.refresh_from_db()
    assert supply.owner_member == priya and supply.criteria == ["supply_approved", "meeting_held"]
    bad = client.post(edit, {**data, "due_offset_days": "2"})
    assert bad.status_code == 422 and "on or after the day it starts" in bad.content.decode()
    tasks = _url("task_template_new", tenant, phase_template_id=supply.pk)
    assert client.post(tasks, {"title": "Confirm Leeds capacity", "due_offset_days": "12"}).status_code == 302
    assert supply.task_templates.get().title == "Confirm Leeds capacity"
    assert client.post(tasks, {"title": "", "due_offset_days": "x"}).status_code == 422
    settings_page = client.post(
        _url("cycle_settings", tenant), {"remind_days_before": "2", "escalate_after_days": "4"}
    )
    assert settings_page.status_code == 302
    assert AuditEvent.objects.filter(verb="process.settings").exists()


def test_planners_do_not_see_the_template_settings(tenant, client_for):
    priya = MembershipFactory(tenant=tenant, role="planner")
    assert client_for(priya).get(_url("cycle_settings", tenant)).status_code == 403
