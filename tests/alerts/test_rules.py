"""Each rule kind against hand-computed expectations, boundaries included."""

import math

import pandas as pd
import pytest

from alerts.evaluation import rules
from alerts.evaluation.windows import merge_consecutive
from alerts.kinds import clean_params

W0 = pd.Timestamp("2026-11-23")  # a Monday: week W+0


def w(n):
    return W0 + pd.Timedelta(weeks=n)


def demand(rows):
    return pd.DataFrame(rows, columns=["product_id", "customer_id", "facility_id", "week", "qty"])


def projection(rows):
    return pd.DataFrame(
        rows, columns=["product_id", "facility_id", "week", "projected", "safety_stock", "days_of_supply"]
    )


SPIKE = clean_params("demand_change", {"change_pct": 50, "horizon_weeks": 8})


def test_the_story_spike_4800_vs_1200_is_plus_300_percent():
    prev = demand([(1, 7, 3, w(k), 1200) for k in range(6)])
    cur = demand([(1, 7, 3, w(k), 4800 if k == 3 else 1200) for k in range(6)])
    found = rules.demand_change(cur, prev, SPIKE, W0)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row.product_id, row.customer_id, row.facility_id) == (1, 7, 3)
    assert (row.start, row.end, row.weeks) == (w(3), w(3), 1)
    assert (row.value, row.reference, row.change_pct) == (4800, 1200, 300.0)


def test_exactly_at_the_threshold_does_not_fire_and_just_above_does():
    prev = demand([(1, 7, 3, w(1), 1000)])
    assert rules.demand_change(demand([(1, 7, 3, w(1), 1500)]), prev, SPIKE, W0).empty  # +50.0% exactly
    assert len(rules.demand_change(demand([(1, 7, 3, w(1), 1501)]), prev, SPIKE, W0)) == 1


def test_zero_previous_demand_is_an_infinite_increase_and_a_missing_week_counts_as_zero():
    prev = demand([(1, 7, 3, w(1), 0)])  # w(2) missing from previous entirely
    cur = demand([(1, 7, 3, w(1), 10), (1, 7, 3, w(2), 20)])
    found = rules.demand_change(cur, prev, SPIKE, W0)
    assert len(found) == 1 and (found.iloc[0].start, found.iloc[0].end) == (w(1), w(2))
    assert math.isinf(found.iloc[0].change_pct) and found.iloc[0].value == 30


def test_both_zero_never_fires_and_min_abs_change_filters_small_moves():
    assert rules.demand_change(demand([(1, 7, 3, w(1), 0)]), demand([(1, 7, 3, w(1), 0)]), SPIKE, W0).empty
    params = {**SPIKE, "min_abs_change": 100.0}
    prev = demand([(1, 7, 3, w(1), 10), (2, 7, 3, w(1), 1000)])
    cur = demand([(1, 7, 3, w(1), 100), (2, 7, 3, w(1), 1600)])  # +90 units (900%) vs +600 units (60%)
    assert list(rules.demand_change(cur, prev, params, W0)["product_id"]) == [2]


def test_down_direction_and_the_horizon_window():
    params = {**SPIKE, "direction": "down", "horizon_weeks": 2}
    prev = demand([(1, 7, 3, w(k), 1000) for k in range(4)])
    cur = demand([(1, 7, 3, w(k), 400) for k in range(4)])  # -60% every week, but only W+0..W+1 are in view
    found = rules.demand_change(cur, prev, params, W0)
    assert (found.iloc[0].start, found.iloc[0].end, found.iloc[0].weeks) == (w(0), w(1), 2)
    assert found.iloc[0].change_pct == -60.0
    assert rules.demand_change(cur, prev, {**params, "direction": "up"}, W0).empty


def test_total_level_sums_customers_before_comparing():
    params = {**SPIKE, "level": "total"}
    prev = demand([(1, 7, 3, w(1), 1000), (1, 8, 3, w(1), 1000)])
    cur = demand([(1, 7, 3, w(1), 2500), (1, 8, 3, w(1), 400)])  # customer 7 +150%, but total 2900 vs 2000
    assert rules.demand_change(cur, prev, params, W0).empty
    assert len(rules.demand_change(cur, prev, SPIKE, W0)) == 1


def test_consecutive_weeks_merge_and_min_consecutive_weeks_applies():
    prev = demand([(1, 7, 3, w(k), 100) for k in range(6)])
    cur = demand([(1, 7, 3, w(k), 300 if k in (1, 2, 4) else 100) for k in range(6)])
    found = rules.demand_change(cur, prev, SPIKE, W0)
    assert [(r.start, r.end, r.value, r.reference) for r in found.itertuples()] == [
        (w(1), w(2), 600, 200),
        (w(4), w(4), 300, 100),
    ]
    assert len(rules.demand_change(cur, prev, SPIKE, W0, min_weeks=2)) == 1


