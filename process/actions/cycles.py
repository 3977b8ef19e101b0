"""The cycle calendar: the tenant's phase template (five defaults on first use) and process settings,
each plan cycle's S&OP cycle with its phases and template tasks, and the phase lifecycle (start, close
with its criteria checked, or overridden by an admin with a reason; reopen). Closing a phase that owns
a plan type locks the cycle's versions of that plan (`planning.actions.do_lock_plan`); reopening it
unlocks them. Every write is audited in its transaction and posted on the cycle's or phase's feed."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from feeds.actions import do_auto_follow_many, do_create_system_item
from planning import actions as planning_actions
from planning.models import PlanCycle, PlanType
from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership, Team, Tenant
from sopsocial.tenancy.policy import Perm, can, require

from .. import criteria
from ..models import (
    CyclePhase,
    PhaseStatus,
    PhaseTaskTemplate,
    PhaseTemplate,
    ProcessSettings,
    SopCycle,
    TaskSource,
)
from ..verbs import ProcessVerb
from .tasks import do_create_task


@dataclass(frozen=True)
class DefaultPhase:
    key: str
    name: str
    starts: int
    due: int
    criteria: tuple[str, ...]
    locks: str = ""


# A month's S&OP cycle over about four weeks (offsets in days from the cycle's start).
DEFAULT_PHASES: tuple[DefaultPhase, ...] = (
    DefaultPhase("data-gathering", "Data gathering", 0, 4, ("phase_tasks_done",)),
    DefaultPhase(
        "demand-review",
        "Demand review",
        5,
        10,
        ("demand_approved", "phase_tasks_done"),
        PlanType.DEMAND,
    ),
    DefaultPhase(
        "supply-review",
        "Supply review",
        11,
        17,
        ("supply_approved", "phase_tasks_done"),
        PlanType.SUPPLY,
    ),
    DefaultPhase(
        "pre-sop",
        "Pre-S&OP reconciliation",
        18,
        22,
        ("no_open_high_alerts", "phase_tasks_done"),
    ),
    # The executives' sign-off: the meeting held and the plans published (publishing an approved
    # version stays open when its plan is locked: it changes no number).
    DefaultPhase(
        "executive-sop",
        "Executive S&OP",
        23,
        27,
        ("meeting_held", "demand_published", "supply_published"),
    ),
)

MAX_NAME = 100
MAX_OFFSET = 120
MAX_REASON = 2000


def _require_internal(member: Membership, doing: str) -> None:
    if member.is_external:
        raise PermissionDenied(f"Partner users may not {doing}.")


# --- template and settings -------------------------------------------------------------------------


def _template_row(t: PhaseTemplate) -> dict[str, object]:
    return {
        "position": t.position,
        "name": t.name,
        "owner": owner_label(t),
        "starts_offset_days": t.starts_offset_days,
        "due_offset_days": t.due_offset_days,
        "criteria": list(t.criteria or []),
        "locks_plan_type": t.locks_plan_type,
    }


def ensure_phase_templates(tenant: Tenant) -> list[PhaseTemplate]:
    """The tenant's phase template in order; a tenant with none gets the five defaults (audited as
    the system's `process.template`)."""
    templates = list(PhaseTemplate.objects.filter(tenant=tenant).select_related("owner_member", "owner_team"))
    if templates:
        return templates
    with transaction.atomic():
        Tenant.objects.select_for_update().filter(pk=tenant.pk).first()
        templates = list(PhaseTemplate.objects.filter(tenant=tenant))
        if templates:  # made meanwhile by a concurrent first use
            return templates
        templates = PhaseTemplate.objects.bulk_create(
            PhaseTemplate(
                tenant=tenant,
                position=i,
                key=d.key,
                name=d.name,
                starts_offset_days=d.starts,
                due_offset_days=d.due,
                criteria=list(d.criteria),
                locks_plan_type=d.locks,
            )
            for i, d in enumerate(DEFAULT_PHASES, 1)
        )
        record(
            tenant=tenant,
            verb=ProcessVerb.TEMPLATE_UPDATE,
            target="the default cycle template",
            after={"phases": [d.name for d in DEFAULT_PHASES]},
        )
    return templates


def ensure_process_settings(tenant: Tenant) -> ProcessSettings:
    settings_row, _ = ProcessSettings.objects.get_or_create(tenant=tenant)
    return settings_row


