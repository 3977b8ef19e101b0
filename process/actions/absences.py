"""Away with a stand-in: set and end an absence; the member's open tasks due while they are away go to
the stand-in, and come back when the absence ends (explicitly, or by the daily sweep after its last day).
New tasks and approvals meant for someone away reach their stand-in through `process.standins`."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.tenancy.models import Membership, Tenant

from ..models import Absence, Task
from ..models.tasks import OPEN_TASK_STATUSES
from ..verbs import ProcessVerb
from .tasks import do_transfer_task

MAX_ABSENCE_DAYS = 366


def check_set_absence(
    member: Membership,
    *,
    starts_on: dt.date | None,
    ends_on: dt.date | None,
    stand_in: Membership | None,
    note: str = "",
    today: dt.date | None = None,
) -> Absence:
    """Validate the member's own absence (an active internal colleague stands in; not in the past; no
    overlap with another of theirs) and set it."""
    if member.is_external:
        raise PermissionDenied("Partner users do not set absences here.")
    today = today or timezone.localdate()
    errors: dict[str, str] = {}
    if starts_on is None:
        errors["starts_on"] = "Give the first day you are away."
    if ends_on is None:
        errors["ends_on"] = "Give the last day you are away."
    if starts_on is not None and ends_on is not None:
        if ends_on < starts_on:
            errors["ends_on"] = "The last day comes on or after the first."
        elif ends_on < today:
            errors["ends_on"] = "That absence is already over."
        elif (ends_on - starts_on).days >= MAX_ABSENCE_DAYS:
            errors["ends_on"] = f"At most {MAX_ABSENCE_DAYS} days at a time."
        elif Absence.objects.filter(member=member, starts_on__lte=ends_on, ends_on__gte=starts_on).exists():
            errors["starts_on"] = "You are already away on some of these days: end that absence first."
    if stand_in is None:
        errors["stand_in"] = "Choose who stands in for you."
    elif stand_in.pk == member.pk:
        errors["stand_in"] = "Choose someone other than yourself."
    elif stand_in.tenant_id != member.tenant_id or not stand_in.is_active or stand_in.is_external:
        errors["stand_in"] = "Choose a colleague in this workspace."
    note = (note or "").strip()
    if len(note) > 200:
        errors["note"] = "At most 200 characters."
    if errors:
        raise ValidationError(errors)
    assert starts_on is not None and ends_on is not None and stand_in is not None
    return do_set_absence(member, starts_on=starts_on, ends_on=ends_on, stand_in=stand_in, note=note)


def do_set_absence(
    member: Membership, *, starts_on: dt.date, ends_on: dt.date, stand_in: Membership, note: str = ""
) -> Absence:
    """Write the absence (audited `absence.set`), then hand the member's open tasks due within it to the
    stand-in, each audited `task.transfer` with `standing_in_for` set, posted on the task and notified."""
    with transaction.atomic():
        absence = Absence.objects.create(
            tenant=member.tenant,
            member=member,
            stand_in=stand_in,
            starts_on=starts_on,
            ends_on=ends_on,
            note=note,
        )
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.ABSENCE_SET,
            target=member.display_name,
            after={
                "starts_on": starts_on,
                "ends_on": ends_on,
                "stand_in": stand_in.display_name,
                **({"note": note} if note else {}),
            },
        )
        # one hop, as `receiver_for`: what the member already holds for someone else stays with them
        due_while_away = Task.objects.filter(
            assignee_member=member,
            standing_in_for__isnull=True,
            status__in=OPEN_TASK_STATUSES,
            due_on__gte=starts_on,
            due_on__lte=ends_on,
        ).order_by("due_on", "pk")
        for task in due_while_away:
            do_transfer_task(
                member,
                task,
                to_member=stand_in,
                standing_in_for=member,
                verb="task.stand_in",
                text=f"{stand_in.display_name} stands in for {member.display_name} "
                f"({starts_on:%d %b}–{ends_on:%d %b}): {task.title}",
            )
    return absence


def check_end_absence(member: Membership, absence: Absence, today: dt.date | None = None) -> Absence | None:
    if absence.member_id != member.pk:
        raise PermissionDenied("Each person ends their own absence.")
    return do_end_absence(member, absence, today=today)


def do_end_absence(member: Membership, absence: Absence, today: dt.date | None = None) -> Absence | None:
    """End the absence now: one under way is cut to yesterday, one not yet begun (or begun today) is
    dropped; audited `absence.end`. Tasks the stand-in holds for the member come back to them.
    Returns the absence as kept, or None when it was dropped."""
    today = today or timezone.localdate()
    with transaction.atomic():
        absence = Absence.objects.select_for_update().select_related("stand_in__user").get(pk=absence.pk)
        before = {"starts_on": absence.starts_on, "ends_on": absence.ends_on}
        kept: Absence | None = absence
        if absence.starts_on >= today:
            absence.delete()
            kept = None
        elif absence.ends_on >= today:
            absence.ends_on = today - dt.timedelta(days=1)
            absence.save(update_fields=["ends_on"])
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.ABSENCE_END,
            target=member.display_name,
            before=before,
            after={"ends_on": kept.ends_on if kept else None, "stand_in": absence.stand_in.display_name},
        )
        _hand_back(member.tenant, member_ids=[member.pk], today=today)
    return kept


def do_hand_back_after_absences(today: dt.date | None = None) -> int:
    """The daily sweep: tasks a stand-in holds for someone who is no longer away (and has no absence
    still to come) go back to them. Idempotent. Returns how many tasks went back."""
    today = today or timezone.localdate()
    handed = 0
    for tenant in Tenant.objects.filter(
        pk__in=Task.objects.filter(standing_in_for__isnull=False, status__in=OPEN_TASK_STATUSES).values(
            "tenant_id"
        )
    ):
        with transaction.atomic():
            handed += _hand_back(tenant, member_ids=None, today=today)
    return handed


def _hand_back(tenant: Tenant, *, member_ids: list[int] | None, today: dt.date) -> int:
    """Give back open tasks held by a stand-in for members (all, or those named) who are not away
    today nor later; each audited `task.transfer` by the system, posted, and the member notified."""
    still_away = Absence.objects.filter(member_id=OuterRef("standing_in_for_id"), ends_on__gte=today)
    held = (
        Task.objects.filter(tenant=tenant, standing_in_for__isnull=False, status__in=OPEN_TASK_STATUSES)
        .annotate(still_away=Exists(still_away))
        .filter(still_away=False)
        .select_related("standing_in_for__user", "standing_in_for__tenant")
        .order_by("pk")
    )
    if member_ids is not None:
        held = held.filter(standing_in_for_id__in=member_ids)
    count = 0
    for task in held:
        back_to = task.standing_in_for
        assert back_to is not None
        if not back_to.is_active:  # they left meanwhile: the stand-in keeps it
            continue
        do_transfer_task(
            None,
            task,
            to_member=back_to,
            apply_stand_in=False,
            verb="task.hand_back",
            text=f"{back_to.display_name} is back: the task returns to them: {task.title}",
        )
        count += 1
    return count
