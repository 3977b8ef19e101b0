"""STORY.md step 1: the rules Morgan has configured (idempotent)."""

from django.contrib.auth import get_user_model
from django.db import transaction

from sopsocial.tenancy.models import Membership

from . import actions
from .models import ExceptionRule

STORY_RULES = [
    {
        "name": "Demand spike",
        "kind": "demand_change",
        "severity": "high",
        "params": {
            "change_pct": 50,
            "min_abs_change": 0,
            "direction": "up",
            "level": "customer",
            "horizon_weeks": 26,
        },
    },
    {
        "name": "Projected stock below safety stock",
        "kind": "stock_below_safety",
        "severity": "medium",
        "params": {"horizon_weeks": 4},
    },
    {"name": "New sales order", "kind": "new_order", "severity": "low", "params": {}},
]


def load(tenant, stdout):
    morgan = Membership.objects.get(tenant=tenant, user=get_user_model().objects.get(username="morgan"))
    created = 0
    for spec in STORY_RULES:
        if ExceptionRule.objects.filter(tenant=tenant, name=spec["name"], is_deleted=False).exists():
            continue
        with transaction.atomic():
            actions.check_create_rule(morgan, scope={}, min_consecutive_weeks=1, enabled=True, **spec)
        created += 1
    stdout.write(f"Alerts: {created} exception rule(s) created, {len(STORY_RULES) - created} already there")
