"""What a meeting should decide: the agenda candidates read from the plans, alerts, tasks and decisions.

`agenda_candidates(meeting)` lists, in this order: the cycle's plan versions waiting for approval (and
approved ones waiting to be published), the tenant's open high alerts, overdue open tasks of the cycle's
phases, and open decisions due by the meeting's day. Each candidate is keyed by `link` (the page of
the thing itself), which is how "Refresh agenda" (`process.actions.meetings.do_refresh_agenda`)
recognises what the agenda already holds. Scenarios and assumptions join the list once they exist.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.utils import timezone

from alerts.models import LIVE_STATUSES, Alert, Severity
from planning.models import PlanVersion, VersionStatus
from sopsocial.subjects.models import Subject

from .models import AgendaItem, Decision, DecisionStatus, Meeting, Task
from .models.tasks import OPEN_TASK_STATUSES

MAX_PER_KIND = 20  # an agenda is read aloud: past this, the register or the alert list is the place


@dataclass(frozen=True)
class AgendaCandidate:
    kind: str  # an `AgendaItem.Kind`
    title: str
    link: str  # the page of the thing itself: the agenda's key for it
    subject: Subject | None = None


def _versions(meeting: Meeting) -> list[AgendaCandidate]:
    versions = (
        PlanVersion.objects.filter(
            tenant_id=meeting.tenant_id,
            cycle_id=meeting.cycle.plan_cycle_id,
            status__in=[VersionStatus.SUBMITTED, VersionStatus.APPROVED],
        )
        .select_related("plan", "cycle", "subject", "tenant")
        .order_by("plan__plan_type", "number")[:MAX_PER_KIND]
    )
    return [
        AgendaCandidate(
            kind=AgendaItem.Kind.VERSION,
            title=(
                f"Approve {v.subject.title}"
                if v.status == VersionStatus.SUBMITTED
                else f"Approved, to publish: {v.subject.title}"
            ),
            link=v.get_absolute_url(),
            subject=v.subject,
        )
        for v in versions
    ]


def _alerts(meeting: Meeting) -> list[AgendaCandidate]:
    alerts = (
        Alert.objects.filter(tenant_id=meeting.tenant_id, status__in=LIVE_STATUSES, severity=Severity.HIGH)
        .select_related("subject", "tenant")
        .order_by("-raised_at", "-id")[:MAX_PER_KIND]
    )
    return [
        AgendaCandidate(
            kind=AgendaItem.Kind.ALERT, title=a.title, link=a.get_absolute_url(), subject=a.subject
        )
        for a in alerts
    ]


def _overdue_tasks(meeting: Meeting, today: dt.date) -> list[AgendaCandidate]:
    tasks = (
        Task.objects.filter(
            tenant_id=meeting.tenant_id,
            phase__cycle_id=meeting.cycle_id,
            status__in=OPEN_TASK_STATUSES,
            due_on__lt=today,
        )
        .select_related("subject", "tenant")
        .order_by("due_on", "id")[:MAX_PER_KIND]
    )
    return [
        AgendaCandidate(
            kind=AgendaItem.Kind.TASK,
            title=f"Overdue since {t.due_on:%d %b}: {t.title}",
            link=t.get_absolute_url(),
            subject=t.subject,
        )
        for t in tasks
    ]


def _decisions_due(meeting: Meeting) -> list[AgendaCandidate]:
    day = timezone.localtime(meeting.starts_at).date()
    decisions = (
        Decision.objects.filter(tenant_id=meeting.tenant_id, status=DecisionStatus.OPEN, due_on__lte=day)
        .select_related("subject", "tenant")
        .order_by("due_on", "id")[:MAX_PER_KIND]
    )
    return [
        AgendaCandidate(
            kind=AgendaItem.Kind.DECISION,
            title=f"Decide: {d.question}",
            link=d.get_absolute_url(),
            subject=d.subject,
        )
        for d in decisions
    ]


def agenda_candidates(meeting: Meeting, today: dt.date | None = None) -> list[AgendaCandidate]:
    """Everything the meeting should look at now, in agenda order (see the module docstring)."""
    today = today or timezone.localdate()
    return [
        *_versions(meeting),
        *_alerts(meeting),
        *_overdue_tasks(meeting, today),
        *_decisions_due(meeting),
    ]
