"""The reminder sweep (Celery beat, `process.remind_tasks`): before a task is due, each day it is
overdue, and once to the phase owner when it is `escalate_after_days` overdue. Idempotent: the task
remembers what went out (`reminded_due_on`, `reminded_overdue_on`, `escalated_at`), so a second run
the same day sends nothing. Each reminder is a system feed item on the task, a bell entry (and e-mail,
by each person's preferences) for whom it concerns, and an audit event by the system."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from feeds.actions import do_create_system_item, notify_users
from feeds.models import Notification
from sopsocial.audit.actions import record
from sopsocial.tenancy.models import Membership, Tenant

from ..models import Absence, ProcessSettings, Task
from ..models.tasks import OPEN_TASK_STATUSES
from ..verbs import ProcessVerb
from .tasks import assignee_label


@dataclass
class ReminderCounts:
    """What one sweep sent, by kind (task ids), for the task's return value and the tests."""

    before_due: list[int] = field(default_factory=list)
    overdue: list[int] = field(default_factory=list)
    escalated: list[int] = field(default_factory=list)

    def as_dict(self) -> dict[str, int]:
        return {
            "before_due": len(self.before_due),
            "overdue": len(self.overdue),
            "escalated": len(self.escalated),
        }


def do_remind_tasks(today: dt.date | None = None) -> ReminderCounts:
    """Run the sweep over every active tenant with open tasks that have a due date."""
    today = today or timezone.localdate()
    counts = ReminderCounts()
    tenants = Tenant.objects.filter(
        suspended_at__isnull=True,
        pk__in=Task.objects.filter(status__in=OPEN_TASK_STATUSES, due_on__isnull=False).values("tenant_id"),
    )
    for tenant in tenants:
        remind_tenant_tasks(tenant, today, counts)
    return counts


def remind_tenant_tasks(tenant: Tenant, today: dt.date, counts: ReminderCounts) -> None:
    settings = ProcessSettings.objects.filter(tenant=tenant).first() or ProcessSettings(tenant=tenant)
    horizon = today + dt.timedelta(days=settings.remind_days_before)
    candidates = (
        Task.objects.filter(tenant=tenant, status__in=OPEN_TASK_STATUSES, due_on__lte=horizon)
        .filter(Q(assignee_member__isnull=False) | Q(assignee_team__isnull=False))
        .values_list("pk", flat=True)
        .order_by("due_on", "pk")
    )
    for task_id in list(candidates):
        _remind_one(tenant, task_id, today, settings, counts)


def _remind_one(
    tenant: Tenant, task_id: int, today: dt.date, settings: ProcessSettings, counts: ReminderCounts
) -> None:
    """One task in its own transaction, locked, so two sweeps racing send each reminder once."""
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("subject", "assignee_member__user", "assignee_team", "phase")
            .filter(pk=task_id, status__in=OPEN_TASK_STATUSES)
            .first()
        )
        if task is None or task.due_on is None:
            return
        task.tenant = tenant
        due = task.due_on
        changed: list[str] = []
        if due >= today and (due - today).days <= settings.remind_days_before and task.reminded_due_on != due:
            _send(task, _receivers(task, today), "task.remind", _before_due_text(task, today), "before_due")
            task.reminded_due_on = due
            changed.append("reminded_due_on")
            counts.before_due.append(task.pk)
        if due < today and task.reminded_overdue_on != today:
            days = (today - due).days
            text = f"Overdue by {days} day{'s' if days != 1 else ''} (was due {due:%a %d %b}): {task.title}"
            _send(task, _receivers(task, today), "task.overdue", text, "overdue")
            task.reminded_overdue_on = today
            changed.append("reminded_overdue_on")
            counts.overdue.append(task.pk)
        if (
            due < today
            and (today - due).days >= max(settings.escalate_after_days, 1)
            and task.escalated_at is None
            and task.phase is not None
        ):
            owners = _phase_owner_user_ids(task, today)
            if owners:
                days = (today - due).days
                text = (
                    f"Escalated to the owner of {task.phase.name}: “{task.title}” "
                    f"({assignee_label(task) or 'unassigned'}) is {days} days overdue"
                )
                _send(task, owners, "task.escalate", text, "escalated", verb=ProcessVerb.TASK_ESCALATE)
                task.escalated_at = timezone.now()
                changed.append("escalated_at")
                counts.escalated.append(task.pk)
        if changed:
            task.save(update_fields=changed)


def _before_due_text(task: Task, today: dt.date) -> str:
    assert task.due_on is not None
    days = (task.due_on - today).days
    when = "today" if days == 0 else "tomorrow" if days == 1 else f"on {task.due_on:%a %d %b}"
    return f"Reminder: due {when}: {task.title}"


def _send(
    task: Task,
    user_ids: list[int],
    feed_verb: str,
    text: str,
    kind: str,
    verb: ProcessVerb = ProcessVerb.TASK_REMIND,
) -> None:
    item = do_create_system_item(tenant=task.tenant, subject=task.subject, verb=feed_verb, text=text)
    notify_users(item, user_ids, Notification.Verb.TASK, None)
    record(
        tenant=task.tenant,
        verb=verb,
        subject=task.subject,
        target=task.title,
        after={"kind": kind, "due_on": task.due_on, "recipients": len(user_ids)},
    )


def _receivers(task: Task, today: dt.date) -> list[int]:
    """Whom a reminder of the task reaches: its person or its team's members, each replaced by their
    stand-in while they are away."""
    if task.assignee_member_id is not None:
        return _with_stand_ins([task.assignee_member_id], today)
    if task.assignee_team_id is not None:
        ids = Membership.objects.filter(
            team_memberships__team_id=task.assignee_team_id, is_active=True
        ).values_list("pk", flat=True)
        return _with_stand_ins(ids, today)
    return []


def _phase_owner_user_ids(task: Task, today: dt.date) -> list[int]:
    phase = task.phase
    if phase is None:
        return []
    if phase.owner_member_id is not None:
        return _with_stand_ins([phase.owner_member_id], today)
    if phase.owner_team_id is not None:
        ids = Membership.objects.filter(
            team_memberships__team_id=phase.owner_team_id, is_active=True
        ).values_list("pk", flat=True)
        return _with_stand_ins(ids, today)
    return []


def _with_stand_ins(member_ids: Iterable[int], today: dt.date) -> list[int]:
    """The user ids of the (internal) members, each away member replaced by their (active) stand-in: two
    queries whatever the number (the rule of `process.standins.receiver_for`, in bulk; one hop only)."""
    member_ids = list(member_ids)
    absences = (
        Absence.objects.filter(member_id__in=member_ids, starts_on__lte=today, ends_on__gte=today)
        .filter(stand_in__is_active=True)
        .order_by("created")
        .values_list("member_id", "stand_in_id")
    )
    receiver = {m: m for m in member_ids}
    receiver.update(dict(absences))  # the newest absence wins, as receiver_for's
    # partner users are left out: a reminder is an internal item, which they could not open
    users = dict(
        Membership.objects.filter(
            pk__in=set(receiver.values()), is_active=True, partner__isnull=True
        ).values_list("pk", "user_id")
    )
    return sorted({users[r] for r in receiver.values() if r in users})
