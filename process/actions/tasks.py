"""Tasks: create, change status (complete), edit, tick the checklist, hand over (to a person, a team, a
stand-in and back). Each writes the audit event in its transaction (old -> new), keeps the task's subject
in step, and tells whoever receives the task (bell, e-mail by preference) through feeds.

The form, the API and the other process areas share these: `clean_new_task` (the checks without a
member, for the API), `check_create_task`/`do_create_task`, `check_set_task_status`/`do_set_task_status`,
`check_update_task`, `check_set_checklist_item`, `check_transfer_task`/`do_transfer_task`."""

from __future__ import annotations

import datetime as dt
from collections.abc import Collection, Sequence
from typing import Any

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
    items = clean_new_task(
        member.tenant,
        title=title,
        assignee_member=assignee_member,
        assignee_team=assignee_team,
        phase=phase,
        about=about,
        about_alert=about_alert,
        decision=decision,
        source=source,
        checklist=checklist,
    )
    return do_create_task(
        member,
        title=(title or "").strip(),
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


def clean_new_task(
    tenant: Tenant,
    *,
    title: str,
    assignee_member: Membership | None = None,
    assignee_team: Team | None = None,
    phase: CyclePhase | None = None,
    about: Subject | None = None,
    about_alert: Alert | None = None,
    decision: Decision | None = None,
    source: str = TaskSource.HAND,
    checklist: Sequence[str] = (),
) -> list[str]:
    """Check a new task's fields against the tenant (raising ValidationError keyed by field, nothing
    written); returns the checklist lines kept. The form, the API and `check_create_task` share it."""
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "A task needs a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"At most {MAX_TITLE} characters."
    if assignee_member is not None and assignee_team is not None:
        errors["assignee"] = "Assign the task to a person or to a team, not both."
    if assignee_member is not None and (
        assignee_member.tenant_id != tenant.pk or not assignee_member.is_active
    ):
        errors["assignee"] = "No such person in this workspace."
    if assignee_team is not None and assignee_team.tenant_id != tenant.pk:
        errors["assignee"] = "No such team in this workspace."
    for field, obj in (
        ("phase", phase),
        ("about", about),
        ("about_alert", about_alert),
        ("decision", decision),
    ):
        if obj is not None and obj.tenant_id != tenant.pk:
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
    return items


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
    actor: User | None = None,
    actor_label: str | None = None,
) -> Task:
    """Write the task, its checklist and subject; audit `task.create`; the creator and the assignee
    follow it; a feed item on the task (and so on its phase and what it is about); the assignee (or
    their stand-in while they are away: `standing_in_for` records whom for) is notified.
    `member` None: made by the system (a phase template) or through the API, then `tenant` is
    required (and `actor`/`actor_label` say who, for the audit)."""
    if tenant is None:
        if member is None:
            raise ValueError("a task made by the system names its tenant")
        tenant = member.tenant
    if member is not None:
        actor = member.user
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
            actor_label=actor_label,
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


def can_work_on(member: Membership, task: Task, *, team_ids: Collection[int] | None = None) -> bool:
    """Whether the member may change the task's status: its assignee (or a member of its team), its
    creator, or an internal planner/admin of the tenant. A list passes the member's `team_ids` (read
    once) so that asking for each row costs no query."""
    if task.tenant_id != member.tenant_id:
        return False
    if task.assignee_member_id == member.pk or task.created_by_id == member.user_id:
        return True
    if task.assignee_team_id is not None:
        if team_ids is not None:
            if task.assignee_team_id in team_ids:
                return True
        elif member.team_memberships.filter(team_id=task.assignee_team_id).exists():
            return True
    return not member.is_external and member.role in ("admin", "planner")


def check_set_task_status(member: Membership, task: Task, status: str) -> Task:
    if status not in TaskStatus.values:
        raise ValidationError({"status": f"One of: {', '.join(TaskStatus.values)}."})
    if not can_work_on(member, task):
        raise PermissionDenied("Only the task's assignee, its creator or a planner may change its status.")
    return do_set_task_status(member, task, status)


