"""A running cycle changed by hand: one phase's owner, dates and lock (audited old -> new, posted), or the
whole calendar moved to start on another day; bad input names the field and writes nothing."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from feeds.models import FeedItem
from process.actions.rescheduling import check_move_cycle, check_update_phase
from process.models import PhaseStatus
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Team

from ..factories import MembershipFactory
from .factories import make_cycle, make_phase

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(db):
    priya = MembershipFactory(role="planner", user__username="priya", user__first_name="Priya")
    cycle = make_cycle(priya.tenant, month=dt.date(2026, 12, 1))
    demand = make_phase(cycle, days=(5, 10), locks_plan_type="demand")
    supply = make_phase(cycle, key="supply-review", name="Supply review", position=3, days=(11, 17))
    return priya, cycle, demand, supply


def test_a_phase_gets_a_team_new_dates_and_no_lock_audited_and_posted(world):
    priya, _, demand, _ = world
    team = Team.objects.create(tenant=priya.tenant, name="Demand planning", handle="demand-planning")
    phase = check_update_phase(
        priya,
        demand,
        owner_member=None,
        owner_team=team,
        starts_on=dt.date(2026, 12, 7),
        due_on=dt.date(2026, 12, 12),
        locks_plan_type="",
    )
    assert (phase.owner_team, phase.starts_on, phase.due_on, phase.locks_plan_type) == (
        team,
        dt.date(2026, 12, 7),
        dt.date(2026, 12, 12),
        "",
    )
    event = AuditEvent.objects.get(verb="phase.update", subject=demand.subject)
    assert event.before == {"owner": "", "starts_on": "2026-12-06", "due_on": "2026-12-11", "locks": "demand"}
    assert event.after["owner"] == "@demand-planning" and event.after["locks"] == ""
    assert FeedItem.objects.filter(subject=demand.subject, verb="phase.update").exists()


def test_bad_phase_changes_name_the_field_and_write_nothing(world):
    priya, _, demand, _ = world
    outsider = MembershipFactory()
    with pytest.raises(ValidationError) as error:
        check_update_phase(
            priya,
            demand,
            owner_member=outsider,
            owner_team=None,
            starts_on=dt.date(2026, 12, 9),
            due_on=dt.date(2026, 12, 8),
            locks_plan_type="budget",
        )
    assert set(error.value.message_dict) == {"owner", "due_on", "locks_plan_type"}
    viewer = MembershipFactory(tenant=priya.tenant, role="viewer")
    with pytest.raises(PermissionDenied):
        check_update_phase(
            viewer,
            demand,
            owner_member=None,
            owner_team=None,
            starts_on=demand.starts_on,
            due_on=demand.due_on,
        )
    assert not AuditEvent.objects.filter(verb="phase.update").exists()


def test_moving_the_calendar_shifts_every_phase_and_is_refused_once_one_is_closed(world):
    priya, cycle, demand, supply = world
    check_move_cycle(priya, cycle, starts_on=dt.date(2026, 11, 20))
    demand.refresh_from_db()
    supply.refresh_from_db()
    assert (demand.starts_on, demand.due_on) == (dt.date(2026, 11, 25), dt.date(2026, 11, 30))
    assert (supply.starts_on, supply.due_on) == (dt.date(2026, 12, 1), dt.date(2026, 12, 7))
    assert AuditEvent.objects.filter(verb="phase.update", subject=cycle.subject).exists()
    demand.status = PhaseStatus.DONE
    demand.save(update_fields=["status"])
    with pytest.raises(ValidationError) as error:
        check_move_cycle(priya, cycle, starts_on=dt.date(2026, 12, 1))
    assert "starts_on" in error.value.message_dict


def test_the_phase_page_changes_a_phase_and_says_why_not(world, client):
    priya, cycle, demand, _ = world
    client.force_login(priya.user)
    url = reverse(
        "process:phase_edit",
        kwargs={"tenant_slug": priya.tenant.slug, "cycle_id": cycle.pk, "phase_id": demand.pk},
    )
    page = client.get(demand.get_absolute_url()).content.decode()
    assert url in page and "Save the phase" in page
    bad = client.post(
        url, {"owner": "", "starts_on": "2026-12-09", "due_on": "2026-12-01", "locks_plan_type": ""}
    )
    assert bad.status_code == 422 and "due on or after" in bad.content.decode()
    good = client.post(
        url,
        {"owner": f"m{priya.pk}", "starts_on": "2026-12-06", "due_on": "2026-12-12", "locks_plan_type": ""},
    )
    assert good.status_code == 302
    demand.refresh_from_db()
    assert (
        demand.owner_member == priya and demand.due_on == dt.date(2026, 12, 12) and not demand.locks_plan_type
    )
