"""Plan math against numbers worked out by hand (see each test's comment)."""

import math

import pandas as pd
import pytest

from planning import plan_math as pm

W = pd.date_range("2026-11-23", periods=4, freq="7D")


def demand(rows):
    return pd.DataFrame(rows, columns=pm.DEMAND_COLUMNS).assign(week=lambda d: pd.to_datetime(d["week"]))


def supply(rows):
    return pd.DataFrame(rows, columns=pm.SUPPLY_COLUMNS).assign(week=lambda d: pd.to_datetime(d["week"]))


def stock(rows):
    return pd.DataFrame(rows, columns=pm.STOCK_COLUMNS)


def _row(frame, product, week_index):
    return frame[(frame["product_id"] == product) & (frame["week"] == W[week_index])].iloc[0]


def test_projection_on_hand_plus_cumulative_supply_minus_demand_with_a_missing_week():
    # on hand 100, safety 50; demand 30, 40, (missing = 0), 50; supply 0, 20, 0, 0
    # projected: 70, 50, 50, 0 -> below safety only in week 4 (50 is not below 50)
    d = demand([(1, 9, 1, W[0], 30.0), (1, 9, 1, W[1], 40.0), (1, 9, 1, W[3], 50.0)])
    s = supply([(1, 1, W[1], 20.0)])
    p = pm.projection(d, s, stock([(1, 1, 100.0, 50.0)]), W)
    assert list(p["projected"]) == [70.0, 50.0, 50.0, 0.0]
    assert list(p["below_safety"]) == [False, False, False, True]
    assert list(p["demand"]) == [30.0, 40.0, 0.0, 50.0]


def test_days_of_supply_uses_average_daily_demand_from_that_week_to_the_horizon():
    # forward weekly averages: 30, 30, 25, 50 -> DOS = 70*7/30, 50*7/30, 50*7/25, and 0 when stock is 0
    d = demand([(1, 9, 1, W[0], 30.0), (1, 9, 1, W[1], 40.0), (1, 9, 1, W[3], 50.0)])
    p = pm.projection(d, supply([(1, 1, W[1], 20.0)]), stock([(1, 1, 100.0, 50.0)]), W)
    assert p["days_of_supply"].tolist() == pytest.approx([70 * 7 / 30, 50 * 7 / 30, 14.0, 0.0])


def test_projection_without_inventory_snapshot_starts_from_zero_and_is_flagged():
    p = pm.projection(demand([(2, 9, 1, W[0], 10.0)]), supply([]), stock([]), W)
    assert list(p["projected"]) == [-10.0] * 4
    assert not p["has_snapshot"].any()
    assert p["below_safety"].all()  # -10 < 0
    assert (p["days_of_supply"] == 0).all()


def test_projection_with_stock_and_no_demand_has_infinite_days_of_supply():
    p = pm.projection(demand([]), supply([]), stock([(3, 1, 5.0, 0.0)]), W)
    assert list(p["projected"]) == [5.0] * 4
    assert all(math.isinf(v) for v in p["days_of_supply"])


def test_projection_sums_customers_into_the_facility():
    d = demand([(1, 7, 1, W[0], 1200.0), (1, 8, 1, W[0], 800.0)])
    p = pm.projection(d, supply([(1, 1, W[0], 2000.0)]), stock([(1, 1, 6000.0, 2500.0)]), W[:1])
    assert _row(p, 1, 0)["demand"] == 2000.0
    assert _row(p, 1, 0)["projected"] == 6000.0


def test_below_safety_weeks_counts_and_first_week():
    d = demand([(1, 9, 1, W[1], 80.0)])
    p = pm.projection(d, supply([]), stock([(1, 1, 100.0, 50.0)]), W)
    below = pm.below_safety_weeks(p)
    assert below.iloc[0]["weeks_below"] == 3
    assert below.iloc[0]["first_week_below"] == W[1]


def _acc_frames(actuals):
    f = demand([(1, 9, 1, W[i], 100.0) for i in range(4)])
    a = demand([(1, 9, 1, W[i], q) for i, q in actuals])
    return f, a


def test_accuracy_measures_match_hand_computation():
    # F = 100 x4, A = 80, 120, 0, 100; e = F - A = 20, -20, 100, 0
    # MAPE over weeks with sales: (20/80 + 20/120 + 0/100) / 3 = 13.889 %
    # WMAPE = 140 / 300 = 46.667 %; bias = +100 (33.333 %); MAD = 35; TS = -100 / 35 = -2.857
    f, a = _acc_frames([(0, 80.0), (1, 120.0), (2, 0.0), (3, 100.0)])
    r = pm.accuracy(f, a, ["product_id"]).iloc[0]
    assert r["mape"] == pytest.approx(13.8889, abs=1e-3)
    assert r["wmape"] == pytest.approx(46.6667, abs=1e-3)
    assert r["bias"] == pytest.approx(100.0)
    assert r["bias_pct"] == pytest.approx(33.3333, abs=1e-3)
    assert r["tracking_signal"] == pytest.approx(-100 / 35)
    assert r["weeks"] == 4


def test_accuracy_missing_actual_week_counts_as_zero_sales():
    f, a = _acc_frames([(0, 80.0), (1, 120.0), (3, 100.0)])  # week 3 has no actual row
    r = pm.accuracy(f, a, ["product_id"]).iloc[0]
    assert r["wmape"] == pytest.approx(46.6667, abs=1e-3)
    assert r["weeks"] == 4


