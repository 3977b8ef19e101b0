"""Plans, cycles and versions: the two persistent plans, new (draft) versions, and the workflow
draft -> submitted -> approved -> published (publishing supersedes the previous published version)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feeds import actions as feed_actions
from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.tenancy.policy import Perm, require

from .. import hooks
from .. import weeks as wk
from ..models import Plan, PlanCycle, PlanEntry, PlanType, PlanVersion, VersionStatus
from ..outbox import EvaluationScope
from ..verbs import PlanningVerb, transition_verb
from ._common import _changed_products, request_evaluation
from .locks import refuse_if_locked, refuse_locked_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.tenancy.models import Membership, Tenant


def ensure_plans(tenant: Tenant) -> dict[str, Plan]:
    """The two persistent plans (created on first use, with their followable subjects)."""
    plans = {p.plan_type: p for p in Plan.objects.filter(tenant=tenant).select_related("subject")}
    for plan_type in PlanType.values:
        if plan_type not in plans:
            with transaction.atomic():
                plan = save_with_subject(Plan(tenant=tenant, plan_type=plan_type))
                record(tenant=tenant, verb=PlanningVerb.PLAN_CREATE, subject=plan.subject, target=str(plan))
            plans[plan_type] = plan
    return plans


def _cycle(tenant: Tenant, day: dt.date, actor: User | None = None) -> PlanCycle:
    """The cycle of `day`'s month, made on the fly (with what other apps add to a new cycle) if none."""
    with transaction.atomic():
        cycle, created = PlanCycle.objects.get_or_create(tenant=tenant, month=wk.month_start(day))
        if created:
            hooks.run_cycle_created(cycle=cycle, actor=actor)
    return cycle


MAX_HORIZON_WEEKS = 104
# plan dates a cycle may start on: history back to 1900, plans up to 2999 (week arithmetic near the ends
# of the calendar would overflow, and no plan needs them)
FIRST_YEAR, LAST_YEAR = 1900, 2999


def check_create_cycle(
    member: Membership,
    *,
    month: dt.date | None,
    start_week: dt.date | None,
    horizon_weeks: int | None,
    first_versions: tuple[str, ...] = (PlanType.DEMAND, PlanType.SUPPLY),
) -> tuple[PlanCycle, list[PlanVersion]]:
    """A member starts a cycle (the Plans page): `do_start_cycle` as them, if they may edit plans."""
    require(member, Perm.EDIT_PLANS, "create a plan cycle")
    return do_start_cycle(
        tenant=member.tenant,
        month=month,
        start_week=start_week,
        horizon_weeks=horizon_weeks,
        first_versions=first_versions,
        actor=member.user,
    )


def do_start_cycle(
    *,
    tenant: Tenant,
    month: dt.date | None,
    start_week: dt.date | None,
    horizon_weeks: int | None,
    first_versions: tuple[str, ...] = (PlanType.DEMAND, PlanType.SUPPLY),
    actor: User | None = None,
    actor_label: str | None = None,
) -> tuple[PlanCycle, list[PlanVersion]]:
    """A new monthly cycle (month, first week, horizon) and its first draft version of each plan type
    in `first_versions`, in one transaction, each audited. The first week may be in the past, so that
    history can be loaded into it. Refuses (ValidationError keyed by field, nothing written) missing or
    out-of-range values and a month that already has a cycle. The API (an API key: actor None and its
    label) calls this; people call `check_create_cycle`."""
    errors: dict[str, list[str]] = {}
    if month is None:
        errors["month"] = ["Choose the cycle's month."]
    if start_week is None:
        errors["start_week"] = ["Choose the first week of the plan."]
    if horizon_weeks is None or not 1 <= horizon_weeks <= MAX_HORIZON_WEEKS:
        errors["horizon_weeks"] = [f"The horizon is 1 to {MAX_HORIZON_WEEKS} weeks."]
    for field, day in (("month", month), ("start_week", start_week)):
        if day is not None and not FIRST_YEAR <= day.year <= LAST_YEAR:
            errors[field] = [f"Choose a date between {FIRST_YEAR} and {LAST_YEAR}."]
    unknown = [t for t in first_versions if t not in PlanType.values]
    if unknown:
        errors["plan_types"] = [f"Unknown plan type {unknown[0]!r}: demand or supply."]
    if errors:
        raise ValidationError(errors)
    assert month is not None and start_week is not None and horizon_weeks is not None
    with transaction.atomic():
        cycle = do_create_cycle(
            tenant=tenant,
            month=month,
            start_week=start_week,
            horizon_weeks=horizon_weeks,
            actor=actor,
            actor_label=actor_label,
        )
        plans = ensure_plans(tenant)
        versions = [
            do_create_version(
                tenant=tenant,
                plan=plans[plan_type],
                start_week=start_week,
                weeks=cycle.horizon_weeks,
                actor=actor,
                actor_label=actor_label,
                cycle=cycle,
            )
            for plan_type in first_versions
        ]
    return cycle, versions