def check_update_process_settings(
    member: Membership, *, remind_days_before: int | None, escalate_after_days: int | None
) -> ProcessSettings:
    require(member, Perm.MANAGE_SETTINGS, "change how the cycle runs")
    errors: dict[str, str] = {}
    for field, value in (
        ("remind_days_before", remind_days_before),
        ("escalate_after_days", escalate_after_days),
    ):
        if value is None or not 0 <= value <= 60:
            errors[field] = "A number of days from 0 to 60."
    if errors:
        raise ValidationError(errors)
    assert remind_days_before is not None and escalate_after_days is not None
    return do_update_process_settings(
        member, remind_days_before=remind_days_before, escalate_after_days=escalate_after_days
    )


def do_update_process_settings(
    member: Membership, *, remind_days_before: int, escalate_after_days: int
) -> ProcessSettings:
    """Write the tenant's reminder and escalation days; audited `process.settings` (old -> new)."""
    with transaction.atomic():
        row = ensure_process_settings(member.tenant)
        row = ProcessSettings.objects.select_for_update().get(pk=row.pk)
        before = {
            "remind_days_before": row.remind_days_before,
            "escalate_after_days": row.escalate_after_days,
        }
        after = {"remind_days_before": remind_days_before, "escalate_after_days": escalate_after_days}
        if before == after:
            return row
        row.remind_days_before, row.escalate_after_days = remind_days_before, escalate_after_days
        row.save(update_fields=["remind_days_before", "escalate_after_days"])
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.SETTINGS_UPDATE,
            target="cycle reminders and escalation",
            before=before,
            after=after,
        )
    return row


@dataclass(frozen=True)
class PhaseTemplateInput:
    """One phase of the template as a form or the API gives it."""

    name: str
    position: int
    starts_offset_days: int
    due_offset_days: int
    owner_member: Membership | None = None
    owner_team: Team | None = None
    criteria: tuple[str, ...] = ()
    locks_plan_type: str = ""


def check_save_phase_template(
    member: Membership, template: PhaseTemplate | None, data: PhaseTemplateInput
) -> PhaseTemplate:
    """Validate and write one phase of the template (new when `template` is None). Future cycles
    use it; cycles already made keep their phases."""
    require(member, Perm.MANAGE_SETTINGS, "change the cycle template")
    errors: dict[str, str] = {}
    name = (data.name or "").strip()
    if not name:
        errors["name"] = "A phase needs a name."
    elif len(name) > MAX_NAME or "\x00" in name:
        errors["name"] = f"At most {MAX_NAME} characters."
    if not 0 <= data.starts_offset_days <= MAX_OFFSET:
        errors["starts_offset_days"] = f"0 to {MAX_OFFSET} days after the cycle starts."
    if not 0 <= data.due_offset_days <= MAX_OFFSET:
        errors["due_offset_days"] = f"0 to {MAX_OFFSET} days after the cycle starts."
    elif data.due_offset_days < data.starts_offset_days:
        errors["due_offset_days"] = "The phase is due on or after the day it starts."
    if not 0 <= data.position <= 100:
        errors["position"] = "A position from 0 to 100."
    if data.owner_member is not None and data.owner_team is not None:
        errors["owner"] = "A person or a team, not both."
    elif data.owner_member is not None and (
        data.owner_member.tenant_id != member.tenant_id or not data.owner_member.is_active
    ):
        errors["owner"] = "No such person in this workspace."
    elif data.owner_team is not None and data.owner_team.tenant_id != member.tenant_id:
        errors["owner"] = "No such team in this workspace."
    unknown = [k for k in data.criteria if k not in criteria.CRITERIA]
    if unknown:
        errors["criteria"] = f"Unknown criterion {unknown[0]!r}."
    if data.locks_plan_type and data.locks_plan_type not in PlanType.values:
        errors["locks_plan_type"] = "Demand, supply or nothing."
    if template is not None and template.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's template.")
    if errors:
        raise ValidationError(errors)
    return do_save_phase_template(member, template, PhaseTemplateInput(**{**data.__dict__, "name": name}))


def _unique_key(tenant: Tenant, name: str) -> str:
    base = slugify(name)[:40] or "phase"
    taken = set(PhaseTemplate.objects.filter(tenant=tenant).values_list("key", flat=True))
    key, n = base, 2
    while key in taken:
        key, n = f"{base}-{n}", n + 1
    return key


