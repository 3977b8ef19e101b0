"""Changing a cycle that is already running: a phase's owner and dates, or the whole calendar moved to
start on another day (a cycle that began late). Cycles made later follow the template; these change one
cycle. Audited `phase.update` with old -> new, in the same transaction; posted on the phase or cycle."""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from feeds.actions import do_create_system_item
from planning.models import PlanType
from sopsocial.audit.actions import record
from sopsocial.tenancy.models import Membership, Team
from sopsocial.tenancy.policy import Perm, require

from ..models import CyclePhase, PhaseStatus, SopCycle
from ..verbs import ProcessVerb

MAX_SHIFT_DAYS = 366


def _owner_label(member: Membership | None, team: Team | None) -> str:
    if member is not None:
        return member.display_name
    return f"@{team.handle}" if team is not None else ""


def check_update_phase(
    member: Membership,
    phase: CyclePhase,
    *,
    owner_member: Membership | None,
    owner_team: Team | None,
    starts_on: dt.date,
    due_on: dt.date,
    locks_plan_type: str | None = None,
) -> CyclePhase:
    """Validate a phase's new owner (a person or a team of the tenant, or nobody), dates and the plan it
    locks when it closes (None: unchanged; "" nothing). A closed phase keeps its lock as it is."""
    require(member, Perm.RUN_CYCLE, "change a phase")
    if member.is_external or phase.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's phase.")
    errors: dict[str, str] = {}
    if owner_member is not None and owner_team is not None:
        errors["owner"] = "A person or a team, not both."
    elif owner_member is not None and (
        owner_member.tenant_id != member.tenant_id or not owner_member.is_active or owner_member.is_external
    ):
        errors["owner"] = "No such person in this workspace."
    elif owner_team is not None and owner_team.tenant_id != member.tenant_id:
        errors["owner"] = "No such team in this workspace."
    if due_on < starts_on:
        errors["due_on"] = "The phase is due on or after the day it starts."
    if locks_plan_type is not None and locks_plan_type != phase.locks_plan_type:
        if locks_plan_type and locks_plan_type not in PlanType.values:
            errors["locks_plan_type"] = "Demand, supply or nothing."
        elif phase.status == PhaseStatus.DONE:
            errors["locks_plan_type"] = "Reopen the phase to change what it locks."
    if errors:
        raise ValidationError(errors)
    return do_update_phase(
        member,
        phase,
        owner_member=owner_member,
        owner_team=owner_team,
        starts_on=starts_on,
        due_on=due_on,
        locks_plan_type=phase.locks_plan_type if locks_plan_type is None else locks_plan_type,
    )


def do_update_phase(
    member: Membership,
    phase: CyclePhase,
    *,
    owner_member: Membership | None,
    owner_team: Team | None,
    starts_on: dt.date,
    due_on: dt.date,
    locks_plan_type: str,
) -> CyclePhase:
    with transaction.atomic():
        phase = (
            CyclePhase.objects.select_for_update(of=("self",))
            .select_related("subject", "tenant", "owner_member__user", "owner_team")
            .get(pk=phase.pk)
        )
        before = {
            "owner": _owner_label(phase.owner_member, phase.owner_team),
            "starts_on": phase.starts_on,
            "due_on": phase.due_on,
            "locks": phase.locks_plan_type,
        }
        after = {
            "owner": _owner_label(owner_member, owner_team),
            "starts_on": starts_on,
            "due_on": due_on,
            "locks": locks_plan_type,
        }
        if before == after:
            return phase
        phase.owner_member, phase.owner_team = owner_member, owner_team
        phase.starts_on, phase.due_on = starts_on, due_on
        phase.locks_plan_type = locks_plan_type
        phase.save(update_fields=["owner_member", "owner_team", "starts_on", "due_on", "locks_plan_type"])
        changed = {k: v for k, v in after.items() if before[k] != v}
        record(
            tenant=phase.tenant,
            actor=member.user,
            verb=ProcessVerb.PHASE_UPDATE,
            subject=phase.subject,
            target=phase.subject.title,
            before={k: before[k] for k in changed},
            after=changed,
        )
        words = []
        if "owner" in changed:
            words.append(f"owner {changed['owner'] or 'nobody'}")
        if "starts_on" in changed or "due_on" in changed:
            words.append(f"{starts_on:%a %d %b} to {due_on:%a %d %b}")
        if "locks" in changed:
            words.append(
                f"locks the {locks_plan_type} plan when closed" if locks_plan_type else "locks nothing"
            )
        do_create_system_item(
            tenant=phase.tenant,
            subject=phase.subject,
            actor=member.user,
            verb="phase.update",
            text=f"{member.display_name} changed {phase.name}: {', '.join(words)}.",
        )
    return phase


def check_move_cycle(member: Membership, cycle: SopCycle, *, starts_on: dt.date) -> SopCycle:
    """Move the whole calendar of a cycle so that it starts on `starts_on` (phases keep their lengths
    and spacing). Refused once a phase is done: a closed phase's dates are history."""
    require(member, Perm.RUN_CYCLE, "move a cycle")
    if member.is_external or cycle.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's cycle.")
    if cycle.phases.filter(status=PhaseStatus.DONE).exists():
        raise ValidationError(
            {"starts_on": "A phase of this cycle is closed: move the phases still to come."}
        )
    if abs((starts_on - cycle.starts_on).days) > MAX_SHIFT_DAYS:
        raise ValidationError({"starts_on": "Within a year of the cycle's current start."})
    return do_move_cycle(member, cycle, starts_on=starts_on)


def do_move_cycle(member: Membership, cycle: SopCycle, *, starts_on: dt.date) -> SopCycle:
    """Shift the cycle's start and every phase's dates by the same number of days; audited
    `phase.update` on the cycle with old -> new dates; posted on the cycle."""
    with transaction.atomic():
        cycle = (
            SopCycle.objects.select_for_update(of=("self",))
            .select_related("subject", "tenant")
            .get(pk=cycle.pk)
        )
        shift = dt.timedelta(days=(starts_on - cycle.starts_on).days)
        if not shift:
            return cycle
        phases = list(cycle.phases.select_for_update().order_by("position", "id"))
        before = {"starts_on": cycle.starts_on, "phases": {p.key: [p.starts_on, p.due_on] for p in phases}}
        cycle.starts_on = starts_on
        cycle.save(update_fields=["starts_on"])
        for p in phases:
            p.starts_on, p.due_on = p.starts_on + shift, p.due_on + shift
        CyclePhase.objects.bulk_update(phases, ["starts_on", "due_on"])
        record(
            tenant=cycle.tenant,
            actor=member.user,
            verb=ProcessVerb.PHASE_UPDATE,
            subject=cycle.subject,
            target=str(cycle),
            before=before,
            after={"starts_on": starts_on, "phases": {p.key: [p.starts_on, p.due_on] for p in phases}},
            related=[p.subject for p in phases],
        )
        do_create_system_item(
            tenant=cycle.tenant,
            subject=cycle.subject,
            actor=member.user,
            verb="cycle.move",
            text=f"{member.display_name} moved the cycle's calendar to start on {starts_on:%a %d %b %Y}: "
            + ", ".join(f"{p.name} due {p.due_on:%a %d %b}" for p in phases)
            + ".",
        )
    return cycle