def do_create_cycle(
    *,
    tenant: Tenant,
    month: dt.date,
    start_week: dt.date,
    horizon_weeks: int,
    actor: User | None = None,
    actor_label: str | None = None,
) -> PlanCycle:
    """The cycle of `month` (first week and horizon), audited. Refuses a month that has one."""
    first_of_month = wk.month_start(month)
    with transaction.atomic():
        # the tenant row serialises cycle creation: two planners creating the same month get one cycle
        # and one clear refusal, not a unique-violation 500
        type(tenant).objects.select_for_update().filter(pk=tenant.pk).first()
        if PlanCycle.objects.filter(tenant=tenant, month=first_of_month).exists():
            raise ValidationError({"month": [f"There is already a cycle for {first_of_month:%B %Y}."]})
        cycle = PlanCycle.objects.create(
            tenant=tenant,
            month=first_of_month,
            start_week=wk.week_start(start_week),
            horizon_weeks=horizon_weeks,
        )
        record(
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            verb=PlanningVerb.CYCLE_CREATE,
            target=str(cycle),
            after={
                "month": cycle.month.isoformat(),
                "start_week": start_week.isoformat(),
                "horizon_weeks": cycle.horizon_weeks,
            },
        )
        # e.g. the process app's S&OP cycle: in this transaction, so every cycle has one
        hooks.run_cycle_created(cycle=cycle, actor=actor)
    return cycle


def check_create_version(
    member: Membership, *, cycle: PlanCycle, plan_type: str, name: str = ""
) -> PlanVersion:
    """A member adds a draft to a cycle (the Plans page): `do_add_version` as them."""
    require(member, Perm.EDIT_PLANS, "create a plan version")
    return do_add_version(
        tenant=member.tenant, cycle=cycle, plan_type=plan_type, name=name, actor=member.user
    )


def do_add_version(
    *,
    tenant: Tenant,
    cycle: PlanCycle,
    plan_type: str,
    name: str = "",
    actor: User | None = None,
    actor_label: str | None = None,
) -> PlanVersion:
    """A new empty draft of the demand or supply plan in `cycle`, over the cycle's weeks, audited.
    ValidationError keyed by field for a cycle of another tenant, an unknown plan type or a bad name."""
    if cycle.tenant_id != tenant.pk:
        raise ValidationError({"cycle": ["Unknown cycle."]})
    if plan_type not in PlanType.values:
        raise ValidationError({"plan_type": ["Choose demand or supply."]})
    name = (name or "").strip()
    if len(name) > 200 or "\x00" in name:
        raise ValidationError({"name": ["Use at most 200 characters (no NUL)."]})
    start = cycle.start_week or wk.week_start(cycle.month)
    return do_create_version(
        tenant=tenant,
        plan=ensure_plans(tenant)[plan_type],
        start_week=start,
        weeks=cycle.horizon_weeks,
        actor=actor,
        actor_label=actor_label,
        name=name,
        cycle=cycle,
    )


def lock_plan(plan: Plan) -> Plan:
    """Serialise version numbering and publishing of one plan (call inside transaction.atomic())."""
    return Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def do_create_version(
    *,
    tenant: Tenant,
    plan: Plan,
    start_week: dt.date,
    weeks: int = 26,
    actor: User | None = None,
    actor_label: str | None = None,
    based_on: PlanVersion | None = None,
    name: str = "",
    status: str = VersionStatus.DRAFT,
    cycle_day: dt.date | None = None,
    cycle: PlanCycle | None = None,
) -> PlanVersion:
    """A new empty version of `plan` (its subject's parent is the plan's subject). Audited."""
    with transaction.atomic():
        # Lock the plan row: locking the last version cannot stop a concurrent draft from computing the
        # same number (it does not see our insert, and with no versions there is nothing to lock).
        lock_plan(plan)
        last = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        cycle = cycle or _cycle(tenant, cycle_day or start_week, actor)
        # a new draft in a cycle whose plan is locked would be a way round the lock
        refuse_if_locked(cycle.pk, plan.plan_type, field="cycle")
        version = PlanVersion(
            tenant=tenant,
            plan=plan,
            cycle=cycle,
            number=(last.number + 1) if last else 1,
            name=name,
            status=status,
            based_on=based_on,
            start_week=wk.week_start(start_week),
            weeks=weeks,
            created_by=actor,
        )
        save_with_subject(version)
        record(
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            verb=PlanningVerb.VERSION_CREATE,
            subject=version.subject,
            target=version.subject.title,
            after={"status": version.status, "based_on": based_on.pk if based_on else None},
        )
    return version


def check_new_draft_from(
    member: Membership, source: PlanVersion, *, today: dt.date | None = None
) -> PlanVersion:
    """A new draft copying `source` (normally the published version) from this week on."""
    require(member, Perm.EDIT_PLANS, "start a new draft")
    start = wk.this_week(today)
    with transaction.atomic():
        version = do_create_version(
            tenant=member.tenant,
            plan=source.plan,
            start_week=start,
            weeks=source.weeks,
            actor=member.user,
            based_on=source,
        )
        last = start + dt.timedelta(weeks=version.weeks - 1)
        PlanEntry.objects.bulk_create(
            PlanEntry(version=version, product_id=p, customer_id=c, facility_id=f, week=w, qty=q)
            for p, c, f, w, q in source.entries.filter(week__gte=start, week__lte=last).values_list(
                "product_id", "customer_id", "facility_id", "week", "qty"
            )
        )
    return version


