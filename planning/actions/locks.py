"""Freezing a cycle's versions of one plan type (`PlanCycleLock`): lock, unlock, and the refusal every
write to a version of a locked (cycle, plan type) raises: cell edits, loads of plan entries, workflow
steps and new drafts in that cycle. Publishing an approved version stays open: it is the sign-off of
the numbers the lock froze, and changes none of them."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from sopsocial.audit.actions import record

from ..models import PlanCycle, PlanCycleLock, PlanType, PlanVersion
from ..verbs import PlanningVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Tenant


def lock_for(cycle_id: int, plan_type: str) -> PlanCycleLock | None:
    """The lock on the cycle's versions of `plan_type`, if any."""
    return (
        PlanCycleLock.objects.filter(cycle_id=cycle_id, plan_type=plan_type).select_related("cycle").first()
    )


def version_lock(version: PlanVersion) -> PlanCycleLock | None:
    return lock_for(version.cycle_id, version.plan.plan_type)


def refuse_if_locked(cycle_id: int, plan_type: str, field: str = "version") -> None:
    """Raise ValidationError({field: [the lock's message]}) when the cycle's plan is locked."""
    lock = lock_for(cycle_id, plan_type)
    if lock is not None:
        raise ValidationError({field: [lock.message()]})


def refuse_locked_version(version: PlanVersion, field: str = "version") -> None:
    refuse_if_locked(version.cycle_id, version.plan.plan_type, field)


def do_lock_plan(
    *,
    tenant: Tenant,
    cycle: PlanCycle,
    plan_type: str,
    reason: str,
    unlock_hint: str = "",
    actor: User | None = None,
    related: list[Subject | None] | None = None,
) -> PlanCycleLock:
    """Lock the cycle's versions of `plan_type` (or restate the reason of an existing lock); audited
    `planning.plan_lock` on each of those versions' subjects and `related`."""
    if plan_type not in PlanType.values:
        raise ValidationError({"plan_type": ["Choose demand or supply."]})
    if cycle.tenant_id != tenant.pk:
        raise ValidationError({"cycle": ["Unknown cycle."]})
    with transaction.atomic():
        lock, created = PlanCycleLock.objects.update_or_create(
            cycle=cycle,
            plan_type=plan_type,
            defaults={
                "tenant": tenant,
                "reason": reason[:300],
                "unlock_hint": unlock_hint[:300],
                "locked_by": actor,
            },
        )
        versions = PlanVersion.objects.filter(cycle=cycle, plan__plan_type=plan_type).select_related(
            "subject"
        )
        record(
            tenant=tenant,
            actor=actor,
            verb=PlanningVerb.PLAN_LOCK,
            target=str(lock),
            after={"cycle": str(cycle), "plan_type": plan_type, "reason": reason},
            related=[*(v.subject for v in versions), *(related or [])],
        )
    return lock


def do_unlock_plan(
    *,
    tenant: Tenant,
    cycle: PlanCycle,
    plan_type: str,
    reason: str = "",
    actor: User | None = None,
    related: list[Subject | None] | None = None,
) -> bool:
    """Lift the lock on the cycle's versions of `plan_type`; audited `planning.plan_unlock` when there
    was one. Returns whether a lock was lifted."""
    with transaction.atomic():
        lock = PlanCycleLock.objects.select_for_update().filter(cycle=cycle, plan_type=plan_type).first()
        if lock is None:
            return False
        before = {"reason": lock.reason}
        label = str(lock)
        lock.delete()
        versions = PlanVersion.objects.filter(cycle=cycle, plan__plan_type=plan_type).select_related(
            "subject"
        )
        record(
            tenant=tenant,
            actor=actor,
            verb=PlanningVerb.PLAN_UNLOCK,
            target=label.replace(" locked", " unlocked"),
            before=before,
            after={"cycle": str(cycle), "plan_type": plan_type, **({"reason": reason} if reason else {})},
            related=[*(v.subject for v in versions), *(related or [])],
        )
    return True
