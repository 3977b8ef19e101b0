"""Tasks: create, change status (complete). Each writes the audit event in its transaction, keeps the
task's subject in step, and tells the assignee (bell, e-mail by preference) through feeds."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from alerts.models import Alert
from feeds.actions import do_auto_follow_many, do_create_system_item, notify_users
from feeds.models import Notification
from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership, Team, Tenant

from ..models import ChecklistItem, CyclePhase, Decision, Task, TaskSource, TaskStatus
from ..standins import receiver_for
from ..verbs import ProcessVerb

MAX_TITLE = 200
MAX_CHECKLIST = 50


def _require_internal(member: Membership, doing: str) -> None:
    if member.is_external:
        raise PermissionDenied(f"Partner users may not {doing}.")


def check_create_task(
    member: Membership,
    *,
    title: str,
    description: str = "",
    assignee_member: Membership | None = None,
    assignee_team: Team | None = None,
    due_on: dt.date | None = None,
    phase: CyclePhase | None = None,
    about: Subject | None = None,
    about_alert: Alert | None = None,
    about_link: str = "",
    decision: Decision | None = None,
    source: str = TaskSource.HAND,
    checklist: Sequence[str] = (),
) -> Task:
    """Validate a new task (every reference must be the member's tenant's) and create it."""
    _require_internal(member, "create tasks")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "A task needs a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"At most {MAX_TITLE} characters."
    if assignee_member is not None and assignee_team is not None:
        errors["assignee"] = "Assign the task to a person or to a team, not both."
    if assignee_member is not None and (
        assignee_member.tenant_id != member.tenant_id or not assignee_member.is_active
    ):
        errors["assignee"] = "No such person in this workspace."
    if assignee_team is not None and assignee_team.tenant_id != member.tenant_id:
        errors["assignee"] = "No such team in this workspace."
    for field, obj in (
        ("phase", phase),
        ("about", about),
        ("about_alert", about_alert),
        ("decision", decision),
    ):
        if obj is not None and obj.tenant_id != member.tenant_id:
            errors[field] = "Not found."
    items = [str(text).strip() for text in checklist if str(text).strip()]
    if len(items) > MAX_CHECKLIST:
        errors["checklist"] = f"At most {MAX_CHECKLIST} checklist items."
    if any(len(text) > 300 for text in items):
        errors["checklist"] = "A checklist item has at most 300 characters."
    if source not in TaskSource.values:
        errors["source"] = "Unknown source."
    if errors:
        raise ValidationError(errors)
    return do_create_task(
        member,
        title=title,
        description=(description or "").strip(),
        assignee_member=assignee_member,
        assignee_team=assignee_team,
        due_on=due_on,
        phase=phase,
        about=about,
        about_alert=about_alert,
        about_link=about_link,
        decision=decision,
        source=source,
        checklist=items,
    )


def do_create_task(
    member: Membership | None,
    *,
    tenant: Tenant | None = None,
    title: str,
    description: str = "",
    assignee_member: Membership | None = None,
    assignee_team: Team | None = None,
    due_on: dt.date | None = None,
    phase: CyclePhase | None = None,
    about: Subject | None = None,
    about_alert: Alert | None = None,
    about_link: str = "",
    decision: Decision | None = None,
    source: str = TaskSource.HAND,
    checklist: Sequence[str] = (),
) -> Task:
    """Write the task, its checklist and subject; audit `task.create`; the creator and the assignee
    follow it; a feed item on the task (and so on its phase and what it is about); the assignee (or
    their stand-in while they are away: `standing_in_for` records whom for) is notified.
    `member` None: made by the system (a phase template), then `tenant` is required."""
    if tenant is None:
        if member is None:
            raise ValueError("a task made by the system names its tenant")
        tenant = member.tenant
    actor = member.user if member is not None else None
    standing_in_for = None
    if assignee_member is not None:
        assignee_member, standing_in_for = receiver_for(assignee_member)
    with transaction.atomic():
        task = save_with_subject(
            Task(
                tenant=tenant,
                title=title,
                description=description,
                assignee_member=assignee_member,
                assignee_team=assignee_team,
                standing_in_for=standing_in_for,
                due_on=due_on,
                phase=phase,
                about=about,
                about_alert=about_alert,
                about_link=about_link,
                decision=decision,
                source=source,
                created_by=actor,
            )
        )
        ChecklistItem.objects.bulk_create(
            [
                ChecklistItem(tenant=tenant, task=task, position=i, text=text)
                for i, text in enumerate(checklist)
            ]
        )
        record(
            tenant=tenant,
            actor=actor,
            verb=ProcessVerb.TASK_CREATE,
            subject=task.subject,
            related=[task.phase.subject if task.phase else None, about],
            target=title,
            after={
                "title": title,
                "assignee": assignee_label(task),
                "due_on": due_on,
                "source": source,
                **({"standing_in_for": standing_in_for.display_name} if standing_in_for else {}),
            },
        )
        receivers = assignee_user_ids(task)
        follower_ids = {*receivers, *([actor.pk] if actor else [])}
        followers = User.objects.filter(pk__in=follower_ids)
        do_auto_follow_many(tenant=tenant, pairs=[(user, task.subject) for user in followers])
        item = do_create_system_item(
            tenant=tenant,
            subject=task.subject,
            actor=actor,
            verb="task.create",
            text=_created_text(task),
        )
        notify_users(item, receivers, Notification.Verb.TASK, actor)
    return task


def _created_text(task: Task) -> str:
    due = f", due {task.due_on:%a %d %b}" if task.due_on else ""
    who = assignee_label(task) or "nobody yet"
    instead = f" (standing in for {task.standing_in_for.display_name})" if task.standing_in_for else ""
    return f"New task for {who}{instead}: {task.title}{due}"


def assignee_label(task: Task) -> str:
    if task.assignee_member is not None:
        return task.assignee_member.display_name
    if task.assignee_team is not None:
        return f"@{task.assignee_team.handle}"
    return ""


def assignee_user_ids(task: Task) -> list[int]:
    """The users the task is for: its person, or every active member of its team."""
    if task.assignee_member_id is not None:
        return [task.assignee_member.user_id]  # type: ignore[union-attr]
    if task.assignee_team_id is not None:
        return list(
            Membership.objects.filter(
                team_memberships__team_id=task.assignee_team_id, is_active=True
            ).values_list("user_id", flat=True)
        )
    return []


def can_work_on(member: Membership, task: Task) -> bool:
    """Whether the member may change the task's status: its assignee (or a member of its team), its
    creator, or an internal planner/admin of the tenant."""
    if task.tenant_id != member.tenant_id:
        return False
    if task.assignee_member_id == member.pk or task.created_by_id == member.user_id:
        return True
    if (
        task.assignee_team_id is not None
        and member.team_memberships.filter(team_id=task.assignee_team_id).exists()
    ):
        return True
    return not member.is_external and member.role in ("admin", "planner")


def check_set_task_status(member: Membership, task: Task, status: str) -> Task:
    if status not in TaskStatus.values:
        raise ValidationError({"status": f"One of: {', '.join(TaskStatus.values)}."})
    if not can_work_on(member, task):
        raise PermissionDenied("Only the task's assignee, its creator or a planner may change its status.")
    return do_set_task_status(member, task, status)


def do_set_task_status(member: Membership, task: Task, status: str) -> Task:
    """Move the task to `status` (audited `task.complete` when done, else `task.status`); completing
    posts on the task, so its followers (and the completer's followers) see it."""
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        old = task.status
        if old == status:
            return task
        task.status = status
        done = status == TaskStatus.DONE
        task.completed_at = timezone.now() if done else None
        task.completed_by = member.user if done else None
        task.save(update_fields=["status", "completed_at", "completed_by", "updated"])
        record(
            tenant=task.tenant,
            actor=member.user,
            verb=ProcessVerb.TASK_COMPLETE if done else ProcessVerb.TASK_STATUS,
            subject=task.subject,
            target=task.title,
            before={"status": old},
            after={"status": status},
        )
        if done:
            do_create_system_item(
                tenant=task.tenant,
                subject=task.subject,
                actor=member.user,
                verb="task.complete",
                text=f"Completed: {task.title}",
            )
    return task
