"""Each rule kind as a vectorised function: frames + parameters -> findings.

A findings frame has the kind's dimension columns (see alerts.kinds) and:
  start, end  first and last week of the window (NaT for order kinds)
  weeks       number of weeks in the window
  value       the number that tripped the rule (e.g. new demand, lowest projected stock)
  reference   what it is compared with (previous demand, safety stock, capacity, typical order)
  change_pct  value against reference in % (NaN where it does not apply; inf for "from zero")
  magnitude   how bad it is, larger is worse (used to escalate)
Thresholds are strict: a value exactly at the threshold does not fire.
"""

import numpy as np
import pandas as pd

from .windows import merge_consecutive

FINDING_COLUMNS = ["start", "end", "weeks", "value", "reference", "change_pct", "magnitude"]


def _empty(dims):
    return pd.DataFrame(columns=[*dims, *FINDING_COLUMNS])


def _within(frame, first_week, horizon_weeks):
    last = first_week + pd.Timedelta(weeks=horizon_weeks)
    return frame[(frame["week"] >= first_week) & (frame["week"] < last)]


def _pct(value, reference):
    with np.errstate(divide="ignore", invalid="ignore"):
        pct = np.where(
            reference > 0,
            (value - reference) / np.where(reference > 0, reference, 1) * 100,
            np.where(value > 0, np.inf, 0.0),
        )
    return pct


def demand_change_nothing():
    return _empty(["product_id", "customer_id", "facility_id"])


def demand_change(current, previous, params, first_week, min_weeks=1):
    """`current`/`previous`: product_id, customer_id, facility_id, week, qty."""
    dims = ["product_id", "customer_id", "facility_id"] if params["level"] == "customer" else ["product_id"]
    cur = (
        _within(current, first_week, params["horizon_weeks"])
        .groupby([*dims, "week"], as_index=False)["qty"]
        .sum()
    )
    prev = (
        _within(previous, first_week, params["horizon_weeks"])
        .groupby([*dims, "week"], as_index=False)["qty"]
        .sum()
    )
    both = cur.merge(prev, on=[*dims, "week"], how="outer", suffixes=("", "_prev")).fillna(
        {"qty": 0, "qty_prev": 0}
    )
    change = both["qty"] - both["qty_prev"]
    pct = _pct(both["qty"].to_numpy(float), both["qty_prev"].to_numpy(float))
    up = (change > 0) & (pct > params["change_pct"])
    down = (change < 0) & (-pct > params["change_pct"])
    fired = {"up": up, "down": down, "both": up | down}[params["direction"]]
    fired &= change.abs() > params["min_abs_change"] if params["min_abs_change"] > 0 else change.abs() > 0
    flagged = both[fired]
    runs = merge_consecutive(
        flagged, dims, min_weeks, agg={"value": ("qty", "sum"), "reference": ("qty_prev", "sum")}
    )
    if runs.empty:
        return _empty(dims)
    runs["change_pct"] = _pct(runs["value"].to_numpy(float), runs["reference"].to_numpy(float))
    runs["magnitude"] = (runs["value"] - runs["reference"]).abs()
    if params["level"] == "total":
        runs["customer_id"] = np.nan
        runs["facility_id"] = np.nan
    return runs


def _projection_rule(projection, params, first_week, min_weeks, condition, value_col, reference):
    window = _within(projection, first_week, params["horizon_weeks"])
    flagged = window[condition(window)]
    dims = ["product_id", "facility_id"]
    runs = merge_consecutive(
        flagged, dims, min_weeks, agg={"value": (value_col, "min"), "reference": (reference, "max")}
    )
    if runs.empty:
        return _empty(dims)
    runs["change_pct"] = _pct(runs["value"].to_numpy(float), runs["reference"].to_numpy(float))
    return runs


def stock_below_safety(projection, params, first_week, min_weeks=1):
    """`projection`: product_id, facility_id, week, projected, safety_stock (, days_of_supply)."""
    runs = _projection_rule(
        projection,
        params,
        first_week,
        min_weeks,
        lambda f: f["projected"] < f["safety_stock"],
        "projected",
        "safety_stock",
    )
    runs["magnitude"] = runs["reference"] - runs["value"]
    return runs


def stockout(projection, params, first_week, min_weeks=1):
    runs = _projection_rule(
        projection, params, first_week, min_weeks, lambda f: f["projected"] < 0, "projected", "safety_stock"
    )
    runs["magnitude"] = -runs["value"]
    return runs


