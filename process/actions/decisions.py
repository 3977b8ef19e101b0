"""Decisions: record, decide, cancel, and their follow-up tasks.

Who: internal members holding `Perm.APPROVE_VERSIONS` or `Perm.RUN_CYCLE` (executives decide; planners
run the cycle); the decision's owner may also decide or cancel it. The API with an API key records and
decides in the tenant's name (`actor_label`). Each write is audited on the decision's subject and posts a
system item on it, tagged with its meeting, cycle and what it is about, so their followers see it live;
the owner gets a bell (`decision`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from decimal import Decimal, InvalidOperation

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from feeds.actions import do_auto_follow_many, do_create_system_item, notify_users
from feeds.models import Notification
from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership, Team, Tenant
from sopsocial.tenancy.policy import Perm, can

from ..models import AgendaItem, Decision, DecisionStatus, Meeting, SopCycle, Task, TaskSource
from ..verbs import ProcessVerb
from .meetings import refuse_nul
from .tasks import check_create_task

MAX_QUESTION = 300
MAX_OPTIONS = 20
MAX_OPTION = 300
MAX_TEXT = 10_000
MAX_SIZE = Decimal("999999999999.99")
MAX_HORIZON_WEEKS = 104


@dataclass(frozen=True)
class DecisionInput:
    """A decision as a form or the API gives it (references already resolved to objects)."""

    question: str
    options: Sequence[str] = field(default_factory=tuple)
    choice: str = ""
    rationale: str = ""
    owner: Membership | None = None
    due_on: dt.date | None = None
    expected_kpi: str = ""
    expected_direction: str = ""
    expected_size: Decimal | None = None
    expected_unit: str = ""
    horizon_weeks: int | None = None
    about: Subject | None = None
    cycle: SopCycle | None = None
    meeting: Meeting | None = None
    agenda_item: AgendaItem | None = None


def may_record_decisions(member: Membership) -> bool:
    return not member.is_external and (can(member, Perm.APPROVE_VERSIONS) or can(member, Perm.RUN_CYCLE))


def may_decide(member: Membership, decision: Decision) -> bool:
    if member.is_external or decision.tenant_id != member.tenant_id:
        return False
    return may_record_decisions(member) or decision.owner_id == member.pk


def _require_decider(member: Membership) -> None:
    if not may_record_decisions(member):
        raise PermissionDenied("Only executives, planners and admins record decisions.")


def clean_decision(tenant: Tenant, data: DecisionInput) -> DecisionInput:
    """`data` stripped and checked: every reference is the tenant's, the agenda item its meeting's,
    the expected effect complete enough to be checked later. Raises ValidationError keyed by field."""
    refuse_nul(
        question=data.question,
        options="".join(str(o) for o in data.options),
        choice=data.choice,
        rationale=data.rationale,
        expected_kpi=data.expected_kpi,
        expected_unit=data.expected_unit,
    )
    errors: dict[str, str] = {}
    question = (data.question or "").strip()
    if not question:
        errors["question"] = "What is to be decided?"
    elif len(question) > MAX_QUESTION:
        errors["question"] = f"At most {MAX_QUESTION} characters."
    options = [str(o).strip() for o in data.options if str(o).strip()]
    if len(options) > MAX_OPTIONS:
        errors["options"] = f"At most {MAX_OPTIONS} options."
    elif any(len(o) > MAX_OPTION for o in options):
        errors["options"] = f"An option has at most {MAX_OPTION} characters."
    choice, rationale = (data.choice or "").strip(), (data.rationale or "").strip()
    for name, text in (("choice", choice), ("rationale", rationale)):
        if len(text) > MAX_TEXT:
            errors[name] = f"At most {MAX_TEXT} characters."
    if data.owner is not None and (
        data.owner.tenant_id != tenant.pk or not data.owner.is_active or data.owner.is_external
    ):
        errors["owner"] = "The owner is an active person of this workspace (not a partner)."
    for name, obj in (("about", data.about), ("cycle", data.cycle), ("meeting", data.meeting)):
        if obj is not None and obj.tenant_id != tenant.pk:
            errors[name] = "Not found."
    if data.agenda_item is not None and (
        data.meeting is None or data.agenda_item.meeting_id != data.meeting.pk
    ):
        errors["agenda_item"] = "That agenda item is not on this meeting's agenda."
    if data.meeting is not None and data.cycle is not None and data.meeting.cycle_id != data.cycle.pk:
        errors["cycle"] = "The meeting belongs to another cycle."
    kpi, unit = (data.expected_kpi or "").strip(), (data.expected_unit or "").strip()
    if len(kpi) > 100:
        errors["expected_kpi"] = "At most 100 characters."
    if len(unit) > 20:
        errors["expected_unit"] = "At most 20 characters."
    if data.expected_direction not in ("", *Decision.Direction.values):
        errors["expected_direction"] = "Up, down or hold."
    size = data.expected_size
    if size is not None:
        try:
            size = Decimal(size)
            if not size.is_finite() or abs(size) > MAX_SIZE:
                raise InvalidOperation
            size = size.quantize(Decimal("0.01"))
        except (InvalidOperation, TypeError, ValueError):
            errors["expected_size"] = "A number up to 999,999,999,999.99 (two decimals)."
            size = None
    if data.horizon_weeks is not None and not 1 <= data.horizon_weeks <= MAX_HORIZON_WEEKS:
        errors["horizon_weeks"] = f"Between 1 and {MAX_HORIZON_WEEKS} weeks."
    if (data.expected_direction or size is not None or data.horizon_weeks) and not kpi:
        errors["expected_kpi"] = "Name the KPI the decision should move."
    if errors:
        raise ValidationError(errors)
    cycle = data.cycle or (data.meeting.cycle if data.meeting is not None else None)
    return DecisionInput(
        question=question,
        options=tuple(options),
        choice=choice,
        rationale=rationale,
        owner=data.owner,
        due_on=data.due_on,
        expected_kpi=kpi,
        expected_direction=data.expected_direction,
        expected_size=size,
        expected_unit=unit,
        horizon_weeks=data.horizon_weeks,
        about=data.about,
        cycle=cycle,
        meeting=data.meeting,
        agenda_item=data.agenda_item,
    )


def _tags(decision: Decision) -> list[Subject]:
    found = [
        decision.meeting.subject if decision.meeting else None,
        decision.cycle.subject if decision.cycle else None,
        decision.about,
    ]
    return [s for s in found if s is not None]


def effect_text(decision: Decision) -> str:
    """ "forecast accuracy up 5 % within 8 weeks" (blank without a KPI)."""
    if not decision.expected_kpi:
        return ""
    parts = [decision.expected_kpi]
    if decision.expected_direction:
        parts.append(decision.get_expected_direction_display().lower())
    if decision.expected_size is not None:
        size = f"{decision.expected_size.normalize():f}"
        parts.append(f"{size} {decision.expected_unit}".strip())
    if decision.horizon_weeks:
        parts.append(f"within {decision.horizon_weeks} weeks")
    return " ".join(parts)


def _snapshot(decision: Decision) -> dict[str, object]:
    return {
        "question": decision.question,
        "options": list(decision.options),
        "choice": decision.choice,
        "rationale": decision.rationale,
        "owner": decision.owner.display_name if decision.owner else None,
        "due_on": decision.due_on,
        "expected_effect": effect_text(decision),
        "status": decision.status,
    }


def check_record_decision(member: Membership, data: DecisionInput, *, decide_now: bool = False) -> Decision:
    """Validate and record; `decide_now` also takes the choice at once (it must be given)."""
    _require_decider(member)
    data = clean_decision(member.tenant, data)
    if decide_now and not data.choice:
        raise ValidationError({"choice": "Say what was decided."})
    with transaction.atomic():
        decision = do_record_decision(tenant=member.tenant, actor=member.user, data=data)
        if decide_now:
            decision = do_decide(
                tenant=member.tenant,
                actor=member.user,
                decision=decision,
                choice=data.choice,
                rationale=data.rationale,
            )
    return decision


def do_record_decision(
    *, tenant: Tenant, actor: User | None, data: DecisionInput, actor_label: str | None = None
) -> Decision:
    """Write the decision (open) and its subject (under its meeting or cycle, and what it is about);
    audit `decision.record`; the recorder and the owner follow it; a system item on it tagged with its
    meeting, cycle and about-subject; the owner gets a bell."""
    with transaction.atomic():
        decision = save_with_subject(
            Decision(
                tenant=tenant,
                cycle=data.cycle,
                meeting=data.meeting,
                agenda_item=data.agenda_item,
                about=data.about,
                question=data.question,
                options=list(data.options),
                choice=data.choice,
                rationale=data.rationale,
                owner=data.owner,
                due_on=data.due_on,
                expected_kpi=data.expected_kpi,
                expected_direction=data.expected_direction,
                expected_size=data.expected_size,
                expected_unit=data.expected_unit,
                horizon_weeks=data.horizon_weeks,
                created_by=actor,
            )
        )
        record(
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            verb=ProcessVerb.DECISION_RECORD,
            subject=decision.subject,
            related=_tags(decision),
            target=decision.question,
            after=_snapshot(decision),
        )
        follower_ids = {
            u for u in (actor.pk if actor else None, data.owner.user_id if data.owner else None) if u
        }
        users = list(User.objects.filter(pk__in=follower_ids))
        do_auto_follow_many(tenant=tenant, pairs=[(u, decision.subject) for u in users])
        owner = f" Owner: {data.owner.display_name}." if data.owner else ""
        due = f" Due {data.due_on:%a %d %b}." if data.due_on else ""
        item = do_create_system_item(
            tenant=tenant,
            subject=decision.subject,
            tagged=_tags(decision),
            actor=actor,
            verb="decision.record",
            text=f"Decision to take: {decision.question}.{owner}{due}",
        )
        if data.owner is not None:
            notify_users(item, [data.owner.user_id], Notification.Verb.DECISION, actor)
    return decision


def check_update_decision(member: Membership, decision: Decision, data: DecisionInput) -> Decision:
    """Change an open decision's question, options, proposal, owner, due date or expected effect (its
    meeting, cycle and subject stay as recorded)."""
    if not may_decide(member, decision):
        raise PermissionDenied("Only the decision's owner, executives, planners and admins change it.")
    if decision.status != DecisionStatus.OPEN:
        raise ValidationError(
            {"status": f"This decision is already {decision.get_status_display().lower()}."}
        )
    kept = replace(
        data,
        about=decision.about,
        cycle=decision.cycle,
        meeting=decision.meeting,
        agenda_item=decision.agenda_item,
    )
    return do_update_decision(member, decision, clean_decision(member.tenant, kept))


def do_update_decision(member: Membership, decision: Decision, data: DecisionInput) -> Decision:
    """Write the changes (audited `decision.update`, old -> new); a new owner follows it and gets a bell."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject", "owner__user")
            .get(pk=decision.pk, tenant=member.tenant)
        )
        if decision.status != DecisionStatus.OPEN:
            raise ValidationError(
                {"status": f"This decision is already {decision.get_status_display().lower()}."}
            )
        before, old_owner = _snapshot(decision), decision.owner_id
        decision.question, decision.options = data.question, list(data.options)
        decision.choice, decision.rationale = data.choice, data.rationale
        decision.owner, decision.due_on = data.owner, data.due_on
        decision.expected_kpi, decision.expected_direction = data.expected_kpi, data.expected_direction
        decision.expected_size, decision.expected_unit = data.expected_size, data.expected_unit
        decision.horizon_weeks = data.horizon_weeks
        after = _snapshot(decision)
        changed = [k for k in after if after[k] != before[k]]
        if not changed:
            return decision
        save_with_subject(decision)
        record(
            tenant=decision.tenant,
            actor=member.user,
            verb=ProcessVerb.DECISION_UPDATE,
            subject=decision.subject,
            target=decision.question,
            before={k: before[k] for k in changed},
            after={k: after[k] for k in changed},
        )
        if data.owner is not None and data.owner.pk != old_owner:
            do_auto_follow_many(tenant=decision.tenant, pairs=[(data.owner.user, decision.subject)])
            item = do_create_system_item(
                tenant=decision.tenant,
                subject=decision.subject,
                actor=member.user,
                verb="decision.update",
                text=f"{data.owner.display_name} now owns the decision: {decision.question}",
            )
            notify_users(item, [data.owner.user_id], Notification.Verb.DECISION, member.user)
    return decision


