"""The numbers pages, shaped: compare, projection and accuracy, and the charts on master-data pages.

Reads only (frames from `planning.selectors`, maths from `planning.plan_math`), no HTTP: each function
returns what a template shows, so views stay thin and the shaping can be called outside a request.
"""

import datetime as dt
import math

from django.db.models import Sum

from . import plan_math as pm
from . import selectors
from . import weeks as wk
from .charts import line_chart
from .models import Customer, Facility, PlanType, Product

# --- shared --------------------------------------------------------------------------------------


def names_for(tenant):
    """Display names by id, per kind: product, customer and facility."""
    return {
        "product": dict(Product.objects.filter(tenant=tenant).values_list("pk", "name")),
        "customer": dict(Customer.objects.filter(tenant=tenant).values_list("pk", "name")),
        "facility": dict(Facility.objects.filter(tenant=tenant).values_list("pk", "name")),
    }


# --- compare -------------------------------------------------------------------------------------


# Pages show this many rows of a long list, say so and offer the whole list as a CSV download.
COMPARE_ROWS = 300
BELOW_SAFETY_ROWS = 100


def compare_report(tenant, a, b, limit=COMPARE_ROWS):
    """Totals and the `limit` largest changed cells (all when None) between two versions of a plan."""
    delta, _dims = selectors.compare_versions(a, b)
    changed = delta[delta["changed"]]
    names = names_for(tenant)
    report = {
        "total_a": float(delta["qty"].sum()),
        "total_b": float(delta["qty_prev"].sum()),
        "changed_count": len(changed),
        "cells": len(delta),
        "rows": [
            delta_row(r, names)
            for r in changed.sort_values("delta", key=abs, ascending=False).head(limit).itertuples()
        ],
    }
    report["truncated"] = len(report["rows"]) < report["changed_count"]
    report["total_delta"] = report["total_a"] - report["total_b"]
    return report


def delta_row(r, names):
    raw = getattr(r, "customer_id", None)  # supply versions have no customer column
    cid = int(raw) if isinstance(raw, (int, float)) and not math.isnan(raw) else None
    return {
        "product": names["product"].get(r.product_id),
        "customer": names["customer"].get(cid) if cid else "",
        "facility": names["facility"].get(r.facility_id),
        "week": r.week.date(),
        "a": r.qty,
        "b": r.qty_prev,
        "delta": r.delta,
        "pct": None if math.isnan(r.delta_pct) else r.delta_pct,
    }


# --- projection ----------------------------------------------------------------------------------


def projection_context(tenant, product_ids=None, facility_ids=None):
    demand = selectors.working_version(tenant, PlanType.DEMAND)
    supply = selectors.working_version(tenant, PlanType.SUPPLY)
    proj = selectors.projection_for(
        tenant, demand, supply, product_ids=product_ids, facility_ids=facility_ids
    )
    return demand, supply, proj


def projection_report(tenant, product=None, facility=None, limit=BELOW_SAFETY_ROWS):
    """The projection page: the working versions, where stock falls below safety (the first `limit`
    product x facility rows, all when None), and (for one product) a chart and a table per facility."""
    demand, supply, proj = projection_context(
        tenant, [product.pk] if product else None, [facility.pk] if facility else None
    )
    names = names_for(tenant)
    below = pm.below_safety_weeks(proj) if not proj.empty else None
    summary = []
    if below is not None and not below.empty:
        for r in below.sort_values("first_week_below").head(limit).itertuples():
            summary.append(
                {
                    "product": names["product"].get(r.product_id),
                    "product_id": r.product_id,
                    "facility": names["facility"].get(r.facility_id),
                    "facility_id": r.facility_id,
                    "weeks": r.weeks_below,
                    "first": r.first_week_below.date(),
                }
            )
    charts, tables = [], []
    if product is not None:
        for fid, part in proj.groupby("facility_id"):
            labels = [wk.label(w.date()) for w in part["week"]]
            charts.append(
                line_chart(
                    labels,
                    [
                        ("Projected stock", list(part["projected"])),
                        ("Safety stock", list(part["safety_stock"])),
                    ],
                    title=f"{product.name} at {names['facility'].get(fid)}",
                    dashed={"Safety stock"},
                )
            )
            tables.append({"facility": names["facility"].get(fid), "rows": part.to_dict("records")})
    below_count = 0 if below is None else len(below)
    return {
        "demand": demand,
        "supply": supply,
        "summary": summary,
        "below_count": below_count,
        "truncated": len(summary) < below_count,
        "charts": charts,
        "tables": tables,
    }


# --- accuracy ------------------------------------------------------------------------------------


def accuracy_context(tenant, product_ids=None, customer_ids=None, by=("product_id",)):
    w0 = wk.this_week()
    actuals = selectors.actuals_frame(tenant, product_ids=product_ids, customer_ids=customer_ids)
    forecast = selectors.frozen_forecast_frame(tenant, product_ids=product_ids, before=w0)
    if customer_ids is not None and not forecast.empty:
        forecast = forecast[forecast["customer_id"].isin(customer_ids)]
    source = "frozen plans"
    if forecast.empty:
        forecast = pm.naive_forecast(actuals, ["product_id", "customer_id", "facility_id"])
        source = "4-week moving average (no frozen plan covers past weeks)"
    if not forecast.empty:
        # judge the forecast only on the weeks it covers
        actuals = actuals[actuals["week"] >= forecast["week"].min()]
    result = pm.accuracy(forecast, actuals, list(by), series=pm.SERIES)
    return result, forecast, actuals, source


