"""Evaluate rules: load the frames a rule needs for the slice, run its vectorised check, apply findings.

Entry points: `evaluate_rule` (one rule, a slice or everything) and `preview_rule` (what a rule would
raise now, without writing anything). Planning's outbox rows are consumed by `outbox.process_pending`,
which runs every enabled rule over the changed slice through `evaluate_rule`.
"""

import logging

import pandas as pd
from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from planning import plan_math as pm
from planning import selectors as ps
from planning import weeks as wk
from planning.cells import Cell
from planning.models import OrderStatus, PlanType

from ..models import ExceptionRule
from . import frames, rules
from .apply import Context, apply_findings, describe, parse_key
from .cache import frozen, shared

log = logging.getLogger(__name__)
OPEN_ORDER_STATUSES = (OrderStatus.OPEN, OrderStatus.CONFIRMED)
PAST_ORDER_STATUSES = (OrderStatus.SHIPPED,)


def _filters(sl, customers=True):
    # Always the same three keys (None = no restriction), so equal filters share one loaded frame.
    return {
        "product_ids": sl.product_ids,
        "facility_ids": sl.facility_ids,
        "customer_ids": sl.customer_ids if customers else None,
    }


def _plan_frame(kind, version, filters):
    """A demand or supply frame, loaded once per evaluation pass (see cache.py)."""
    load = ps.demand_frame if kind == "demand" else ps.supply_frame
    key = (kind, version.pk if version else None, *((k, frozen(v)) for k, v in sorted(filters.items())))
    return shared(key, lambda: load(version, **filters))


def _projection(tenant, sl, first_week, horizon_weeks):
    """Projected stock from this week on, for the working demand and supply versions. Stock is about a
    product at a facility, so every customer's demand counts whatever the rule's customer scope."""
    demand_version = ps.working_version(tenant, PlanType.DEMAND)
    supply_version = ps.working_version(tenant, PlanType.SUPPLY)
    filters = _filters(sl, customers=False)
    weeks = list(pd.date_range(first_week, periods=max(horizon_weeks, 1), freq="7D"))
    as_of = (first_week + pd.Timedelta(days=6)).date()
    where = {"product_ids": filters["product_ids"], "facility_ids": filters["facility_ids"]}
    stock_key = ("stock", tenant.pk, as_of, frozen(where["product_ids"]), frozen(where["facility_ids"]))

    def project():
        return pm.projection(
            _plan_frame("demand", demand_version, filters),
            _plan_frame("supply", supply_version, filters),
            shared(stock_key, lambda: ps.stock_frame(tenant, as_of=as_of, **where)),
            weeks,
        )

    # Three rules (below safety, stockout, excess) read the same projection: computed once per pass, it
    # was half of a pass's checking time.
    versions = tuple(v.pk if v else None for v in (demand_version, supply_version))
    key = ("projection", *versions, first_week, len(weeks), *stock_key[1:])
    return shared(key, project), supply_version


