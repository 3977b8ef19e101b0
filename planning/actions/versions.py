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

from .. import weeks as wk
from ..models import Plan, PlanCycle, PlanEntry, PlanType, PlanVersion, VersionStatus
from ..outbox import EvaluationScope
from ..verbs import PlanningVerb, transition_verb
from ._common import _changed_products, request_evaluation

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


def _cycle(tenant: Tenant, day: dt.date) -> PlanCycle:
    cycle, _ = PlanCycle.objects.get_or_create(tenant=tenant, month=wk.month_start(day))
    return cycle


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
    based_on: PlanVersion | None = None,
    name: str = "",
    status: str = VersionStatus.DRAFT,
    cycle_day: dt.date | None = None,
) -> PlanVersion:
    """A new empty version of `plan` (its subject's parent is the plan's subject). Audited."""
    with transaction.atomic():
        # Lock the plan row: locking the last version cannot stop a concurrent draft from computing the
        # same number (it does not see our insert, and with no versions there is nothing to lock).
        lock_plan(plan)
        last = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        version = PlanVersion(
            tenant=tenant,
            plan=plan,
            cycle=_cycle(tenant, cycle_day or start_week),
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
        feed_actions.do_create_system_item(
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
    return version


def target_label(action: str) -> str:
    return {"submit": "submitted", "reopen": "reopened", "approve": "approved", "publish": "published"}[
        action
    ]
