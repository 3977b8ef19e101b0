from django.http import Http404

from .models import Alert, ExceptionRule


def access_rule(member, rule_id):
    try:
        return ExceptionRule.objects.select_related("subject").get(
            tenant=member.tenant, pk=rule_id, is_deleted=False
        )
    except (ExceptionRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_alert(member, alert_id):
    """Partner users see an alert only if its main subject is shared with their organisation."""
    alerts = Alert.objects.select_related("rule", "subject", "owner").filter(tenant=member.tenant)
    if member.is_external:
        alerts = alerts.filter(subject__shares__partner_id=member.partner_id)
    try:
        return alerts.get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
