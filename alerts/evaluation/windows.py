"""Merge flagged weeks into windows of consecutive weeks, vectorised."""

import pandas as pd

WEEK = pd.Timedelta(days=7)


def merge_consecutive(flagged, keys, min_weeks=1, agg=None):
    """One row per run of consecutive flagged weeks per slice.

    `flagged` has the `keys` columns, a `week` column (week-start timestamps) and any value columns;
    returns keys + `start`, `end`, `weeks` (run length) + the `agg` aggregations of the run, keeping only
    runs of at least `min_weeks` weeks.
    """
    agg = agg or {}
    if flagged.empty:
        return pd.DataFrame(columns=[*keys, "start", "end", "weeks", *agg])
    df = flagged.sort_values([*keys, "week"]).reset_index(drop=True)
    same_slice = (df[keys] == df[keys].shift()).all(axis=1)
    follows = same_slice & ((df["week"] - df["week"].shift()) == WEEK)
    df["_run"] = (~follows).cumsum()
    spec = {k: (k, "first") for k in keys}
    spec.update(start=("week", "min"), end=("week", "max"), weeks=("week", "size"))
    spec.update(agg)
    runs = df.groupby("_run", sort=False).agg(**spec).reset_index(drop=True)
    return runs[runs["weeks"] >= min_weeks].reset_index(drop=True)
