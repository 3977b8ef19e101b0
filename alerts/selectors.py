"""Reads shared by the alert pages: filtered alert lists, rule lists with counts."""

from django.db.models import Count, Q

from sopsocial.pages.filters import where_filled

from .models import LIVE_STATUSES, Alert, ExceptionRule


def alerts_for(member, *, status="live", severity=None, kind=None, mine=False, subject_ids=None):
    alerts = Alert.objects.filter(tenant=member.tenant).select_related("tenant", "rule", "subject", "owner")
    if member.is_external:
        alerts = alerts.filter(subject__shares__partner_id=member.partner_id)
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


def rules_for(tenant):
    return (
        ExceptionRule.objects.filter(tenant=tenant, is_deleted=False)
        .annotate(live_alerts=Count("alerts", filter=Q(alerts__status__in=LIVE_STATUSES)))
        .order_by("name")
    )