def do_save_phase_template(
    member: Membership, template: PhaseTemplate | None, data: PhaseTemplateInput
) -> PhaseTemplate:
    """Write the phase; audited `process.template` with the phase's old and new values."""
    with transaction.atomic():
        ensure_phase_templates(member.tenant)
        before = _template_row(template) if template is not None else None
        if template is None:
            template = PhaseTemplate(tenant=member.tenant, key=_unique_key(member.tenant, data.name))
        template.name = data.name
        template.position = data.position
        template.starts_offset_days = data.starts_offset_days
        template.due_offset_days = data.due_offset_days
        template.owner_member = data.owner_member
        template.owner_team = data.owner_team
        template.criteria = list(dict.fromkeys(data.criteria))
        template.locks_plan_type = data.locks_plan_type
        template.save()
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.TEMPLATE_UPDATE,
            target=f"phase {template.name}",
            before=before,
            after=_template_row(template),
        )
    return template


def check_delete_phase_template(member: Membership, template: PhaseTemplate) -> None:
    require(member, Perm.MANAGE_SETTINGS, "change the cycle template")
    if template.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's template.")
    if PhaseTemplate.objects.filter(tenant=member.tenant).count() <= 1:
        raise ValidationError({"phase": "A cycle needs at least one phase."})
    with transaction.atomic():
        before = _template_row(template)
        name = template.name
        template.delete()  # cycles already made keep their phases (template link set null)
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.TEMPLATE_UPDATE,
            target=f"phase {name} (removed)",
            before=before,
            after=None,
        )


def check_add_task_template(
    member: Membership,
    phase_template: PhaseTemplate,
    *,
    title: str,
    description: str = "",
    due_offset_days: int | None,
    assignee_member: Membership | None = None,
    assignee_team: Team | None = None,
) -> PhaseTaskTemplate:
    """A task every future cycle's phase starts with; audited `process.template`."""
    require(member, Perm.MANAGE_SETTINGS, "change the cycle template")
    errors: dict[str, str] = {}
    title = (title or "").strip()
    if not title:
        errors["title"] = "A task needs a title."
    elif len(title) > 200 or "\x00" in title:
        errors["title"] = "At most 200 characters."
    if "\x00" in (description or "") or len(description or "") > 5000:
        errors["description"] = "At most 5000 characters."
    if due_offset_days is None or not 0 <= due_offset_days <= MAX_OFFSET:
        errors["due_offset_days"] = f"0 to {MAX_OFFSET} days after the cycle starts."
    if assignee_member is not None and assignee_team is not None:
        errors["assignee"] = "A person or a team, not both."
    elif assignee_member is not None and assignee_member.tenant_id != member.tenant_id:
        errors["assignee"] = "No such person in this workspace."
    elif assignee_team is not None and assignee_team.tenant_id != member.tenant_id:
        errors["assignee"] = "No such team in this workspace."
    if phase_template.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's template.")
    if errors or due_offset_days is None:
        raise ValidationError(errors)
    with transaction.atomic():
        position = phase_template.task_templates.count()
        task = PhaseTaskTemplate.objects.create(
            tenant=member.tenant,
            phase=phase_template,
            position=position,
            title=title,
            description=(description or "").strip(),
            due_offset_days=due_offset_days,
            assignee_member=assignee_member,
            assignee_team=assignee_team,
        )
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.TEMPLATE_UPDATE,
            target=f"task {title} of phase {phase_template.name}",
            after={"title": title, "due_offset_days": due_offset_days},
        )
    return task


def check_delete_task_template(member: Membership, task_template: PhaseTaskTemplate) -> None:
    require(member, Perm.MANAGE_SETTINGS, "change the cycle template")
    if task_template.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's template.")
    with transaction.atomic():
        title, phase_name = task_template.title, task_template.phase.name
        task_template.delete()
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=ProcessVerb.TEMPLATE_UPDATE,
            target=f"task {title} of phase {phase_name} (removed)",
            before={"title": title},
            after=None,
        )


# --- cycles ----------------------------------------------------------------------------------------


def owner_label(obj: PhaseTemplate | CyclePhase) -> str:
    if obj.owner_member is not None:
        return obj.owner_member.display_name
    if obj.owner_team is not None:
        return f"@{obj.owner_team.handle}"
    return ""


