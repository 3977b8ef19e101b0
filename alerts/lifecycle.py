"""What people do with an alert: acknowledge, snooze, assign, resolve, reopen. Each is audited."""

from __future__ import annotations

import datetime
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.tenancy.models import Membership
from sopsocial.tenancy.policy import Perm, require

from .models import Alert, AlertStatus
from .verbs import AlertsVerb

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Tenant


def _lock(alert: Alert) -> Alert:
    return Alert.objects.select_for_update(of=("self",)).select_related("tenant", "subject").get(pk=alert.pk)


def _audit(
    member: Membership, alert: Alert, verb: AlertsVerb, before: dict[str, Any], after: dict[str, Any]
) -> None:
    record(
        tenant=alert.tenant,
        actor=member.user,
        verb=verb,
        subject=alert.subject,
        target=alert.title,
        before=before,
        after=after,
    )


@transaction.atomic
def do_acknowledge_alert(member: Membership, alert: Alert) -> Alert:
    require(member, Perm.ACT_ON_ALERTS, "change alerts")
    alert = _lock(alert)
    if alert.status not in (AlertStatus.OPEN, AlertStatus.SNOOZED):
        raise ValidationError("Only an open or snoozed alert can be acknowledged.")
    before = {"status": alert.status}
    alert.status, alert.snoozed_until = AlertStatus.ACKNOWLEDGED, None
    if alert.owner_id is None:
        alert.owner = member.user
    alert.save()
    _audit(member, alert, AlertsVerb.ACKNOWLEDGE, before, {"status": alert.status})
    return alert


@transaction.atomic
def do_snooze_alert(member: Membership, alert: Alert, until: datetime.date) -> Alert:
    require(member, Perm.ACT_ON_ALERTS, "change alerts")
    if not isinstance(until, datetime.date) or until <= timezone.localdate():
        raise ValidationError({"until": "Snooze until a date after today."})
    alert = _lock(alert)
    if not alert.is_live:
        raise ValidationError("A resolved alert cannot be snoozed.")
    before = {"status": alert.status, "snoozed_until": alert.snoozed_until}
    alert.status, alert.snoozed_until = AlertStatus.SNOOZED, until
    alert.save()
    _audit(member, alert, AlertsVerb.SNOOZE, before, {"status": alert.status, "snoozed_until": until})
    return alert


@transaction.atomic
def do_assign_alert(member: Membership, alert: Alert, owner_membership: Membership | None) -> Alert:
    require(member, Perm.ACT_ON_ALERTS, "change alerts")
    if owner_membership is not None and (
        owner_membership.tenant_id != member.tenant_id
        or not owner_membership.is_active
        or owner_membership.is_external
    ):
        raise ValidationError({"owner": "Choose someone in this workspace."})
    alert = _lock(alert)
    before = {"owner": alert.owner.get_username() if alert.owner else None}
    alert.owner = owner_membership.user if owner_membership else None
    alert.save()
    _audit(
        member,
        alert,
        AlertsVerb.ASSIGN,
        before,
        {"owner": alert.owner.get_username() if alert.owner else None},
    )
    return alert


@transaction.atomic
def do_resolve_alert(member: Membership, alert: Alert, note: str | None) -> Alert:
    require(member, Perm.ACT_ON_ALERTS, "change alerts")
    note = (note or "").strip()
    if not note:
        raise ValidationError({"note": "Say how it was resolved."})
    if len(note) > 2000:
        raise ValidationError({"note": "Keep the note under 2,000 characters."})
    alert = _lock(alert)
    if not alert.is_live:
        raise ValidationError("This alert is already resolved.")
    before = {"status": alert.status}
    alert.status, alert.resolution_note = AlertStatus.RESOLVED, note
    alert.resolved_at, alert.resolved_by, alert.auto_resolved = timezone.now(), member.user, False
    alert.save()
    _audit(member, alert, AlertsVerb.RESOLVE, before, {"status": alert.status, "note": note})
    return alert


@transaction.atomic
def wake_snoozed(tenant: Tenant, today: datetime.date | None = None) -> int:
    """Snoozed alerts whose date has come are open again (the nightly pass runs this). Audited."""
    today = today or timezone.localdate()
    woken = 0
    for alert in Alert.objects.select_for_update().filter(
        tenant=tenant, status=AlertStatus.SNOOZED, snoozed_until__lte=today
    ):
        before = {"status": alert.status, "snoozed_until": alert.snoozed_until}
        alert.status, alert.snoozed_until = AlertStatus.OPEN, None
        alert.save()
        record(
            tenant=tenant,
            verb=AlertsVerb.WAKE,
            subject=alert.subject,
            target=alert.title,
            before=before,
            after={"status": alert.status},
        )
        woken += 1
    return woken


def assignable_members(member: Membership) -> QuerySet[Membership]:
    return Membership.objects.filter(tenant=member.tenant, is_active=True, partner=None).select_related(
        "user"
    )