def accuracy_report(tenant, by):
    """The accuracy page, per product (`by="product_id"`) or per customer (`by="customer_id"`)."""
    result, forecast, actuals, source = accuracy_context(tenant, by=(by,))
    names = names_for(tenant)["product" if by == "product_id" else "customer"]
    rows = [
        {"name": names.get(r[by]), "id": r[by], **r}
        for r in result.sort_values("wmape", ascending=False).to_dict("records")
    ]
    total = pm.accuracy(forecast, actuals, [], series=pm.SERIES).to_dict("records")
    weekly_a = actuals.groupby("week")["qty"].sum()
    weekly_f = forecast.groupby("week")["qty"].sum().reindex(weekly_a.index)
    chart = line_chart(
        [wk.label(w.date()) for w in weekly_a.index],
        [("Actual", list(weekly_a)), ("Forecast", [None if math.isnan(v) else v for v in weekly_f])],
        title="Plan vs actuals, all products",
    )
    return {
        "rows": rows,
        "total": total[0] if total else None,
        "source": source,
        "chart": chart,
        "over_time": accuracy_over_time_chart(forecast, actuals),
    }


def accuracy_over_time_chart(forecast, actuals):
    monthly = pm.accuracy_over_time(forecast, actuals, freq="M", series=pm.SERIES)
    if monthly.empty:
        return ""
    labels = [p.strftime("%b %Y") for p in monthly["period"]]
    return line_chart(
        labels,
        [("WMAPE %", list(monthly["wmape"])), ("Bias %", list(monthly["bias_pct"]))],
        title="Forecast accuracy per month",
    )


# --- master-data pages ---------------------------------------------------------------------------


def product_report(tenant, product):
    """A product's page: projected stock per facility and its forecast accuracy."""
    demand, supply, proj = projection_context(tenant, [product.pk])
    facilities = dict(Facility.objects.filter(tenant=tenant).values_list("pk", "name"))
    charts = []
    for fid, part in proj.groupby("facility_id"):
        charts.append(
            line_chart(
                [wk.label(w.date()) for w in part["week"]],
                [("Projected stock", list(part["projected"])), ("Safety stock", list(part["safety_stock"]))],
                title=f"Projected stock at {facilities.get(fid)}",
                dashed={"Safety stock"},
            )
        )
    result, forecast, actuals, source = accuracy_context(tenant, product_ids=[product.pk], by=())
    return {
        "charts": charts,
        "accuracy": result.to_dict("records")[0] if not result.empty else None,
        "accuracy_source": source,
    }


def customer_report(tenant, customer):
    """A customer's page: 26 weeks of actuals against the working demand plan, and forecast accuracy."""
    w0 = wk.this_week()
    acts = selectors.actuals_frame(tenant, customer_ids=[customer.pk], since=w0 - dt.timedelta(weeks=26))
    demand = selectors.demand_frame(
        selectors.working_version(tenant, PlanType.DEMAND), customer_ids=[customer.pk]
    )
    weekly_a = acts.groupby("week")["qty"].sum()
    weekly_d = demand.groupby("week")["qty"].sum()
    weeks = sorted(set(weekly_a.index) | set(weekly_d.index))
    chart = line_chart(
        [wk.label(w.date()) for w in weeks],
        [("Actual", [weekly_a.get(w) for w in weeks]), ("Plan", [weekly_d.get(w) for w in weeks])],
        title=f"{customer.name}: actuals and plan",
    )
    result, *_rest = accuracy_context(tenant, customer_ids=[customer.pk], by=())
    return {
        "charts": [chart],
        "accuracy": result.to_dict("records")[0] if not result.empty else None,
    }


def facility_report(tenant, facility):
    """A facility's page: its products' lowest projected stock, and supply against capacity."""
    demand, supply, proj = projection_context(tenant, facility_ids=[facility.pk])
    names = dict(Product.objects.filter(tenant=tenant).values_list("pk", "name"))
    low = []
    if not proj.empty:
        agg = (
            proj.groupby("product_id")
            .agg(lowest=("projected", "min"), safety=("safety_stock", "max"), below=("below_safety", "sum"))
            .reset_index()
        )
        for r in agg.sort_values("below", ascending=False).head(60).itertuples():
            low.append(
                {
                    "product": names.get(r.product_id),
                    "product_id": r.product_id,
                    "lowest": r.lowest,
                    "safety": r.safety,
                    "below": int(r.below),
                }
            )
    cap = list(facility.capacities.order_by("week")[:26])
    load = {}
    if supply is not None:
        load = dict(
            supply.entries.filter(facility=facility)
            .values("week")
            .annotate(total=Sum("qty"))
            .values_list("week", "total")
        )
    charts = []
    if cap:
        charts.append(
            line_chart(
                [wk.label(c.week) for c in cap],
                [
                    ("Supply", [float(load.get(c.week, 0)) for c in cap]),
                    ("Capacity", [float(c.capacity) for c in cap]),
                ],
                title=f"{facility.name}: supply against capacity",
                dashed={"Capacity"},
            )
        )
    return {"stock_rows": low, "charts": charts}