def do_set_task_status(
    member: Membership | None,
    task: Task,
    status: str,
    *,
    actor: User | None = None,
    actor_label: str | None = None,
) -> Task:
    """Move the task to `status` (audited `task.complete` when done, else `task.status`); completing
    posts on the task, so its followers (and the completer's followers) see it. `member` None: through
    the API (`actor`/`actor_label` say who)."""
    if member is not None:
        actor = member.user
    with transaction.atomic():
        task = Task.objects.select_for_update().get(pk=task.pk)
        old = task.status
        if old == status:
            return task
        task.status = status
        done = status == TaskStatus.DONE
        task.completed_at = timezone.now() if done else None
        task.completed_by = actor if done else None
        task.save(update_fields=["status", "completed_at", "completed_by", "updated"])
        record(
            tenant=task.tenant,
            actor=actor,
            actor_label=actor_label,
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
                actor=actor,
                verb="task.complete",
                text=f"Completed: {task.title}",
            )
    return task


def check_update_task(
    member: Membership,
    task: Task,
    *,
    title: str,
    description: str = "",
    due_on: dt.date | None = None,
    add_checklist: Sequence[str] = (),
) -> Task:
    """Validate an edit of the task's text, due date and new checklist lines, then write it."""
    if not can_work_on(member, task):
        raise PermissionDenied("Only the task's assignee, its creator or a planner may change it.")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "A task needs a title."
    elif len(title) > MAX_TITLE:
        errors["title"] = f"At most {MAX_TITLE} characters."
    items = [str(text).strip() for text in add_checklist if str(text).strip()]
    if any(len(text) > 300 for text in items):
        errors["add_checklist"] = "A checklist item has at most 300 characters."
    elif task.checklist.count() + len(items) > MAX_CHECKLIST:
        errors["add_checklist"] = f"At most {MAX_CHECKLIST} checklist items."
    if errors:
        raise ValidationError(errors)
    return do_update_task(
        member, task, title=title, description=(description or "").strip(), due_on=due_on, add_checklist=items
    )


def do_update_task(
    member: Membership,
    task: Task,
    *,
    title: str,
    description: str,
    due_on: dt.date | None,
    add_checklist: Sequence[str] = (),
) -> Task:
    """Write the changed fields (the subject's title follows the task's), append checklist lines;
    audited `task.update` with old -> new of what changed. A new due date lets its reminders go again."""
    with transaction.atomic():
        task = Task.objects.select_for_update().select_related("tenant", "subject").get(pk=task.pk)
        new = {"title": title, "description": description, "due_on": due_on}
        before = {k: getattr(task, k) for k, v in new.items() if getattr(task, k) != v}
        after: dict[str, Any] = {k: new[k] for k in before}
        if not before and not add_checklist:
            return task
        for field, value in after.items():
            setattr(task, field, value)
        if "due_on" in after:  # a new date is a new deadline: remind and escalate for it afresh
            task.reminded_due_on = task.reminded_overdue_on = task.escalated_at = None
        save_with_subject(task)
        if add_checklist:
            start = (task.checklist.order_by("-position").values_list("position", flat=True).first() or 0) + 1
            ChecklistItem.objects.bulk_create(
                [
                    ChecklistItem(tenant=task.tenant, task=task, position=start + i, text=text)
                    for i, text in enumerate(add_checklist)
                ]
            )
            after["checklist_added"] = list(add_checklist)
        record(
            tenant=task.tenant,
            actor=member.user,
            verb=ProcessVerb.TASK_UPDATE,
            subject=task.subject,
            target=task.title,
            before=before,
            after=after,
        )
    return task


def check_set_checklist_item(
    member: Membership, task: Task, item: ChecklistItem, done: bool
) -> ChecklistItem:
    if item.task_id != task.pk:
        raise ValidationError({"item": "Not an item of this task."})
    if not can_work_on(member, task):
        raise PermissionDenied("Only the task's assignee, its creator or a planner may tick its checklist.")
    return do_set_checklist_item(member, task, item, done)