def excess(projection, params, first_week, min_weeks=1):
    limit = params["max_days_of_supply"]
    window = _within(projection, first_week, params["horizon_weeks"])
    flagged = window[window["days_of_supply"] > limit].assign(limit=limit)
    runs = merge_consecutive(
        flagged,
        ["product_id", "facility_id"],
        min_weeks,
        agg={"value": ("days_of_supply", "max"), "reference": ("limit", "first")},
    )
    if runs.empty:
        return _empty(["product_id", "facility_id"])
    runs["change_pct"] = _pct(runs["value"].to_numpy(float), runs["reference"].to_numpy(float))
    runs["magnitude"] = runs["value"].replace(np.inf, 1e12) - runs["reference"]
    return runs


def capacity_overload(
    supply, capacity, params, first_week, min_weeks=1, resource_loads=None, resource_capacity=None
):
    """Facility level: `supply` (product_id, facility_id, week, qty) summed per facility against
    `capacity` (facility_id, week, capacity). Resource level, when given: `resource_loads` (resource_id,
    facility_id, product_id, usage) turns each product's planned supply at the resource's facility into
    load, summed per resource against `resource_capacity` (resource_id, week, capacity). Weeks without a
    capacity row are not judged (unknown is not overloaded)."""
    supply = _within(supply, first_week, params["horizon_weeks"])
    limit = params["utilisation_pct"] / 100
    found = []
    load = supply.groupby(["facility_id", "week"], as_index=False)["qty"].sum()
    both = load.merge(capacity, on=["facility_id", "week"], how="inner")
    flagged = both[both["qty"] > both["capacity"] * limit]
    found.append(
        merge_consecutive(
            flagged,
            ["facility_id"],
            min_weeks,
            agg={"value": ("qty", "max"), "reference": ("capacity", "max")},
        )
    )
    if resource_loads is not None and resource_capacity is not None and not resource_loads.empty:
        used = supply.merge(resource_loads, on=["product_id", "facility_id"], how="inner")
        used = used.assign(load=used["qty"] * used["usage"])
        per_resource = used.groupby(["resource_id", "facility_id", "week"], as_index=False)["load"].sum()
        both = per_resource.merge(resource_capacity, on=["resource_id", "week"], how="inner")
        flagged = both[both["load"] > both["capacity"] * limit]
        found.append(
            merge_consecutive(
                flagged,
                ["resource_id", "facility_id"],
                min_weeks,
                agg={"value": ("load", "max"), "reference": ("capacity", "max")},
            )
        )
    found = [f for f in found if not f.empty]
    if not found:
        return _empty(["resource_id", "facility_id"])
    runs = pd.concat(found, ignore_index=True)
    runs["change_pct"] = _pct(runs["value"].to_numpy(float), runs["reference"].to_numpy(float))
    runs["magnitude"] = runs["value"] - runs["reference"]
    return runs


def forecast_accuracy(accuracy, params):
    """`accuracy`: product_id, start, end, weeks, mape, tracking_signal (from planning's accuracy maths)."""
    metric, threshold = params["metric"], params["threshold"]
    values = accuracy[metric].abs() if metric == "tracking_signal" else accuracy[metric]
    found = accuracy[values > threshold].copy()
    if found.empty:
        return _empty(["product_id"])
    found["value"] = found[metric]
    found["reference"] = threshold
    found["change_pct"] = np.nan
    found["magnitude"] = found["value"].abs()
    return found[["product_id", *FINDING_COLUMNS]].reset_index(drop=True)


def large_order(lines, history, params):
    """`lines`: the order lines to judge (order_id, customer_id, product_id, facility_id, qty);
    `history`: earlier lines (customer_id, product_id, qty) they are compared with."""
    stats = (
        history.groupby(["customer_id", "product_id"])["qty"].agg(typical="median", n="size").reset_index()
    )
    judged = lines.merge(stats, on=["customer_id", "product_id"], how="inner")
    judged = judged[
        (judged["n"] >= params["min_history"]) & (judged["qty"] > params["multiple"] * judged["typical"])
    ]
    if judged.empty:
        return _empty(["order_id", "product_id"])
    found = judged.assign(value=judged["qty"], reference=judged["typical"], start=pd.NaT, end=pd.NaT, weeks=0)
    found["change_pct"] = _pct(found["value"].to_numpy(float), found["reference"].to_numpy(float))
    found["magnitude"] = found["value"] / found["reference"]
    return found[["order_id", "product_id", "customer_id", "facility_id", *FINDING_COLUMNS]].reset_index(
        drop=True
    )


def new_order(orders, params):
    """`orders`: order_id, customer_id, qty (total cases) of the orders that arrived."""
    if orders.empty:
        return _empty(["order_id"])
    found = orders.assign(
        value=orders["qty"],
        reference=np.nan,
        start=pd.NaT,
        end=pd.NaT,
        weeks=0,
        change_pct=np.nan,
        magnitude=0.0,
    )
    return found[["order_id", "customer_id", *FINDING_COLUMNS]].reset_index(drop=True)