def test_accuracy_with_zero_actuals_has_no_mape_or_wmape_but_a_bias():
    f = demand([(1, 9, 1, W[0], 10.0), (1, 9, 1, W[1], 10.0)])
    a = demand([(1, 9, 1, W[0], 0.0), (1, 9, 1, W[1], 0.0)])
    r = pm.accuracy(f, a, ["product_id"]).iloc[0]
    assert math.isnan(r["mape"]) and math.isnan(r["wmape"])
    assert r["bias"] == 20.0
    assert r["tracking_signal"] == pytest.approx(-2.0)  # sum(A - F) = -20, MAD = 10


def test_accuracy_perfect_forecast_has_zero_tracking_signal():
    f, a = _acc_frames([(i, 100.0) for i in range(4)])
    r = pm.accuracy(f, a, ["product_id"]).iloc[0]
    assert r["mape"] == 0 and r["wmape"] == 0 and r["tracking_signal"] == 0


def test_accuracy_ignores_forecast_weeks_outside_the_actuals_period():
    f, a = _acc_frames([(0, 100.0), (1, 100.0)])
    assert pm.accuracy(f, a, ["product_id"]).iloc[0]["weeks"] == 2


def test_naive_forecast_is_the_mean_of_the_previous_weeks():
    weeks = pd.date_range("2026-01-05", periods=5, freq="7D")
    a = demand([(1, 9, 1, w, q) for w, q in zip(weeks, [10.0, 20.0, 30.0, 40.0, 50.0], strict=True)])
    f = pm.naive_forecast(a, ["product_id"], window=2)
    assert f["qty"].tolist() == [15.0, 25.0, 35.0]
    assert f["week"].tolist() == list(weeks[2:])


def test_version_delta_marks_changed_cells_and_percentages():
    cur = demand([(1, 7, 1, W[3], 4800.0), (1, 7, 1, W[2], 1200.0)])
    prev = demand([(1, 7, 1, W[3], 1200.0), (1, 7, 1, W[2], 1200.0), (2, 7, 1, W[2], 10.0)])
    d = pm.version_delta(cur, prev, ["product_id", "customer_id", "facility_id"])
    changed = d[d["changed"]].set_index("product_id")
    assert changed.loc[1, "delta"] == 3600.0
    assert changed.loc[1, "delta_pct"] == pytest.approx(300.0)
    assert changed.loc[2, "delta"] == -10.0  # a cell gone from the new version counts as 0
    assert int(d["changed"].sum()) == 2


def test_accuracy_over_time_per_month():
    # November: F 100, 100 vs A 80, 120 -> WMAPE 40/200 = 20 %; December: F 100 vs A 50 -> 100 %, bias +100 %
    weeks = pd.to_datetime(["2026-11-02", "2026-11-09", "2026-12-07"])
    f = demand([(1, 9, 1, w, 100.0) for w in weeks])
    a = demand([(1, 9, 1, weeks[0], 80.0), (1, 9, 1, weeks[1], 120.0), (1, 9, 1, weeks[2], 50.0)])
    r = pm.accuracy_over_time(f, a, freq="M")
    assert list(r["period"]) == list(pd.to_datetime(["2026-11-01", "2026-12-01"]))
    assert r["wmape"].tolist() == pytest.approx([20.0, 100.0])
    assert r["bias_pct"].tolist() == pytest.approx([0.0, 100.0])


def test_all_line_adds_the_series_absolute_errors_instead_of_netting_them():
    # product 1 over-forecast by 50 each week, product 2 under-forecast by 50: netted, "All" would be 0 %
    f = demand([(1, 9, 1, W[i], 150.0) for i in range(2)] + [(2, 9, 1, W[i], 50.0) for i in range(2)])
    a = demand([(p, 9, 1, W[i], 100.0) for p in (1, 2) for i in range(2)])
    per_product = pm.accuracy(f, a, ["product_id"], series=pm.SERIES)
    total = pm.accuracy(f, a, [], series=pm.SERIES).iloc[0]
    assert per_product["wmape"].tolist() == pytest.approx([50.0, 50.0])
    assert total["wmape"] == pytest.approx(50.0)  # 200 / 400, not |0| / 400
    assert total["bias"] == 0.0 and total["weeks"] == 2
    assert pm.accuracy(f, a, [])["wmape"].iloc[0] == 0.0  # what netting at the total level would say


def test_a_week_with_sales_but_no_forecast_is_left_out_and_counted_not_read_as_zero():
    # forecast for weeks 0 and 1 only; actuals for weeks 0-3
    f = demand([(1, 9, 1, W[0], 100.0), (1, 9, 1, W[1], 100.0)])
    a = demand([(1, 9, 1, W[i], 100.0) for i in range(4)])
    r = pm.accuracy(f, a, ["product_id"], series=pm.SERIES).iloc[0]
    assert r["wmape"] == 0.0 and r["bias"] == 0.0  # weeks 2 and 3 are not errors of 100 each
    assert r["weeks"] == 2 and r["unforecast_weeks"] == 2
    assert r["actual"] == 200.0  # only the judged weeks' actuals are in the denominator


def test_a_series_never_forecast_shows_no_figures_but_its_left_out_weeks():
    f = demand([(1, 9, 1, W[0], 100.0)])
    a = demand([(1, 9, 1, W[0], 100.0), (2, 9, 1, W[0], 70.0)])
    rows = pm.accuracy(f, a, ["product_id"], series=pm.SERIES).set_index("product_id")
    assert rows.loc[2, "weeks"] == 0 and rows.loc[2, "unforecast_weeks"] == 1
    assert math.isnan(rows.loc[2, "wmape"]) and math.isnan(rows.loc[2, "bias"])