FOUR_EYES_REFUSAL = (
    "Four eyes: you submitted this version, so someone else must approve it "
    "(this workspace's setting, changed by an admin in Settings)."
)


def submitter_id(version: PlanVersion) -> int | None:
    """Who last submitted the version: the actor of its latest `version.submit` audit event."""
    from sopsocial.audit.models import AuditEvent

    return (
        AuditEvent.objects.filter(
            tenant_id=version.tenant_id, subject_id=version.subject_id, verb=PlanningVerb.VERSION_SUBMIT.value
        )
        .order_by("-seq")
        .values_list("actor_id", flat=True)
        .first()
    )


def four_eyes_refuses(member: Membership, version: PlanVersion) -> bool:
    """With the tenant's four-eyes setting on, the person who submitted a version may not approve it."""
    return (
        member.tenant.four_eyes
        and version.status == VersionStatus.SUBMITTED
        and submitter_id(version) == member.user_id
    )


TRANSITIONS: dict[str, tuple[tuple[str, ...], str, Perm, str]] = {
    # action: (from statuses, to status, permission, words)
    "submit": ((VersionStatus.DRAFT,), VersionStatus.SUBMITTED, Perm.EDIT_PLANS, "submit a plan"),
    "reopen": (
        (VersionStatus.SUBMITTED, VersionStatus.APPROVED),
        VersionStatus.DRAFT,
        Perm.EDIT_PLANS,
        "reopen a plan",
    ),
    "approve": ((VersionStatus.SUBMITTED,), VersionStatus.APPROVED, Perm.APPROVE_VERSIONS, "approve a plan"),
    "publish": ((VersionStatus.APPROVED,), VersionStatus.PUBLISHED, Perm.PUBLISH_VERSIONS, "publish a plan"),
}


def check_transition(member: Membership, version: PlanVersion, action: str) -> PlanVersion:
    """Move a version along draft -> submitted -> approved -> published. Publishing supersedes the
    plan's previously published version. Audited, posted on the version's feed, evaluated by alerts."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": ["Unknown action."]})
    sources, target, perm, words = TRANSITIONS[action]
    require(member, perm, words)
    with transaction.atomic():
        if action == "publish":
            # two approved versions published at once would both supersede the old one and then collide
            # on the one-published-version index: publishing takes the plan lock first
            lock_plan(version.plan)
        # of=("self",): lock the version row only. Locking the joined subject row too would block every
        # insert that references the subject (feed items, audit links) while this waits for the audit lock.
        version = (
            PlanVersion.objects.select_for_update(of=("self",))
            .select_related("plan", "subject")
            .get(pk=version.pk)
        )
        if version.status not in sources:
            raise ValidationError(
                {
                    "action": [
                        f"A {version.get_status_display().lower()} version cannot be {target_label(action)}."
                    ]
                }
            )
        if action != "publish":  # publishing signs off the frozen numbers; every other step changes them
            refuse_locked_version(version, field="action")
        if action == "approve" and four_eyes_refuses(member, version):
            raise ValidationError({"action": [FOUR_EYES_REFUSAL]})
        old = version.status
        now = timezone.now()
        superseded = None
        if action == "publish":
            superseded = PlanVersion.objects.filter(plan=version.plan, status=VersionStatus.PUBLISHED).first()
            if superseded:
                superseded.status = VersionStatus.SUPERSEDED
                superseded.save(update_fields=["status"])
                record(
                    tenant=member.tenant,
                    actor=member.user,
                    verb=PlanningVerb.VERSION_SUPERSEDE,
                    subject=superseded.subject,
                    target=superseded.subject.title,
                    before={"status": VersionStatus.PUBLISHED},
                    after={"status": VersionStatus.SUPERSEDED, "by_version": version.pk},
                )
            version.published_at, version.published_by = now, member.user
        elif action == "approve":
            version.approved_at, version.approved_by = now, member.user
        elif action == "submit":
            version.submitted_at = now
        version.status = target
        version.save()
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=transition_verb(action),
            subject=version.subject,
            target=version.subject.title,
            before={"status": old},
            after={"status": target},
        )
        changed = _changed_products(version)
        item = feed_actions.do_create_system_item(
            tenant=member.tenant,
            subject=version.subject,
            tagged=changed,
            actor=member.user,
            verb=f"plan {action}",
            text=f"{member.display_name} {target_label(action)} {version.subject.title}.",
            data={"version_id": version.pk, "status": target},
        )
        if action in ("approve", "publish"):
            request_evaluation(member.tenant, f"version {action}", EvaluationScope())
        if action == "submit":
            hooks.run_version_submitted(version=version, item=item, member=member)
    return version


def target_label(action: str) -> str:
    return {"submit": "submitted", "reopen": "reopened", "approve": "approved", "publish": "published"}[
        action
    ]