def owner_user_ids(phase: CyclePhase | PhaseTemplate) -> list[int]:
    """The users who own a phase: its person, or every active member of its team."""
    if phase.owner_member_id is not None:
        return [phase.owner_member.user_id]  # type: ignore[union-attr]
    if phase.owner_team_id is not None:
        return list(
            Membership.objects.filter(
                team_memberships__team_id=phase.owner_team_id, is_active=True
            ).values_list("user_id", flat=True)
        )
    return []


def check_start_sop_cycle(member: Membership, plan_cycle: PlanCycle) -> SopCycle:
    """ "Start the S&OP process for this cycle": a plan cycle made before the process existed gets its
    S&OP cycle (idempotent: a cycle that has one keeps it)."""
    _require_internal(member, "start a cycle")
    require(member, Perm.RUN_CYCLE, "start the S&OP process")
    if plan_cycle.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's cycle.")
    return do_create_sop_cycle(member, plan_cycle)


def do_create_sop_cycle(
    member: Membership | None, plan_cycle: PlanCycle, *, actor: User | None = None
) -> SopCycle:
    """The plan cycle's S&OP cycle (or the one it has: idempotent): its phases from the tenant's
    template with their dates (cycle start = the cycle's month), each phase's template tasks
    (`do_create_task(source="template")`, assigned to the task's or else the phase's owner), one
    followable subject per cycle and phase; audited `cycle.create`; owners follow the cycle and their
    phase, the actor the cycle; a feed item on the cycle. `member` None: the system, or `actor` (the
    user who made the plan cycle, e.g. through the API) when given."""
    tenant = plan_cycle.tenant
    if member is not None:
        actor = member.user
    with transaction.atomic():
        # the plan cycle row serialises two first uses (the button twice, the hook and the button)
        PlanCycle.objects.select_for_update().filter(pk=plan_cycle.pk).first()
        existing = SopCycle.objects.filter(plan_cycle=plan_cycle).first()
        if existing is not None:
            return existing
        templates = ensure_phase_templates(tenant)
        starts_on = plan_cycle.month
        cycle = save_with_subject(
            SopCycle(tenant=tenant, plan_cycle=plan_cycle, starts_on=starts_on, created_by=actor)
        )
        phases: list[CyclePhase] = []
        for t in sorted(templates, key=lambda t: (t.position, t.pk)):
            phase = save_with_subject(
                CyclePhase(
                    tenant=tenant,
                    cycle=cycle,
                    template=t,
                    position=t.position,
                    key=t.key,
                    name=t.name,
                    owner_member=t.owner_member,
                    owner_team=t.owner_team,
                    starts_on=starts_on + dt.timedelta(days=t.starts_offset_days),
                    due_on=starts_on + dt.timedelta(days=t.due_offset_days),
                    criteria=list(t.criteria or []),
                    locks_plan_type=t.locks_plan_type,
                )
            )
            phases.append(phase)
        record(
            tenant=tenant,
            actor=actor,
            verb=ProcessVerb.CYCLE_CREATE,
            subject=cycle.subject,
            target=str(cycle),
            after={
                "starts_on": starts_on,
                "phases": [f"{p.name} (due {p.due_on:%d %b})" for p in phases],
            },
            related=[p.subject for p in phases],
        )
        by_template = {p.template_id: p for p in phases}
        task_templates = PhaseTaskTemplate.objects.filter(
            tenant=tenant, phase_id__in=list(by_template)
        ).select_related("assignee_member__user", "assignee_team")
        for tt in task_templates:
            phase = by_template[tt.phase_id]
            assignee_member, assignee_team = tt.assignee_member, tt.assignee_team
            if assignee_member is None and assignee_team is None:
                assignee_member, assignee_team = phase.owner_member, phase.owner_team
            if assignee_member is not None and not assignee_member.is_active:
                assignee_member = None
            do_create_task(
                member,
                tenant=tenant,
                title=tt.title,
                description=tt.description,
                assignee_member=assignee_member,
                assignee_team=assignee_team,
                due_on=starts_on + dt.timedelta(days=tt.due_offset_days),
                phase=phase,
                source=TaskSource.TEMPLATE,
            )
        pairs: list[tuple[User, Subject]] = []
        owners: dict[int, list[CyclePhase]] = {}
        for phase in phases:
            for uid in owner_user_ids(phase):
                owners.setdefault(uid, []).append(phase)
        users = {u.pk: u for u in User.objects.filter(pk__in={*owners, *([actor.pk] if actor else [])})}
        for uid, owned in owners.items():
            if uid in users:
                pairs += [(users[uid], cycle.subject), *((users[uid], p.subject) for p in owned)]
        if actor is not None and actor.pk in users:
            pairs.append((users[actor.pk], cycle.subject))
        do_auto_follow_many(tenant=tenant, pairs=pairs)
        do_create_system_item(
            tenant=tenant,
            subject=cycle.subject,
            actor=actor,
            verb="cycle.create",
            text=f"The S&OP cycle of {plan_cycle} is set: "
            + ", ".join(f"{p.name} due {p.due_on:%a %d %b}" for p in phases)
            + ".",
        )
    return cycle


