"""Plan math in pandas: pure functions over frames, so they are tested with hand-computed numbers.

Frame shapes (shared with the alerts evaluator):
  demand     product_id, customer_id, facility_id, week, qty
  supply     product_id, facility_id, week, qty
  stock      product_id, facility_id, on_hand, safety_stock   (latest snapshot per product x facility)
  projection product_id, facility_id, week, demand, supply, projected, safety_stock, below_safety,
             days_of_supply, has_snapshot
  actuals    product_id, customer_id, facility_id, week, qty
Weeks are pandas Timestamps of ISO week starts.
"""

import numpy as np
import pandas as pd

DEMAND_COLUMNS = ["product_id", "customer_id", "facility_id", "week", "qty"]
SUPPLY_COLUMNS = ["product_id", "facility_id", "week", "qty"]
STOCK_COLUMNS = ["product_id", "facility_id", "on_hand", "safety_stock"]
PROJECTION_COLUMNS = [
    "product_id",
    "facility_id",
    "week",
    "demand",
    "supply",
    "projected",
    "safety_stock",
    "below_safety",
    "days_of_supply",
    "has_snapshot",
]
# The level forecast errors are taken at: a demand series, i.e. one plan cell's row (product x customer x
# facility). Every accuracy figure adds up the series' absolute errors, so that one series' over-forecast
# never cancels another's under-forecast.
SERIES = ["product_id", "customer_id", "facility_id"]
ACCURACY_COLUMNS = [
    "start",
    "end",
    "weeks",
    "unforecast_weeks",
    "actual",
    "forecast",
    "mape",
    "wmape",
    "bias",
    "bias_pct",
    "tracking_signal",
]


def frame(rows, columns):
    """A frame from `values_list` rows (or a frame already read, see planning.frames) with weeks as
    Timestamps and quantities as floats."""
    df = rows if isinstance(rows, pd.DataFrame) else pd.DataFrame(list(rows), columns=columns)
    return _typed(df)


def _typed(df):
    """Empty frames come with object columns; give keys, weeks and numbers their real types."""
    df = df.copy()
    for col in ("product_id", "facility_id", "customer_id"):
        if col in df and df.empty:
            df[col] = df[col].astype("int64")
    if "week" in df:
        df["week"] = pd.to_datetime(df["week"])
    for col in ("qty", "on_hand", "safety_stock", "capacity"):
        if col in df:
            df[col] = df[col].astype(float)
    return df


def projection(demand, supply, stock, weeks):
    """Projected stock per product x facility x week: on hand + cumulative supply - cumulative demand.

    Every product x facility that has demand, supply or a snapshot gets every week in `weeks` (a missing
    week counts as zero). Without a snapshot, on hand and safety stock are 0 (`has_snapshot` False).
    Days of supply in a week = projected stock / average daily demand over the horizon from that week
    on (inf when no demand follows and stock is positive; 0 when stock is 0 or less).
    """
    weeks = pd.DatetimeIndex(pd.to_datetime(list(weeks)))
    if len(weeks) == 0:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    demand, supply, stock = _typed(demand), _typed(supply), _typed(stock)
    dem = demand.groupby(["product_id", "facility_id", "week"])["qty"].sum().rename("demand")
    sup = supply.groupby(["product_id", "facility_id", "week"])["qty"].sum().rename("supply")
    pairs = pd.concat(
        [
            dem.reset_index()[["product_id", "facility_id"]],
            sup.reset_index()[["product_id", "facility_id"]],
            stock[["product_id", "facility_id"]],
        ]
    ).drop_duplicates()
    if pairs.empty:
        return pd.DataFrame(columns=PROJECTION_COLUMNS)
    grid = pairs.merge(pd.DataFrame({"week": weeks}), how="cross")
    grid = grid.merge(dem.reset_index(), how="left", on=["product_id", "facility_id", "week"])
    grid = grid.merge(sup.reset_index(), how="left", on=["product_id", "facility_id", "week"])
    st = stock.assign(has_snapshot=True)
    grid = grid.merge(st, how="left", on=["product_id", "facility_id"])
    grid["has_snapshot"] = grid["has_snapshot"].astype("boolean").fillna(False).astype(bool)
    grid = grid.fillna({"demand": 0.0, "supply": 0.0, "on_hand": 0.0, "safety_stock": 0.0})
    grid = grid.astype({"demand": float, "supply": float, "on_hand": float, "safety_stock": float})
    grid = grid.sort_values(["product_id", "facility_id", "week"]).reset_index(drop=True)
    keys = [grid["product_id"], grid["facility_id"]]
    net = grid["supply"] - grid["demand"]
    grid["projected"] = grid["on_hand"] + net.groupby(keys).cumsum()
    grid["below_safety"] = grid["projected"] < grid["safety_stock"]
    # average weekly demand from this week to the horizon's end (reverse cumulative mean)
    rev = grid.iloc[::-1]
    rkeys = [rev["product_id"], rev["facility_id"]]
    fwd_sum = rev["demand"].groupby(rkeys).cumsum()
    fwd_n = rev["demand"].groupby(rkeys).cumcount() + 1
    daily = (fwd_sum / fwd_n / 7.0).iloc[::-1]
    with np.errstate(divide="ignore", invalid="ignore"):
        dos = np.where(daily > 0, grid["projected"] / daily, np.inf)
    grid["days_of_supply"] = np.where(grid["projected"] <= 0, 0.0, dos)
    return grid[PROJECTION_COLUMNS]


