"""Exit criteria a phase may require before it closes: a closed registry of checks the product can run.

`CRITERIA[key]` is a `Criterion` (label and `check(phase, facts) -> (ok, detail)`). A phase template
stores the keys it requires (`PhaseTemplate.criteria`, copied onto each `CyclePhase`); closing a phase
runs `evaluate(phase)` and refuses while any result is not ok (an admin may override, with a reason).
The checks read `CycleFacts`, loaded once per cycle in a fixed number of queries, so the cycle page
shows every phase's criteria live without a query per phase or per criterion."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db.models import Count, Q

from alerts.models import Alert, AlertStatus, Severity
from planning.models import PlanType, PlanVersion, VersionStatus

from .models import CyclePhase, Meeting, MeetingStatus, SopCycle, Task, TaskStatus


@dataclass(frozen=True)
class CycleFacts:
    """What the criteria of one cycle's phases read."""

    # (plan type, version number, status), newest first
    versions: list[tuple[str, int, str]] = field(default_factory=list)
    open_high_alerts: int = 0
    # phase id -> (tasks done, tasks not cancelled)
    tasks: dict[int, tuple[int, int]] = field(default_factory=dict)
    # phase id -> title of its latest closed meeting
    held_meetings: dict[int, str] = field(default_factory=dict)


def facts_for(cycle: SopCycle) -> CycleFacts:
    """Four queries, whatever the number of phases, tasks, meetings or versions."""
    versions = list(
        PlanVersion.objects.filter(cycle_id=cycle.plan_cycle_id)
        .order_by("-number")
        .values_list("plan__plan_type", "number", "status")
    )
    alerts = Alert.objects.filter(tenant_id=cycle.tenant_id, severity=Severity.HIGH, status=AlertStatus.OPEN)
    tasks = {
        row["phase_id"]: (row["done"], row["total"])
        for row in Task.objects.filter(phase__cycle=cycle)
        .exclude(status=TaskStatus.CANCELLED)
        .values("phase_id")
        .annotate(total=Count("id"), done=Count("id", filter=Q(status=TaskStatus.DONE)))
        .order_by()
    }
    held: dict[int, str] = {}
    for phase_id, title in (
        Meeting.objects.filter(cycle=cycle, status=MeetingStatus.CLOSED, phase__isnull=False)
        .order_by("closed_at", "id")
        .values_list("phase_id", "title")
    ):
        held[phase_id] = title
    return CycleFacts(versions=versions, open_high_alerts=alerts.count(), tasks=tasks, held_meetings=held)


@dataclass(frozen=True)
class CriterionResult:
    key: str
    label: str
    ok: bool
    detail: str


Check = Callable[[CyclePhase, CycleFacts], tuple[bool, str]]


@dataclass(frozen=True)
class Criterion:
    key: str
    label: str
    check: Check


APPROVED_OR_LATER = (VersionStatus.APPROVED, VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)
PUBLISHED_OR_LATER = (VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED)


def _version_reached(plan_type: str, statuses: tuple[str, ...], words: str) -> Check:
    def check(phase: CyclePhase, facts: CycleFacts) -> tuple[bool, str]:
        plan = str(plan_type)  # "demand", "supply"
        for kind, number, status in facts.versions:
            if kind == plan_type and status in statuses:
                return True, f"{plan.capitalize()} v{number} is {VersionStatus(status).label.lower()}."
        return False, f"No {plan} version of this cycle is {words} yet."

    return check


def _no_unacknowledged_high_alert(phase: CyclePhase, facts: CycleFacts) -> tuple[bool, str]:
    n = facts.open_high_alerts
    if n:
        return False, f"{n} high alert{'s' if n != 1 else ''} open and not acknowledged."
    return True, "No high alert is waiting for acknowledgement."


def _phase_tasks_done(phase: CyclePhase, facts: CycleFacts) -> tuple[bool, str]:
    done, total = facts.tasks.get(phase.pk, (0, 0))
    if done < total:
        return False, f"{done} of {total} tasks done."
    return True, (f"All {total} tasks done." if total else "The phase has no tasks.")


def _meeting_held(phase: CyclePhase, facts: CycleFacts) -> tuple[bool, str]:
    title = facts.held_meetings.get(phase.pk)
    if title is None:
        return False, "No meeting of this phase has been held (closed) yet."
    return True, f"{title} was held."


_ALL = [
    Criterion(
        "demand_approved",
        "A demand version of the cycle is approved",
        _version_reached(PlanType.DEMAND, APPROVED_OR_LATER, "approved"),
    ),
    Criterion(
        "supply_approved",
        "A supply version of the cycle is approved",
        _version_reached(PlanType.SUPPLY, APPROVED_OR_LATER, "approved"),
    ),
    Criterion(
        "demand_published",
        "A demand version of the cycle is published",
        _version_reached(PlanType.DEMAND, PUBLISHED_OR_LATER, "published"),
    ),
    Criterion(
        "supply_published",
        "A supply version of the cycle is published",
        _version_reached(PlanType.SUPPLY, PUBLISHED_OR_LATER, "published"),
    ),
    Criterion("no_open_high_alerts", "No open high alert left unacknowledged", _no_unacknowledged_high_alert),
    Criterion("phase_tasks_done", "All the phase's tasks are done", _phase_tasks_done),
    Criterion("meeting_held", "A meeting of the phase was held", _meeting_held),
]
CRITERIA: dict[str, Criterion] = {c.key: c for c in _ALL}
CHOICES: list[tuple[str, str]] = [(c.key, c.label) for c in _ALL]


def evaluate(phase: CyclePhase, facts: CycleFacts | None = None) -> list[CriterionResult]:
    """Each criterion the phase requires, checked now. An unknown key (a criterion since removed) is
    reported unmet rather than skipped: a phase never closes on a check nobody ran."""
    facts = facts if facts is not None else facts_for(phase.cycle)
    results = []
    for key in phase.criteria or []:
        criterion = CRITERIA.get(key)
        if criterion is None:
            results.append(
                CriterionResult(key, key, False, "This criterion no longer exists; edit the template.")
            )
            continue
        ok, detail = criterion.check(phase, facts)
        results.append(CriterionResult(key, criterion.label, ok, detail))
    return results


def unmet(phase: CyclePhase, facts: CycleFacts | None = None) -> list[CriterionResult]:
    return [r for r in evaluate(phase, facts) if not r.ok]