def on_plan_cycle_created(*, cycle: PlanCycle, actor: User | None) -> None:
    """planning's `on_cycle_created` hook: every plan cycle, however made, gets its S&OP cycle in
    the same transaction."""
    member = (
        Membership.objects.select_related("user", "tenant")
        .filter(tenant_id=cycle.tenant_id, user=actor, is_active=True)
        .first()
        if actor is not None
        else None
    )
    do_create_sop_cycle(member, cycle, actor=actor)


# --- the phase lifecycle ---------------------------------------------------------------------------


def _locked_phase(phase: CyclePhase) -> CyclePhase:
    return (
        CyclePhase.objects.select_for_update(of=("self",))
        .select_related("cycle__plan_cycle", "subject", "tenant")
        .get(pk=phase.pk)
    )


def check_start_phase(member: Membership, phase: CyclePhase) -> CyclePhase:
    _require_internal(member, "run the cycle")
    require(member, Perm.RUN_CYCLE, "start a phase")
    if phase.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's phase.")
    if phase.status != PhaseStatus.NOT_STARTED:
        raise ValidationError({"phase": f"{phase.name} is {phase.get_status_display().lower()} already."})
    return do_start_phase(member, phase)


def do_start_phase(member: Membership, phase: CyclePhase) -> CyclePhase:
    """not started -> in progress; audited `phase.start`; posted on the phase (and so its cycle)."""
    with transaction.atomic():
        phase = _locked_phase(phase)
        if phase.status != PhaseStatus.NOT_STARTED:
            return phase
        phase.status, phase.started_at = PhaseStatus.IN_PROGRESS, timezone.now()
        phase.save(update_fields=["status", "started_at"])
        record(
            tenant=phase.tenant,
            actor=member.user,
            verb=ProcessVerb.PHASE_START,
            subject=phase.subject,
            target=phase.subject.title,
            before={"status": PhaseStatus.NOT_STARTED},
            after={"status": PhaseStatus.IN_PROGRESS},
        )
        do_create_system_item(
            tenant=phase.tenant,
            subject=phase.subject,
            actor=member.user,
            verb="phase.start",
            text=f"{member.display_name} started {phase.name} (due {phase.due_on:%a %d %b}).",
        )
    return phase


def unmet_words(unmet: Sequence[criteria.CriterionResult]) -> list[str]:
    return [f"{r.label}: {r.detail}" for r in unmet]


def check_close_phase(member: Membership, phase: CyclePhase, *, override_reason: str = "") -> CyclePhase:
    """Close a phase when its criteria are met. Refuses (ValidationError "criteria", one message per
    unmet criterion) otherwise, unless the member may override (`Perm.OVERRIDE_PHASE`) and gives a
    reason, in which case the override is audited with the unmet list."""
    _require_internal(member, "run the cycle")
    require(member, Perm.RUN_CYCLE, "close a phase")
    if phase.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's phase.")
    if phase.status == PhaseStatus.DONE:
        raise ValidationError({"phase": f"{phase.name} is closed already."})
    override_reason = (override_reason or "").strip()
    if len(override_reason) > MAX_REASON or "\x00" in override_reason:
        raise ValidationError({"reason": f"At most {MAX_REASON} characters."})
    unmet = criteria.unmet(phase)
    if unmet:
        if not override_reason:
            words = unmet_words(unmet)
            if can(member, Perm.OVERRIDE_PHASE):
                words.append("To close it anyway, give the reason for overriding.")
            raise ValidationError({"criteria": words})
        require(member, Perm.OVERRIDE_PHASE, "close a phase with its criteria unmet")
    return do_close_phase(member, phase, unmet=unmet, override_reason=override_reason if unmet else "")