def test_stock_below_safety_within_the_horizon_only():
    params = clean_params("stock_below_safety", {"horizon_weeks": 4})
    proj = projection(
        [
            (1, 3, w(0), 6000, 2500, 20),
            (1, 3, w(1), 6000, 2500, 20),
            (1, 3, w(2), 6000, 2500, 20),
            (1, 3, w(3), 2400, 2500, 8),
            (1, 3, w(4), 2400, 2500, 8),  # W+4 is outside a 4-week horizon
            (2, 3, w(1), 2500, 2500, 9),  # exactly at safety stock: not below
        ]
    )
    found = rules.stock_below_safety(proj, params, W0)
    assert len(found) == 1
    row = found.iloc[0]
    assert (row.product_id, row.facility_id, row.start, row.end, row.value, row.reference) == (
        1,
        3,
        w(3),
        w(3),
        2400,
        2500,
    )
    assert row.magnitude == 100


def test_stockout_is_strictly_below_zero():
    params = clean_params("stockout", {"horizon_weeks": 8})
    proj = projection([(1, 3, w(1), 0, 100, 0), (1, 3, w(2), -5, 100, 0), (1, 3, w(3), -50, 100, 0)])
    found = rules.stockout(proj, params, W0)
    assert (found.iloc[0].start, found.iloc[0].end, found.iloc[0].value, found.iloc[0].magnitude) == (
        w(2),
        w(3),
        -50,
        50,
    )


def test_excess_days_of_supply_above_the_maximum():
    params = clean_params("excess", {"max_days_of_supply": 60, "horizon_weeks": 4})
    proj = projection(
        [
            (1, 3, w(0), 9000, 100, 60.0),
            (1, 3, w(1), 9000, 100, 61.0),
            (2, 3, w(1), 9000, 100, float("inf")),
            (3, 3, w(1), 0, 100, float("nan")),
        ]
    )
    found = rules.excess(proj, params, W0)
    assert sorted(found["product_id"]) == [
        1,
        2,
    ]  # exactly 60 does not fire; no demand (inf) does; NaN does not


def test_capacity_overload_ignores_weeks_without_capacity():
    params = clean_params("capacity_overload", {"utilisation_pct": 100, "horizon_weeks": 8})
    supply = pd.DataFrame(
        [(1, 9, w(1), 600), (2, 9, w(1), 500), (1, 9, w(2), 1000), (1, 9, w(3), 5000)],
        columns=["product_id", "facility_id", "week", "qty"],
    )
    capacity = pd.DataFrame([(9, w(1), 1000), (9, w(2), 1000)], columns=["facility_id", "week", "capacity"])
    found = rules.capacity_overload(supply, capacity, params, W0)
    assert [(r.start, r.end, r.value, r.reference) for r in found.itertuples()] == [(w(1), w(1), 1100, 1000)]


def test_forecast_accuracy_thresholds_on_mape_and_absolute_tracking_signal():
    acc = pd.DataFrame(
        [(1, w(-8), w(-1), 8, 30.0, 1.0), (2, w(-8), w(-1), 8, 31.0, -4.5)],
        columns=["product_id", "start", "end", "weeks", "mape", "tracking_signal"],
    )
    mape = clean_params("forecast_accuracy", {"metric": "mape", "threshold": 30, "weeks": 8})
    assert list(rules.forecast_accuracy(acc, mape)["product_id"]) == [2]
    ts = clean_params("forecast_accuracy", {"metric": "tracking_signal", "threshold": 4, "weeks": 8})
    assert list(rules.forecast_accuracy(acc, ts)["value"]) == [-4.5]


def test_large_order_against_the_median_of_history():
    params = clean_params("large_order", {"multiple": 3, "min_history": 3})
    history = pd.DataFrame(
        [(7, 1, q) for q in (1000, 1200, 1100)] + [(7, 2, 50), (7, 2, 60)],
        columns=["customer_id", "product_id", "qty"],
    )
    lines = pd.DataFrame(
        [(90, 7, 1, 3, 3600), (91, 7, 1, 3, 3300), (92, 7, 2, 3, 1000)],
        columns=["order_id", "customer_id", "product_id", "facility_id", "qty"],
    )
    found = rules.large_order(lines, history, params)
    # median 1,100: 3,600 > 3,300 fires, 3,300 is exactly 3x and does not; product 2 has too little history
    assert list(found["order_id"]) == [90] and found.iloc[0].reference == 1100


def test_merge_consecutive_keeps_slices_apart():
    flagged = pd.DataFrame([(1, w(1)), (2, w(2)), (1, w(2))], columns=["product_id", "week"])
    runs = merge_consecutive(flagged, ["product_id"])
    assert [(r.product_id, r.start, r.end) for r in runs.itertuples()] == [(1, w(1), w(2)), (2, w(2), w(2))]


@pytest.mark.parametrize(
    "kind,params,field",
    [
        ("stock_below_safety", {"horizon_weeks": -1}, "horizon_weeks"),
        ("stock_below_safety", {"horizon_weeks": 2.5}, "horizon_weeks"),
        ("demand_change", {"change_pct": "lots"}, "change_pct"),
        ("demand_change", {"direction": "sideways"}, "direction"),
        ("excess", {"max_days_of_supply": "NaN"}, "max_days_of_supply"),
        ("new_order", {"surprise": 1}, "surprise"),
    ],
)
def test_bad_parameters_name_the_field(kind, params, field):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as error:
        clean_params(kind, params)
    assert field in error.value.message_dict
