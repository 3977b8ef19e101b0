import datetime

from django.db import transaction

from alerts.models import Alert, AlertSubject, ExceptionRule
from sopsocial.subjects.actions import create_subject, save_with_subject


def make_rule(tenant, name="Demand spike", kind="demand_change", params=None, severity="high", **extra):
    from alerts.kinds import clean_params

    with transaction.atomic():
        return save_with_subject(
            ExceptionRule(
                tenant=tenant,
                name=name,
                kind=kind,
                severity=severity,
                params=clean_params(kind, params or {}),
                **extra,
            )
        )


def make_alert(
    rule,
    subject=None,
    key="p1.c1.f1",
    status="open",
    title="Demand spike: Oat Crunch 500g",
    magnitude=3600.0,
    week=datetime.date(2026, 12, 14),
):
    subject = subject or create_subject(tenant=rule.tenant, kind="product", title="Oat Crunch 500g")
    alert = Alert.objects.create(
        tenant=rule.tenant,
        rule=rule,
        subject=subject,
        key=key,
        window_start=week,
        window_end=week,
        status=status,
        severity=rule.severity,
        title=title,
        summary="4,800 vs 1,200, +300%",
        numbers={"value": 4800, "reference": 1200, "change_pct": 300.0, "magnitude": magnitude},
    )
    AlertSubject.objects.create(alert=alert, subject=subject)
    return alert