def do_close_phase(
    member: Membership,
    phase: CyclePhase,
    *,
    unmet: Sequence[criteria.CriterionResult] = (),
    override_reason: str = "",
) -> CyclePhase:
    """-> done; audited `phase.close` (or `phase.close_override` with the unmet criteria and the
    reason); locks the cycle's versions of the phase's plan type, if it has one; posted on the phase."""
    with transaction.atomic():
        phase = _locked_phase(phase)
        old = phase.status
        now = timezone.now()
        phase.status, phase.closed_at, phase.closed_by = PhaseStatus.DONE, now, member.user
        phase.started_at = phase.started_at or now
        phase.override_reason = override_reason
        phase.save(update_fields=["status", "closed_at", "closed_by", "started_at", "override_reason"])
        overridden = bool(unmet)
        record(
            tenant=phase.tenant,
            actor=member.user,
            verb=ProcessVerb.PHASE_CLOSE_OVERRIDE if overridden else ProcessVerb.PHASE_CLOSE,
            subject=phase.subject,
            target=phase.subject.title,
            before={"status": old},
            after={
                "status": PhaseStatus.DONE,
                **({"unmet": unmet_words(unmet), "reason": override_reason} if overridden else {}),
            },
        )
        locked = ""
        if phase.locks_plan_type:
            plan_cycle = phase.cycle.plan_cycle
            planning_actions.do_lock_plan(
                tenant=phase.tenant,
                cycle=plan_cycle,
                plan_type=phase.locks_plan_type,
                reason=f"{phase.name} was closed on {timezone.localdate(now):%d %b %Y}",
                unlock_hint=f"To change it, reopen {phase.name} on the cycle page "
                f"({phase.cycle.get_absolute_url()}).",
                actor=member.user,
                related=[phase.subject, phase.cycle.subject],
            )
            locked = f" The {PlanType(phase.locks_plan_type).label.lower()} of {plan_cycle} is now locked."
        why = f" Criteria overridden: {override_reason}" if overridden else ""
        do_create_system_item(
            tenant=phase.tenant,
            subject=phase.subject,
            actor=member.user,
            verb="phase.close",
            text=f"{member.display_name} closed {phase.name}.{locked}{why}",
        )
    return phase


def check_reopen_phase(member: Membership, phase: CyclePhase, *, reason: str) -> CyclePhase:
    _require_internal(member, "run the cycle")
    require(member, Perm.RUN_CYCLE, "reopen a phase")
    if phase.tenant_id != member.tenant_id:
        raise PermissionDenied("Not this workspace's phase.")
    if phase.status != PhaseStatus.DONE:
        raise ValidationError({"phase": f"{phase.name} is not closed."})
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": "Say why the phase is reopened."})
    if len(reason) > MAX_REASON or "\x00" in reason:
        raise ValidationError({"reason": f"At most {MAX_REASON} characters."})
    return do_reopen_phase(member, phase, reason=reason)


def do_reopen_phase(member: Membership, phase: CyclePhase, *, reason: str) -> CyclePhase:
    """done -> in progress; audited `phase.reopen` with the reason; unlocks the plan the phase
    locked; posted on the phase."""
    with transaction.atomic():
        phase = _locked_phase(phase)
        if phase.status != PhaseStatus.DONE:
            return phase
        phase.status, phase.closed_at, phase.closed_by = PhaseStatus.IN_PROGRESS, None, None
        phase.override_reason = ""
        phase.save(update_fields=["status", "closed_at", "closed_by", "override_reason"])
        record(
            tenant=phase.tenant,
            actor=member.user,
            verb=ProcessVerb.PHASE_REOPEN,
            subject=phase.subject,
            target=phase.subject.title,
            before={"status": PhaseStatus.DONE},
            after={"status": PhaseStatus.IN_PROGRESS, "reason": reason},
        )
        unlocked = ""
        if phase.locks_plan_type and planning_actions.do_unlock_plan(
            tenant=phase.tenant,
            cycle=phase.cycle.plan_cycle,
            plan_type=phase.locks_plan_type,
            reason=f"{phase.name} reopened: {reason}",
            actor=member.user,
            related=[phase.subject, phase.cycle.subject],
        ):
            unlocked = f" The {PlanType(phase.locks_plan_type).label.lower()} is unlocked."
        do_create_system_item(
            tenant=phase.tenant,
            subject=phase.subject,
            actor=member.user,
            verb="phase.reopen",
            text=f"{member.display_name} reopened {phase.name}: {reason}.{unlocked}",
        )
    return phase
