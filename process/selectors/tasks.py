"""Reads the process pages, the reminder sweep and the API share."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from sopsocial.tenancy.models import Membership

from ..access import mine_q, visible_tasks
from ..models import Task
from ..models.tasks import OPEN_TASK_STATUSES


@dataclass(frozen=True)
class TaskFilters:
    """The task list's filters, as the page and the API take them. `status` "open" means open or in
    progress, "" any status."""

    mine: bool = False
    assigned_by_me: bool = False
    phase_id: int | None = None
    status: str = "open"
    overdue: bool = False
    assignee_member_id: int | None = None
    due_before: dt.date | None = None
    due_after: dt.date | None = None


def tasks_for(member: Membership, filters: TaskFilters, today: dt.date | None = None) -> QuerySet[Task]:
    """The tasks the member may see that match `filters`, soonest due first (no due date last), with
    what a row shows loaded and the checklist progress counted: one query."""
    tasks = visible_tasks(member)
    if filters.mine:
        tasks = tasks.filter(mine_q(member))
    if filters.assigned_by_me:
        tasks = tasks.filter(created_by_id=member.user_id)
    return tasks_matching(tasks, filters, today)


def tasks_matching(
    tasks: QuerySet[Task], filters: TaskFilters, today: dt.date | None = None
) -> QuerySet[Task]:
    """`tasks` (already scoped to a tenant and a viewer) narrowed by the filters that need no viewer
    (phase, status, overdue, assignee, due dates), ordered and loaded for rows."""
    today = today or timezone.localdate()
    if filters.phase_id is not None:
        tasks = tasks.filter(phase_id=filters.phase_id)
    if filters.status == "open":
        tasks = tasks.filter(status__in=OPEN_TASK_STATUSES)
    elif filters.status:
        tasks = tasks.filter(status=filters.status)
    if filters.overdue:
        tasks = tasks.filter(status__in=OPEN_TASK_STATUSES, due_on__lt=today)
    if filters.assignee_member_id is not None:
        tasks = tasks.filter(assignee_member_id=filters.assignee_member_id)
    if filters.due_before is not None:
        tasks = tasks.filter(due_on__lte=filters.due_before)
    if filters.due_after is not None:
        tasks = tasks.filter(due_on__gte=filters.due_after)
    return (
        tasks.select_related(
            "tenant",
            "assignee_member__user",
            "assignee_team",
            "standing_in_for__user",
            "phase",
            "about__tenant",
        )
        .annotate(
            checklist_total=Count("checklist"),
            checklist_done=Count("checklist", filter=Q(checklist__done=True)),
        )
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def tasks_about(member: Membership, subject_id: int, limit: int = 20) -> list[Task]:
    """Open tasks about one subject (for its page's panel), soonest due first."""
    return list(
        visible_tasks(member)
        .filter(about_id=subject_id, status__in=OPEN_TASK_STATUSES)
        .select_related("tenant", "assignee_member__user", "assignee_team", "about__tenant")
        .order_by(F("due_on").asc(nulls_last=True), "id")[:limit]
    )