def check_decide(member: Membership, decision: Decision, *, choice: str, rationale: str = "") -> Decision:
    if not may_decide(member, decision):
        raise PermissionDenied("Only the decision's owner, executives, planners and admins decide.")
    refuse_nul(choice=choice, rationale=rationale)
    choice, rationale = (choice or "").strip(), (rationale or "").strip()
    errors: dict[str, str] = {}
    if not choice:
        errors["choice"] = "Say what was decided."
    for name, text in (("choice", choice), ("rationale", rationale)):
        if len(text) > MAX_TEXT:
            errors[name] = f"At most {MAX_TEXT} characters."
    if decision.status != DecisionStatus.OPEN:
        errors["status"] = f"This decision is already {decision.get_status_display().lower()}."
    if errors:
        raise ValidationError(errors)
    return do_decide(
        tenant=member.tenant, actor=member.user, decision=decision, choice=choice, rationale=rationale
    )


def do_decide(
    *,
    tenant: Tenant,
    actor: User | None,
    decision: Decision,
    choice: str,
    rationale: str = "",
    actor_label: str | None = None,
) -> Decision:
    """Take the choice: status decided (audited `decision.decide`, old -> new); a system item on the
    decision tagged with its meeting, cycle and about-subject; the owner gets a bell."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject", "meeting__subject", "cycle__subject", "about", "owner__user")
            .get(pk=decision.pk, tenant=tenant)
        )
        if decision.status != DecisionStatus.OPEN:
            raise ValidationError(
                {"status": f"This decision is already {decision.get_status_display().lower()}."}
            )
        before = {"status": decision.status, "choice": decision.choice, "rationale": decision.rationale}
        decision.status, decision.choice = DecisionStatus.DECIDED, choice
        decision.rationale = rationale or decision.rationale
        decision.decided_at, decision.decided_by = timezone.now(), actor
        decision.save(update_fields=["status", "choice", "rationale", "decided_at", "decided_by"])
        record(
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            verb=ProcessVerb.DECISION_DECIDE,
            subject=decision.subject,
            related=_tags(decision),
            target=decision.question,
            before=before,
            after={"status": decision.status, "choice": decision.choice, "rationale": decision.rationale},
        )
        why = f"\n\nWhy: {decision.rationale}" if decision.rationale else ""
        effect = effect_text(decision)
        expect = f"\n\nExpected: {effect}" if effect else ""
        item = do_create_system_item(
            tenant=tenant,
            subject=decision.subject,
            tagged=_tags(decision),
            actor=actor,
            verb="decision.decide",
            text=f"Decided: {decision.question} → **{decision.choice}**{why}{expect}",
        )
        if decision.owner is not None:
            notify_users(item, [decision.owner.user_id], Notification.Verb.DECISION, actor)
    return decision


def check_cancel_decision(member: Membership, decision: Decision, reason: str = "") -> Decision:
    if not may_decide(member, decision):
        raise PermissionDenied("Only the decision's owner, executives, planners and admins cancel it.")
    refuse_nul(reason=reason)
    reason = (reason or "").strip()
    if len(reason) > MAX_TEXT:
        raise ValidationError({"reason": f"At most {MAX_TEXT} characters."})
    if decision.status != DecisionStatus.OPEN:
        raise ValidationError(
            {"status": f"This decision is already {decision.get_status_display().lower()}."}
        )
    return do_cancel_decision(member, decision, reason)


def do_cancel_decision(member: Membership, decision: Decision, reason: str = "") -> Decision:
    """Cancel an open decision (audited `decision.cancel` with the reason); its followers see it."""
    with transaction.atomic():
        decision = (
            Decision.objects.select_for_update(of=("self",))
            .select_related("tenant", "subject", "meeting__subject", "cycle__subject", "about")
            .get(pk=decision.pk)
        )
        if decision.status != DecisionStatus.OPEN:
            raise ValidationError(
                {"status": f"This decision is already {decision.get_status_display().lower()}."}
            )
        decision.status = DecisionStatus.CANCELLED
        decision.save(update_fields=["status"])
        record(
            tenant=decision.tenant,
            actor=member.user,
            verb=ProcessVerb.DECISION_CANCEL,
            subject=decision.subject,
            target=decision.question,
            before={"status": DecisionStatus.OPEN},
            after={"status": DecisionStatus.CANCELLED, **({"reason": reason} if reason else {})},
        )
        do_create_system_item(
            tenant=decision.tenant,
            subject=decision.subject,
            tagged=_tags(decision),
            actor=member.user,
            verb="decision.cancel",
            text=f"Decision cancelled: {decision.question}" + (f". {reason}" if reason else ""),
        )
    return decision


def check_add_follow_up_task(
    member: Membership,
    decision: Decision,
    *,
    title: str,
    assignee_member: Membership | None = None,
    assignee_team: Team | None = None,
    due_on: dt.date | None = None,
) -> Task:
    """A task that carries the decision out: about the decision, in its meeting's phase (the task
    actions audit, follow, post and notify the assignee)."""
    if not may_decide(member, decision):
        raise PermissionDenied("Only the decision's owner, executives, planners and admins add its tasks.")
    if decision.status == DecisionStatus.CANCELLED:
        raise ValidationError({"status": "This decision was cancelled."})
    return check_create_task(
        member,
        title=title,
        assignee_member=assignee_member,
        assignee_team=assignee_team,
        due_on=due_on,
        phase=decision.meeting.phase if decision.meeting is not None else None,
        about=decision.subject,
        decision=decision,
        source=TaskSource.DECISION,
    )
