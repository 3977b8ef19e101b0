"""STORY.md step 1: the rules Morgan has configured (idempotent), and one alert already open when a
newcomer first looks: a wholesaler's big order Alex typed into the demand draft, far from the story's
cell (another customer, product and depot), which the demand-spike rule flags once evaluated.
"""

import datetime as dt

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from planning import weeks as wk
from planning.actions import check_set_cell
from planning.cells import CellObjects
from planning.demo import STORY_CUSTOMER, STORY_FACILITY, STORY_PRODUCT
from planning.models import PlanChange, PlanEntry, PlanType
from planning.selectors import working_version
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

    _open_alert(tenant, stdout)


OPEN_ALERT_REASON = "Wholesaler confirmed a one-off order for their store openings"


def _open_alert(tenant, stdout):
    """Triple one week of a non-story series in the demand draft, as Alex with a reason; the change asks
    for rule evaluation like any other (the worker, or inline tasks under `make run`, raise the alert)."""
    alex = (
        Membership.objects.filter(tenant=tenant, user__username="alex")
        .select_related("user", "tenant")
        .first()
    )
    draft = working_version(tenant, PlanType.DEMAND)
    if alex is None or draft is None or not draft.is_editable:
        return
    if PlanChange.objects.filter(version=draft, reason=OPEN_ALERT_REASON).exists():
        return
    week = wk.week_start(timezone.localdate()) + dt.timedelta(weeks=4)
    entry = (
        PlanEntry.objects.filter(version=draft, week=week, customer__isnull=False, qty__gt=0)
        .exclude(customer__name=STORY_CUSTOMER)
        .exclude(product__name=STORY_PRODUCT)
        .exclude(facility__name=STORY_FACILITY)
        .select_related("product", "customer", "facility")
        .order_by("-qty", "id")
        .first()
    )
    if entry is None:
        return
    objects = CellObjects(product=entry.product, customer=entry.customer, facility=entry.facility)
    with transaction.atomic():
        check_set_cell(
            alex,
            draft,
            objects.cell(week),
            objects,
            value=entry.qty * 3,
            revision=entry.revision,
            reason=OPEN_ALERT_REASON,
        )
    stdout.write(
        f"Alerts: {entry.customer} {entry.product} at {entry.facility} raised to {entry.qty * 3:,.0f} "
        f"in week {week:%d %b} (the demand-spike rule flags it)"
    )