def below_safety_weeks(proj):
    """product_id, facility_id, weeks_below, first_week_below."""
    flagged = proj[proj["below_safety"]]
    return (
        flagged.groupby(["product_id", "facility_id"])
        .agg(weeks_below=("week", "size"), first_week_below=("week", "min"))
        .reset_index()
    )


def version_delta(current, previous, dims):
    """Per `dims` (+ week): qty, qty_prev, delta, delta_pct (NaN where previous is 0). Cells missing on
    one side count as 0; `changed` marks cells that differ."""
    keys = [*dims, "week"]
    cur = current.groupby(keys)["qty"].sum()
    prev = previous.groupby(keys)["qty"].sum().rename("qty_prev")
    both = pd.concat([cur, prev], axis=1).fillna(0.0).reset_index()
    both["delta"] = both["qty"] - both["qty_prev"]
    with np.errstate(divide="ignore", invalid="ignore"):
        both["delta_pct"] = np.where(both["qty_prev"] > 0, both["delta"] / both["qty_prev"] * 100, np.nan)
    both["changed"] = both["delta"] != 0
    return both


def accuracy(forecast, actuals, by, series=None):
    """Forecast accuracy per group in `by`, errors measured per `series` (default: `by`) and week.

    `series` is the level errors are taken at, e.g. ["product_id"] for an "All" line over products: each
    product's weekly |error| is added up, so one product's over-forecast never cancels another's
    under-forecast. `by` must be a subset of `series`.

    Weeks inside the actuals' period are judged. A week with a forecast but no actual counts as 0 sales
    (nothing was sold). A week with an actual but no forecast is NOT a forecast of 0: it is excluded and
    counted in `unforecast_weeks`. Per group:
      error e = forecast - actual for each series and week
      MAPE  = mean(|e| / actual) * 100 over series-weeks with actual > 0 (NaN if there are none)
      WMAPE = sum|e| / sum(actual) * 100 (NaN when sum(actual) is 0)
      bias  = sum(e) (units, positive = over-forecast); bias_pct = bias / sum(actual) * 100
      tracking signal = sum(actual - forecast) / MAD, MAD = mean|e| (0 when MAD is 0)
      weeks = distinct weeks judged; unforecast_weeks = series-weeks left out for want of a forecast
    """
    by = list(by)
    series = by if series is None else list(series)
    if not set(by) <= set(series):
        raise ValueError("`by` must be a subset of `series`")
    actuals, forecast = _typed(actuals), _typed(forecast)
    keys = [*series, "week"]
    act = actuals.groupby(keys)["qty"].sum().rename("actual")
    fc = forecast.groupby(keys)["qty"].sum().rename("forecast")
    both = pd.concat([act, fc], axis=1).reset_index()
    if both.empty:
        return pd.DataFrame(columns=[*by, *ACCURACY_COLUMNS])
    if not actuals.empty:
        both = both[(both["week"] >= actuals["week"].min()) & (both["week"] <= actuals["week"].max())]
    unforecast = both["forecast"].isna()
    both = both.assign(unforecast=unforecast.astype(int)).fillna({"actual": 0.0})
    both["err"] = both["forecast"] - both["actual"]  # NaN on unforecast weeks: every sum skips them
    both["abs_err"] = both["err"].abs()
    with np.errstate(divide="ignore", invalid="ignore"):
        both["ape"] = np.where(both["actual"] > 0, both["abs_err"] / both["actual"], np.nan)
    both["judged_actual"] = both["actual"].where(~unforecast, 0.0)
    both["judged_week"] = both["week"].where(~unforecast)
    g = both.groupby(by) if by else both.assign(_all=0).groupby("_all")
    out = g.agg(
        start=("judged_week", "min"),
        end=("judged_week", "max"),
        weeks=("judged_week", "nunique"),
        unforecast_weeks=("unforecast", "sum"),
        actual=("judged_actual", "sum"),
        forecast=("forecast", "sum"),
        mape=("ape", "mean"),
        abs_err=("abs_err", "sum"),
        bias=("err", "sum"),
        mad=("abs_err", "mean"),
    )
    out["mape"] = out["mape"] * 100
    judged = out["weeks"] > 0
    with np.errstate(divide="ignore", invalid="ignore"):
        out["wmape"] = np.where(judged & (out["actual"] > 0), out["abs_err"] / out["actual"] * 100, np.nan)
        out["bias_pct"] = np.where(judged & (out["actual"] > 0), out["bias"] / out["actual"] * 100, np.nan)
        out["tracking_signal"] = np.where(out["mad"] > 0, -out["bias"] / out["mad"], 0.0)
    out["bias"] = out["bias"].where(judged)
    out = out.reset_index()
    if not by:
        out = out.drop(columns="_all")
    return out[[*by, *ACCURACY_COLUMNS]]


