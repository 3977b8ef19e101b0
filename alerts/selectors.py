"""Reads shared by the alert pages: filtered alert lists, rule lists with counts."""

from collections.abc import Iterable

from django.db.models import Count, Q, QuerySet

from sopsocial.pages.filters import where_filled
from sopsocial.tenancy.models import Membership, Tenant

from .models import LIVE_STATUSES, Alert, ExceptionRule


def partner_visible(alerts: QuerySet[Alert], member: Membership) -> QuerySet[Alert]:
    """What a partner user may see of `alerts`: only those of rules marked visible to partners, whose
    main subject is shared with the user's organisation. Internal alerts never reach partners."""
    return alerts.filter(
        rule__visible_to_partners=True,
        subject__shares__partner_id=member.partner_id,  # type: ignore[misc]  # external: partner_id is set
    )


def alerts_for(
    member: Membership,
    *,
    status: str = "live",
    severity: str | None = None,
    kind: str | None = None,
    mine: bool = False,
    subject_ids: Iterable[int] | None = None,
) -> QuerySet[Alert]:
    alerts = Alert.objects.filter(tenant=member.tenant).select_related("tenant", "rule", "subject", "owner")
    if member.is_external:
        alerts = partner_visible(alerts, member)
    if status == "live":
        alerts = alerts.filter(status__in=LIVE_STATUSES)
    elif status:
        alerts = alerts.filter(status=status)
    alerts = where_filled(alerts, severity=severity, rule__kind=kind)
    if mine:
        alerts = alerts.filter(owner=member.user)
    if subject_ids is not None:
        alerts = alerts.filter(subject_links__subject_id__in=subject_ids).distinct()
    return alerts.order_by("-raised_at", "-id")


def rules_for(tenant: Tenant) -> QuerySet[ExceptionRule]:
    return (
        ExceptionRule.objects.filter(tenant=tenant, is_deleted=False)
        .annotate(live_alerts=Count("alerts", filter=Q(alerts__status__in=LIVE_STATUSES)))
        .order_by("name")
    )
