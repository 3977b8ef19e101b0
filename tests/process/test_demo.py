"""load_demo gives Northwind a process in motion: teams, a cycle whose demand review is done and whose
supply review is under way with open tasks (one overdue), the executive meeting with its agenda and two
decisions, so a newcomer's first look at My work and the cycle shows work waiting."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from planning.models import PlanCycleLock, PlanType
from process import demo
from process.models import Decision, Meeting, PhaseStatus, SopCycle, Task, TaskStatus
from process.selectors import my_work
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Membership, Team, Tenant

pytestmark = pytest.mark.django_db
TODAY = dt.date(2026, 12, 3)


@pytest.fixture
def northwind(db):
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
        call_command("load_demo", stdout=io.StringIO())
    return Tenant.objects.get(slug="northwind")


def _cycle_in_motion(tenant):
    (cycle,) = [c for c in SopCycle.objects.filter(tenant=tenant) if c.phases.filter(status=PhaseStatus.DONE)]
    return cycle


def _member(tenant, username):
    return Membership.objects.select_related("user", "tenant").get(tenant=tenant, user__username=username)


def test_the_demo_cycle_is_in_motion(northwind):
    cycle = _cycle_in_motion(northwind)
    states = {p.key: p.state(TODAY) for p in cycle.phases.all()}
    assert states == {
        "data-gathering": PhaseStatus.DONE,
        "demand-review": PhaseStatus.DONE,
        "supply-review": PhaseStatus.IN_PROGRESS,
        "pre-sop": PhaseStatus.NOT_STARTED,
        "executive-sop": PhaseStatus.NOT_STARTED,
    }
    supply = cycle.phases.get(key="supply-review")
    assert supply.starts_on <= TODAY <= supply.due_on and supply.owner_member.user.username == "priya"
    open_tasks = Task.objects.filter(phase=supply, status=TaskStatus.OPEN)
    assert open_tasks.count() == 3
    assert [t.title for t in open_tasks if t.is_overdue(TODAY)] == ["Check oat supply with Oatfield Mills"]
    meeting = Meeting.objects.get(cycle=cycle)
    assert meeting.phase.key == "executive-sop" and meeting.agenda.exists()
    assert Decision.objects.filter(tenant=northwind).count() == 2
    assert AuditEvent.objects.filter(tenant=northwind, verb="phase.close").count() == 2


def test_the_demo_teams_have_members_and_onboard_with_their_default_follows(northwind):
    teams = {t.handle: t for t in Team.objects.filter(tenant=northwind)}
    assert set(teams) == {"demand-planning", "supply-planning", "leeds-depot"}
    assert {m.user.username for m in teams["supply-planning"].members.all()} == {"priya", "dana"}
    assert teams["leeds-depot"].default_follows.count() == 2


def test_a_newcomer_sees_work_waiting_on_my_work(northwind):
    dana = _member(northwind, "dana")
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr("django.utils.timezone.localdate", lambda *a, **k: TODAY)
        work = my_work(dana, today=TODAY)
    titles = [row.task.title for row in work.tasks]
    assert "Check oat supply with Oatfield Mills" in titles


def test_the_story_can_still_change_the_demand_plan_after_demand_review(northwind):
    """Northwind's demand review locks nothing (STORY.md step 2 edits the demand draft); its supply review
    will lock the supply plan when it closes."""
    cycle = _cycle_in_motion(northwind)
    assert cycle.phases.get(key="demand-review").locks_plan_type == ""
    assert cycle.phases.get(key="supply-review").locks_plan_type == PlanType.SUPPLY
    assert not PlanCycleLock.objects.filter(cycle=cycle.plan_cycle).exists()


def test_loading_twice_changes_nothing(northwind):
    events = AuditEvent.objects.filter(tenant=northwind).count()
    demo.load(northwind, io.StringIO(), today=TODAY)
    assert AuditEvent.objects.filter(tenant=northwind).count() == events