def naive_forecast(actuals, by, window=4):
    """A baseline forecast where no plan covered a week: the mean of the previous `window` weeks'
    actuals of the same series (missing weeks count as 0). The first `window` weeks get none."""
    keys = [*by, "week"]
    series = actuals.groupby(keys)["qty"].sum().unstack(by if len(by) > 1 else by[0]) if by else None
    if series is None or series.empty:
        return pd.DataFrame(columns=[*by, "week", "qty"])
    full = pd.date_range(series.index.min(), series.index.max(), freq="7D")
    series = series.reindex(full).fillna(0.0)
    fc = series.rolling(window).mean().shift(1).dropna(how="all")
    out = fc.stack(list(range(len(by))) if len(by) > 1 else 0, future_stack=True).rename("qty").reset_index()
    out = out.rename(columns={"level_0": "week"})
    return out.dropna(subset=["qty"])[[*by, "week", "qty"]]


def accuracy_over_time(forecast, actuals, by=(), freq="Q", series=None):
    """The accuracy measures per calendar period (freq "Q" quarter or "M" month, by the week's start)
    for the 'accuracy over time' chart: columns by + period + ACCURACY_COLUMNS. Errors are taken per
    `series` (default `by`) as in `accuracy`."""
    if actuals.empty or forecast.empty:
        return pd.DataFrame(columns=[*by, "period", *ACCURACY_COLUMNS])
    actuals, forecast = _typed(actuals), _typed(forecast)
    a = actuals.assign(period=actuals["week"].dt.to_period(freq).dt.start_time)
    f = forecast.assign(period=forecast["week"].dt.to_period(freq).dt.start_time)
    series = list(by) if series is None else list(series)
    return accuracy(f, a, [*by, "period"], series=[*series, "period"])
