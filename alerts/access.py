from django.http import Http404

from sopsocial.tenancy.models import Membership

from .models import Alert, ExceptionRule


def access_rule(member: Membership, rule_id: int | str) -> ExceptionRule:
    try:
        return ExceptionRule.objects.select_related("subject").get(
            tenant=member.tenant, pk=rule_id, is_deleted=False
        )
    except (ExceptionRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_alert(member: Membership, alert_id: int | str) -> Alert:
    """Partner users see an alert only if its main subject is shared with their organisation."""
    alerts = Alert.objects.select_related("rule", "subject", "owner").filter(tenant=member.tenant)
    if member.is_external:
        alerts = alerts.filter(subject__shares__partner_id=member.partner_id)  # type: ignore[misc]  # external: partner_id is set
    try:
        return alerts.get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
