"""Reads the process pages, the API and tasks share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils import timezone

from planning.models import PlanCycle, PlanCycleLock
from sopsocial.tenancy.models import Tenant

from .. import criteria
from ..models import CyclePhase, Meeting, SopCycle, TaskStatus


def cycles_for(tenant: Tenant) -> QuerySet[SopCycle]:
    """The tenant's S&OP cycles, newest first, with their phases prefetched."""
    return (
        SopCycle.objects.filter(tenant=tenant)
        .select_related("plan_cycle")
        .prefetch_related("phases")
        .order_by("-starts_on", "-id")
    )


def plan_cycles_without_process(tenant: Tenant) -> QuerySet[PlanCycle]:
    """Plan cycles made before the S&OP process existed (they get one from a button)."""
    return PlanCycle.objects.filter(tenant=tenant, sop_cycle__isnull=True).order_by("-month")


def phases_of(cycle: SopCycle) -> QuerySet[CyclePhase]:
    """The cycle's phases in order with owners and task progress (tasks_done, tasks_total)."""
    return (
        cycle.phases.select_related("owner_member__user", "owner_team", "subject")
        .annotate(
            tasks_total=Count("tasks", filter=~Q(tasks__status=TaskStatus.CANCELLED)),
            tasks_done=Count("tasks", filter=Q(tasks__status=TaskStatus.DONE)),
        )
        .order_by("position", "id")
    )


@dataclass(frozen=True)
class PhaseRow:
    phase: CyclePhase
    state: str
    criteria: list[criteria.CriterionResult]

    @property
    def criteria_met(self) -> bool:
        return all(r.ok for r in self.criteria)

    @property
    def state_label(self) -> str:
        return {"not_started": "Not started", "in_progress": "In progress", "done": "Done", "late": "Late"}[
            self.state
        ]


def phase_rows(cycle: SopCycle, today: dt.date | None = None) -> list[PhaseRow]:
    """Each phase with its derived state and its criteria checked live, in a fixed number of queries
    (one for the phases, four for the facts the criteria read)."""
    today = today or timezone.localdate()
    phases = list(phases_of(cycle))
    facts = criteria.facts_for(cycle)
    rows = []
    for phase in phases:
        phase.cycle = cycle
        rows.append(PhaseRow(phase, phase.state(today), criteria.evaluate(phase, facts)))
    return rows


def meetings_of(cycle: SopCycle) -> QuerySet[Meeting]:
    return cycle.meetings.select_related("phase").order_by("starts_at", "id")


def locks_of(cycle: SopCycle) -> list[PlanCycleLock]:
    return list(PlanCycleLock.objects.filter(cycle_id=cycle.plan_cycle_id).select_related("cycle"))
