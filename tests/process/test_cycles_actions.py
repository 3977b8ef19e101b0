"""The cycle calendar's actions: a cycle's phases and template tasks with their dates, the criteria, and
the phase lifecycle (close refused, overridden by an admin, reopened), all audited."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feeds.models import FeedItem, Follow
from planning import actions as planning_actions
from planning.models import PlanCycle, PlanCycleLock, PlanType, VersionStatus
from process import criteria
from process.actions.cycles import (
    DEFAULT_PHASES,
    PhaseTemplateInput,
    check_add_task_template,
    check_close_phase,
    check_reopen_phase,
    check_save_phase_template,
    check_start_phase,
    check_start_sop_cycle,
    check_update_process_settings,
    do_create_sop_cycle,
    ensure_phase_templates,
)
from process.models import PhaseStatus, PhaseTemplate, ProcessSettings, SopCycle, Task, TaskStatus
from sopsocial.audit.models import AuditEvent

from ..alerts.factories import make_alert, make_rule
from ..factories import MembershipFactory
from ..planning import factories as pf
from .factories import make_meeting, make_task

pytestmark = pytest.mark.django_db

DEC = dt.date(2026, 12, 1)


@pytest.fixture
def priya(tenant):
    return MembershipFactory(tenant=tenant, role="planner")


def _start(tenant, admin, month=DEC):
    cycle, _versions = planning_actions.check_create_cycle(
        admin, month=month, start_week=month, horizon_weeks=8, first_versions=()
    )
    return SopCycle.objects.get(plan_cycle=cycle)


def _phase(cycle, key):
    return cycle.phases.get(key=key)


def test_a_new_plan_cycle_gets_the_five_default_phases_with_dates_from_its_month(tenant, admin_member):
    cycle, _ = planning_actions.check_create_cycle(
        admin_member, month=DEC, start_week=dt.date(2026, 11, 30), horizon_weeks=8, first_versions=()
    )
    sop = cycle.sop_cycle
    assert sop.starts_on == DEC  # the month, not the plan's first week
    phases = list(sop.phases.order_by("position"))
    assert [p.name for p in phases] == [d.name for d in DEFAULT_PHASES]
    assert [(p.starts_on, p.due_on) for p in phases] == [
        (DEC + dt.timedelta(days=d.starts), DEC + dt.timedelta(days=d.due)) for d in DEFAULT_PHASES
    ]
    demand, supply = phases[1], phases[2]
    assert demand.locks_plan_type == PlanType.DEMAND and "demand_approved" in demand.criteria
    assert supply.locks_plan_type == PlanType.SUPPLY and "supply_approved" in supply.criteria
    assert phases[-1].due_on <= DEC + dt.timedelta(days=28)  # about four weeks
    assert all(p.status == PhaseStatus.NOT_STARTED for p in phases)
    event = AuditEvent.objects.get(verb="cycle.create", subject=sop.subject)
    assert event.actor == admin_member.user
    assert Follow.objects.filter(user=admin_member.user, subject=sop.subject).exists()
    assert FeedItem.objects.filter(subject=sop.subject, verb="cycle.create").exists()


def test_every_way_a_plan_cycle_is_made_gives_it_its_sop_cycle(tenant, admin_member):
    """Made on the fly by a new version (imports, demo, frePPLe) as well as by the Plans page."""
    version = pf.make_version(tenant, PlanType.DEMAND)
    assert SopCycle.objects.filter(plan_cycle=version.cycle).count() == 1


def test_starting_the_process_of_an_older_cycle_is_idempotent(tenant, admin_member):
    old = PlanCycle.objects.create(tenant=tenant, month=dt.date(2026, 10, 1))  # made before the process
    first = check_start_sop_cycle(admin_member, old)
    again = check_start_sop_cycle(admin_member, old)
    assert first == again and SopCycle.objects.filter(plan_cycle=old).count() == 1
    assert AuditEvent.objects.filter(verb="cycle.create").count() == 1


def test_a_viewer_may_not_start_the_process(tenant):
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    old = PlanCycle.objects.create(tenant=tenant, month=dt.date(2026, 10, 1))
    with pytest.raises(PermissionDenied):
        check_start_sop_cycle(viewer, old)
    assert not SopCycle.objects.exists()


def test_template_tasks_are_made_for_each_cycle_assigned_to_the_phase_owner(tenant, admin_member, priya):
    templates = ensure_phase_templates(tenant)
    demand = next(t for t in templates if t.key == "demand-review")
    check_save_phase_template(
        admin_member,
        demand,
        PhaseTemplateInput(
            name="Demand review",
            position=demand.position,
            starts_offset_days=5,
            due_offset_days=10,
            owner_member=priya,
            criteria=("demand_approved", "phase_tasks_done"),
            locks_plan_type="demand",
        ),
    )
    check_add_task_template(admin_member, demand, title="Review the Contoso forecast", due_offset_days=7)
    sop = _start(tenant, admin_member)
    task = Task.objects.get(title="Review the Contoso forecast")
    assert task.phase == _phase(sop, "demand-review") and task.source == "template"
    assert task.assignee_member == priya and task.due_on == DEC + dt.timedelta(days=7)
    assert _phase(sop, "demand-review").owner_member == priya
    assert Follow.objects.filter(user=priya.user, subject=_phase(sop, "demand-review").subject).exists()
    assert AuditEvent.objects.filter(verb="process.template", actor=admin_member.user).count() == 2


def test_a_template_change_with_bad_input_names_the_field_and_writes_nothing(tenant, admin_member):
    demand = next(t for t in ensure_phase_templates(tenant) if t.key == "demand-review")
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        check_save_phase_template(
            admin_member,
            demand,
            PhaseTemplateInput(
                name="",
                position=2,
                starts_offset_days=9,
                due_offset_days=3,
                criteria=("no_such_check",),
                locks_plan_type="stock",
            ),
        )
    assert set(error.value.message_dict) == {"name", "due_offset_days", "criteria", "locks_plan_type"}
    demand.refresh_from_db()
    assert demand.name == "Demand review" and AuditEvent.objects.count() == events


def test_only_admins_change_the_template_and_settings(tenant, priya):
    with pytest.raises(PermissionDenied):
        check_update_process_settings(priya, remind_days_before=2, escalate_after_days=3)
    assert not PhaseTemplate.objects.filter(tenant=tenant).exists()


def test_settings_are_audited_old_to_new(tenant, admin_member):
    check_update_process_settings(admin_member, remind_days_before=3, escalate_after_days=5)
    row = ProcessSettings.objects.get(tenant=tenant)
    assert (row.remind_days_before, row.escalate_after_days) == (3, 5)
    event = AuditEvent.objects.get(verb="process.settings")
    assert event.before == {"remind_days_before": 1, "escalate_after_days": 2}
    with pytest.raises(ValidationError) as error:
        check_update_process_settings(admin_member, remind_days_before=-1, escalate_after_days=None)
    assert set(error.value.message_dict) == {"remind_days_before", "escalate_after_days"}


# --- criteria ---------------------------------------------------------------------------------------


def _results(phase):
    return {r.key: r.ok for r in criteria.evaluate(phase)}


def test_criteria_follow_versions_tasks_alerts_and_meetings(tenant, admin_member):
    sop = _start(tenant, admin_member)
    demand, supply = _phase(sop, "demand-review"), _phase(sop, "supply-review")
    pre, exec_ = _phase(sop, "pre-sop"), _phase(sop, "executive-sop")
    assert _results(demand) == {"demand_approved": False, "phase_tasks_done": True}

    version = pf.make_version(tenant, PlanType.DEMAND, start=DEC, status=VersionStatus.SUBMITTED)
    assert version.cycle_id == sop.plan_cycle_id
    assert not _results(demand)["demand_approved"]
    version.status = VersionStatus.APPROVED
    version.save()
    assert _results(demand)["demand_approved"] and not _results(supply)["supply_approved"]

    task = make_task(tenant, title="Check Leeds", phase=demand)
    assert not _results(demand)["phase_tasks_done"]
    detail = next(r.detail for r in criteria.evaluate(demand) if r.key == "phase_tasks_done")
    assert detail == "0 of 1 tasks done."
    task.status = TaskStatus.DONE
    task.save()
    assert _results(demand)["phase_tasks_done"]

    alert = make_alert(make_rule(tenant, severity="high"))
    assert not _results(pre)["no_open_high_alerts"]
    alert.status = "acknowledged"
    alert.save()
    assert _results(pre)["no_open_high_alerts"]

    meeting = make_meeting(sop, phase=exec_)
    assert not _results(exec_)["meeting_held"]
    meeting.status = "closed"
    meeting.save()
    assert _results(exec_)["meeting_held"]


# --- phase lifecycle --------------------------------------------------------------------------------


def test_closing_with_criteria_unmet_is_refused_listing_each(tenant, admin_member, priya):
    sop = _start(tenant, admin_member)
    demand = _phase(sop, "demand-review")
    make_task(tenant, title="Check Leeds", phase=demand)
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        check_close_phase(priya, demand)
    words = error.value.message_dict["criteria"]
    assert words[0].startswith("A demand version of the cycle is approved: No demand version")
    assert words[1] == "All the phase's tasks are done: 0 of 1 tasks done."
    demand.refresh_from_db()
    assert demand.status == PhaseStatus.NOT_STARTED and AuditEvent.objects.count() == events
    assert not PlanCycleLock.objects.exists()


def test_a_planner_may_not_override_unmet_criteria(tenant, admin_member, priya):
    sop = _start(tenant, admin_member)
    with pytest.raises(PermissionDenied, match="criteria unmet"):
        check_close_phase(priya, _phase(sop, "demand-review"), override_reason="The CEO said so")
    assert _phase(sop, "demand-review").status == PhaseStatus.NOT_STARTED


def test_an_admin_override_needs_a_reason_and_is_audited_with_the_unmet_list(tenant, admin_member):
    sop = _start(tenant, admin_member)
    demand = _phase(sop, "demand-review")
    with pytest.raises(ValidationError) as error:
        check_close_phase(admin_member, demand)
    assert "give the reason for overriding" in error.value.message_dict["criteria"][-1]
    check_close_phase(admin_member, demand, override_reason="Sales input is late; we go with last month's")
    demand.refresh_from_db()
    assert demand.status == PhaseStatus.DONE and demand.override_reason.startswith("Sales input")
    event = AuditEvent.objects.get(verb="phase.close_override", subject=demand.subject)
    assert event.after["reason"] == "Sales input is late; we go with last month's"
    assert event.after["unmet"] == [
        "A demand version of the cycle is approved: No demand version of this cycle is approved yet."
    ]
    lock = PlanCycleLock.objects.get(cycle=sop.plan_cycle, plan_type=PlanType.DEMAND)
    assert "Demand review was closed" in lock.message()


def test_closing_with_criteria_met_locks_and_reopening_unlocks_both_audited(tenant, admin_member, priya):
    sop = _start(tenant, admin_member)
    demand = _phase(sop, "demand-review")
    pf.make_version(tenant, PlanType.DEMAND, start=DEC, status=VersionStatus.APPROVED)
    check_start_phase(priya, demand)
    check_close_phase(priya, demand)
    demand.refresh_from_db()
    assert demand.status == PhaseStatus.DONE and demand.closed_by == priya.user
    assert AuditEvent.objects.filter(verb="phase.close", subject=demand.subject).exists()
    assert AuditEvent.objects.filter(verb="planning.plan_lock").exists()
    assert PlanCycleLock.objects.filter(cycle=sop.plan_cycle, plan_type="demand").exists()

    with pytest.raises(ValidationError) as error:
        check_reopen_phase(priya, demand, reason="  ")
    assert "reason" in error.value.message_dict
    check_reopen_phase(priya, demand, reason="Contoso sent a new promotion")
    demand.refresh_from_db()
    assert demand.status == PhaseStatus.IN_PROGRESS and demand.closed_at is None
    event = AuditEvent.objects.get(verb="phase.reopen", subject=demand.subject)
    assert event.actor == priya.user and event.after["reason"] == "Contoso sent a new promotion"
    assert AuditEvent.objects.filter(verb="planning.plan_unlock").exists()
    assert not PlanCycleLock.objects.exists()
    assert FeedItem.objects.filter(subject=demand.subject, verb="phase.reopen").exists()


def test_executives_and_partners_do_not_run_the_cycle(tenant, admin_member):
    sop = _start(tenant, admin_member)
    executive = MembershipFactory(tenant=tenant, role="executive")
    with pytest.raises(PermissionDenied):
        check_start_phase(executive, _phase(sop, "data-gathering"))
    with pytest.raises(PermissionDenied):
        check_close_phase(executive, _phase(sop, "data-gathering"))


def test_a_phase_is_late_when_not_done_past_its_due_date(tenant, admin_member):
    sop = _start(tenant, admin_member)
    first = _phase(sop, "data-gathering")
    assert first.state(today=first.due_on) == "not_started"
    assert first.state(today=first.due_on + dt.timedelta(days=1)) == "late"
    first.status = PhaseStatus.DONE
    assert first.state(today=first.due_on + dt.timedelta(days=1)) == "done"


def test_do_create_sop_cycle_as_the_system_has_no_actor(tenant):
    plan_cycle = PlanCycle.objects.create(tenant=tenant, month=dt.date(2027, 1, 1))
    sop = do_create_sop_cycle(None, plan_cycle)
    assert AuditEvent.objects.get(verb="cycle.create", subject=sop.subject).actor is None
    assert sop.phases.count() == len(DEFAULT_PHASES)