def findings_for(rule, sl, first_week):
    """(findings, version_subject_id, link builder) for one rule over one slice. Reads only."""
    p, min_weeks, tenant = rule.params, rule.min_consecutive_weeks, rule.tenant
    if rule.kind == "demand_change":
        version = ps.working_version(tenant, PlanType.DEMAND)
        previous = ps.previous_version(version) if version else None
        if version is None or previous is None:
            return rules.demand_change_nothing(), None, None
        found = rules.demand_change(
            _plan_frame("demand", version, _filters(sl)),
            _plan_frame("demand", previous, _filters(sl)),
            p,
            first_week,
            min_weeks,
        )
        return found, version.subject_id, _grid_link(version)
    if rule.kind in ("stock_below_safety", "stockout", "excess"):
        projection, supply_version = _projection(tenant, sl, first_week, p["horizon_weeks"])
        check = {
            "stock_below_safety": rules.stock_below_safety,
            "stockout": rules.stockout,
            "excess": rules.excess,
        }[rule.kind]
        found = check(projection, p, first_week, min_weeks)
        return found, supply_version.subject_id if supply_version else None, _grid_link(supply_version)
    if rule.kind == "capacity_overload":
        version = ps.working_version(tenant, PlanType.SUPPLY)
        # A load is the sum over every product made at the facility or on the resource: a slice narrowed
        # to the changed products would see part of it (and resolve a live overload), so capacity is
        # judged on whole facilities, whatever the products changed.
        whole = frames.Slice(facility_ids=sl.facility_ids)
        found = rules.capacity_overload(
            _plan_frame("supply", version, _filters(whole, customers=False)),
            frames.capacity(tenant, sl),
            p,
            first_week,
            min_weeks,
            resource_loads=frames.resource_loads(tenant, whole),
            resource_capacity=frames.resource_capacity(tenant, whole),
        )
        return found, version.subject_id if version else None, _grid_link(version)
    if rule.kind == "forecast_accuracy":
        # What was forecast for each of the last N complete weeks (frozen versions) against what shipped.
        since = first_week - pd.Timedelta(weeks=p["weeks"])
        forecast = ps.frozen_forecast_frame(tenant, product_ids=sl.product_ids, before=first_week.date())
        forecast = forecast[forecast["week"] >= since]
        actual = ps.actuals_frame(
            tenant, product_ids=sl.product_ids, customer_ids=sl.customer_ids, since=since.date()
        )
        actual = actual[actual["week"] < first_week]
        if sl.customer_ids is not None:
            forecast = forecast[forecast["customer_id"].isin(sl.customer_ids)]
        # errors per series (product x customer x facility), added up per product: nothing nets out
        per_product = pm.accuracy(forecast, actual, ["product_id"], series=pm.SERIES)
        return rules.forecast_accuracy(per_product, p), None, None
    if rule.kind == "large_order":
        lines = frames.order_lines(tenant, sl, OPEN_ORDER_STATUSES)
        history = frames.order_lines(
            tenant, frames.Slice(sl.product_ids, sl.customer_ids), PAST_ORDER_STATUSES
        )
        return rules.large_order(lines, history, p), None, None
    if rule.kind == "new_order":
        lines = frames.order_lines(tenant, sl, OPEN_ORDER_STATUSES, since=rule.created)
        orders = lines.groupby(["order_id", "customer_id"], as_index=False)["qty"].sum()
        return rules.new_order(orders, p), None, None
    raise ValueError(f"unknown rule kind {rule.kind}")


def _grid_link(version):
    """Links straight to the cell: the grid filtered to the row's customer and facility, anchored on
    the cell of the window's first week (the grid names each cell's <td> by `Cell.dom_id`)."""
    if version is None:
        return None
    base = reverse("planning:grid", kwargs={"tenant_slug": version.tenant.slug, "version_id": version.pk})

    def ident(row, dim):
        value = row.get(dim)
        return int(value) if value is not None and value == value else None

    def link(row):
        product, customer, facility = (ident(row, d) for d in ("product_id", "customer_id", "facility_id"))
        params = "&".join(f"{k}={v}" for k, v in (("customer", customer), ("facility", facility)) if v)
        url = f"{base}?{params}" if params else base
        start = row.get("start")
        if product and facility and start is not None and start == start:
            url += "#" + Cell(product, customer, facility, pd.Timestamp(start).date()).dom_id
        return url

    return link


def _context(rule, findings, sl, first_week, version_subject_id, link):
    subjects, names = frames.subject_maps(rule.tenant, findings)
    return Context(
        subjects=subjects,
        names=names,
        in_slice=lambda key: sl.admits(parse_key(key)),
        version_subject_id=version_subject_id,
        first_week=first_week,
        link=link,
    )


def evaluate_rule(rule, request_scope=None, first_week=None):
    """Evaluate one rule and apply what it finds, in one transaction. Returns the counts."""
    first_week = first_week or pd.Timestamp(wk.this_week())
    with transaction.atomic():
        # of=("self",): lock the rule row only; locking the joined tenant row would block every insert
        # that references the tenant (FK key-share locks) while this transaction waits for the audit lock.
        rule = ExceptionRule.objects.select_for_update(of=("self",)).select_related("tenant").get(pk=rule.pk)
        if not rule.enabled or rule.is_deleted:
            return {"raised": 0, "updated": 0, "escalated": 0, "resolved": 0}
        sl = frames.scope_slice(rule, request_scope)
        found, version_subject_id, link = findings_for(rule, sl, first_week)
        return apply_findings(rule, found, _context(rule, found, sl, first_week, version_subject_id, link))


def preview_rule(member, *, rule=None, **values):
    """What this rule (saved or not) would raise now, as (title, summary) pairs. Writes nothing."""
    probe = ExceptionRule(
        tenant=member.tenant,
        created=rule.created if rule else timezone.now(),
        **{k: v for k, v in values.items() if k != "enabled"},
    )
    first_week = pd.Timestamp(wk.this_week())
    sl = frames.scope_slice(probe)
    found, version_subject_id, link = findings_for(probe, sl, first_week)
    ctx = _context(probe, found, sl, first_week, version_subject_id, link)
    return [describe(probe, row, ctx) for row in found.to_dict("records")]
