"""Fetch-by-id for the process app, scoped to the member's tenant and what they may see: "not found" and
"not yours" are the same 404."""

from __future__ import annotations

from django.db.models import Q, QuerySet
from django.http import Http404

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.models import Membership, TeamMembership

from ..models import Absence, ChecklistItem, Task


def visible_tasks(member: Membership) -> QuerySet[Task]:
    """The tasks the member may see: all of the tenant's for staff. A partner user sees a task only
    when it is assigned to them (in person) AND what it is about is shared with their partner."""
    tasks = Task.objects.filter(tenant_id=member.tenant_id)
    if member.is_external:
        tasks = tasks.filter(
            assignee_member=member,
            about__shares__partner_id=member.partner_id,  # type: ignore[misc]  # external: partner_id is set
        )
    return tasks


def access_task(member: Membership, task_id: int | str) -> Task:
    pk = ascii_int(task_id)
    if pk is None:
        raise Http404
    task = (
        visible_tasks(member)
        .select_related(
            "tenant",
            "subject",
            "assignee_member__user",
            "assignee_team",
            "standing_in_for__user",
            "phase__cycle__plan_cycle",
            "about__tenant",
            "about_alert",
            "created_by",
        )
        .filter(pk=pk)
        .first()
    )
    if task is None:
        raise Http404
    return task


def access_checklist_item(task: Task, item_id: int | str) -> ChecklistItem:
    """A checklist item, reached through its task (which `access_task` already checked)."""
    pk = ascii_int(item_id)
    item = task.checklist.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise Http404
    return item


def access_own_absence(member: Membership, absence_id: int | str) -> Absence:
    """One of the member's own absences (nobody else's: each person sets their own)."""
    pk = ascii_int(absence_id)
    absence = (
        Absence.objects.filter(member=member, pk=pk).select_related("stand_in__user").first()
        if pk is not None
        else None
    )
    if absence is None:
        raise Http404
    return absence


def mine_q(member: Membership) -> Q:
    """Tasks for the member: theirs in person, or their teams'."""
    teams = TeamMembership.objects.filter(member=member).values("team_id")
    return Q(assignee_member=member) | Q(assignee_team_id__in=teams)
