from django.http import Http404

from sopsocial.tenancy.models import Membership

from .models import Alert, ExceptionRule
from .selectors import partner_visible


def access_rule(member: Membership, rule_id: int | str) -> ExceptionRule:
    try:
        return ExceptionRule.objects.select_related("subject").get(
            tenant=member.tenant, pk=rule_id, is_deleted=False
        )
    except (ExceptionRule.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_alert(member: Membership, alert_id: int | str) -> Alert:
    """Partner users see an alert only if its rule is visible to partners and its main subject is
    shared with their organisation (`selectors.partner_visible`); any other alert is a 404 to them."""
    alerts = Alert.objects.select_related("rule", "subject", "owner").filter(tenant=member.tenant)
    if member.is_external:
        alerts = partner_visible(alerts, member)
    try:
        return alerts.get(pk=alert_id)
    except (Alert.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