def do_set_checklist_item(member: Membership, task: Task, item: ChecklistItem, done: bool) -> ChecklistItem:
    """Tick or untick one checklist item; audited `task.check` / `task.uncheck` (nothing when unchanged)."""
    with transaction.atomic():
        item = ChecklistItem.objects.select_for_update().get(pk=item.pk)
        if item.done == done:
            return item
        item.done = done
        item.done_at = timezone.now() if done else None
        item.done_by = member.user if done else None
        item.save(update_fields=["done", "done_at", "done_by"])
        record(
            tenant=task.tenant,
            actor=member.user,
            verb=ProcessVerb.TASK_CHECK if done else ProcessVerb.TASK_UNCHECK,
            subject=task.subject,
            target=item.text,
            before={"done": not done},
            after={"done": done},
        )
    return item


def check_transfer_task(
    member: Membership,
    task: Task,
    *,
    to_member: Membership | None = None,
    to_team: Team | None = None,
    note: str = "",
) -> Task:
    """Hand the task to another person or team of the tenant (not partners' people: they only see work
    on what is shared with them, and their person must be named explicitly)."""
    _require_internal(member, "hand tasks on")
    if not can_work_on(member, task):
        raise PermissionDenied("Only the task's assignee, its creator or a planner may hand it on.")
    errors: dict[str, str] = {}
    if (to_member is None) == (to_team is None):
        errors["assignee"] = "Choose one person or one team to hand the task to."
    elif to_member is not None and (to_member.tenant_id != task.tenant_id or not to_member.is_active):
        errors["assignee"] = "No such person in this workspace."
    elif to_team is not None and to_team.tenant_id != task.tenant_id:
        errors["assignee"] = "No such team in this workspace."
    elif (to_member is not None and to_member.pk == task.assignee_member_id) or (
        to_team is not None and to_team.pk == task.assignee_team_id
    ):
        errors["assignee"] = "The task is already theirs."
    note = (note or "").strip()
    if len(note) > 500:
        errors["note"] = "At most 500 characters."
    if not task.is_open:
        errors["status"] = "Only an open task can be handed on."
    if errors:
        raise ValidationError(errors)
    return do_transfer_task(member, task, to_member=to_member, to_team=to_team, note=note)


def do_transfer_task(
    member: Membership | None,
    task: Task,
    *,
    to_member: Membership | None = None,
    to_team: Team | None = None,
    note: str = "",
    standing_in_for: Membership | None = None,
    apply_stand_in: bool = True,
    verb: str = "task.transfer",
    text: str = "",
) -> Task:
    """Give the task to `to_member` (or their stand-in while they are away, unless `apply_stand_in` is
    off) or `to_team`; audited `task.transfer` with old -> new assignee; the new assignee follows it, a
    feed item on the task says so and the new assignee is notified. `member` None: the system (an
    absence starting or ending). `standing_in_for` records whom a stand-in holds it for."""
    actor = member.user if member is not None else None
    if to_member is not None and apply_stand_in and standing_in_for is None:
        to_member, standing_in_for = receiver_for(to_member)
    with transaction.atomic():
        task = (
            Task.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject", "assignee_member__user", "assignee_team")
            .get(pk=task.pk)
        )
        old = assignee_label(task)
        task.assignee_member, task.assignee_team = to_member, to_team
        task.standing_in_for = standing_in_for
        task.save(update_fields=["assignee_member", "assignee_team", "standing_in_for", "updated"])
        new = assignee_label(task)
        record(
            tenant=task.tenant,
            actor=actor,
            verb=ProcessVerb.TASK_TRANSFER,
            subject=task.subject,
            target=task.title,
            before={"assignee": old},
            after={
                "assignee": new,
                **({"standing_in_for": standing_in_for.display_name} if standing_in_for else {}),
                **({"note": note} if note else {}),
            },
        )
        receivers = assignee_user_ids(task)
        do_auto_follow_many(
            tenant=task.tenant, pairs=[(u, task.subject) for u in User.objects.filter(pk__in=receivers)]
        )
        instead = f" (standing in for {standing_in_for.display_name})" if standing_in_for else ""
        text = text or f"Handed from {old or 'nobody'} to {new}{instead}: {task.title}"
        item = do_create_system_item(
            tenant=task.tenant,
            subject=task.subject,
            actor=actor,
            verb=verb,
            text=f"{text}\n\n{note}" if note else text,
        )
        notify_users(item, receivers, Notification.Verb.TASK, actor)
    return task
