"""Process objects for tests, written straight to the tables (no audit, no feed): for tests that need a
cycle, phase, task, meeting or decision to exist. Tests of the actions call the actions."""

import datetime as dt

from planning.models import PlanCycle
from process.models import CyclePhase, Decision, Meeting, SopCycle, Task
from sopsocial.subjects.actions import save_with_subject


def make_cycle(tenant, month=dt.date(2026, 12, 1)) -> SopCycle:
    plan_cycle, _ = PlanCycle.objects.get_or_create(tenant=tenant, month=month)
    return save_with_subject(SopCycle(tenant=tenant, plan_cycle=plan_cycle, starts_on=month))


def make_phase(
    cycle, key="demand-review", name="Demand review", position=2, days=(0, 7), **extra
) -> CyclePhase:
    start, due = days
    phase = CyclePhase(
        tenant=cycle.tenant,
        cycle=cycle,
        key=key,
        name=name,
        position=position,
        starts_on=cycle.starts_on + dt.timedelta(days=start),
        due_on=cycle.starts_on + dt.timedelta(days=due),
        **extra,
    )
    return save_with_subject(phase)


def make_task(tenant, title="Check the Leeds forecast", **extra) -> Task:
    return save_with_subject(Task(tenant=tenant, title=title, **extra))


def make_meeting(cycle, title="Executive S&OP", starts_at=None, **extra) -> Meeting:
    starts_at = starts_at or dt.datetime(2026, 12, 15, 9, 0, tzinfo=dt.UTC)
    meeting = Meeting(
        tenant=cycle.tenant,
        cycle=cycle,
        title=title,
        starts_at=starts_at,
        ends_at=starts_at + dt.timedelta(hours=1),
        **extra,
    )
    return save_with_subject(meeting)


def make_decision(tenant, question="Do we build stock ahead of the Contoso promotion?", **extra) -> Decision:
    return save_with_subject(Decision(tenant=tenant, question=question, **extra))
