"""Import frePPLe's distribution demo (CSV export in planning/data/frepple/distribution_demo).

Mapping: items -> products (aggregate items such as "All items" are skipped; family = category),
locations -> facilities (the RDC is a DC, shops are depots; "All locations" skipped), customers ->
customers, inventory (onhand, minimum) -> inventory snapshots as of the plan date, closed sales
orders -> weekly actuals per item x customer x location (summed per ISO week). With `shift=True`
every date moves by whole weeks so the history ends just before today, as frePPLe itself does.
Everything goes through `imports.validate` and `actions.do_load_rows`: all or nothing, idempotent.
"""

import csv
import datetime as dt
from collections import defaultdict
from pathlib import Path

from django.db import transaction

from . import actions, imports
from . import weeks as wk

DEFAULT_DIR = Path(__file__).parent / "data" / "frepple" / "distribution_demo"


class FreppleImportError(Exception):
    def __init__(self, kind, errors):
        super().__init__(f"{kind}: {len(errors)} invalid rows, first: {errors[:3]}")
        self.kind, self.errors = kind, errors


def _rows(directory, name):
    with open(Path(directory) / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _code(name):
    return name.strip()[:64]


def load_rows(directory=DEFAULT_DIR, shift=False, today=None):
    """The demo as import batches: {kind: [row dicts]} in the order they must be applied."""
    params = {r["name"]: r["value"] for r in _rows(directory, "parameters")}
    plan_date = dt.date.fromisoformat(params.get("currentdate", "2021-02-01")[:10])
    offset = dt.timedelta(0)
    if shift:
        offset = dt.timedelta(weeks=(wk.this_week(today) - wk.week_start(plan_date)).days // 7)
    items = _rows(directory, "items")
    parents = {r["parent"] for r in items if r["parent"]}
    products = [
        {
            "sku": _code(r["name"]),
            "name": r["name"][:200],
            "family": (r["category"] or "")[:100],
            "unit": "unit",
        }
        for r in items
        if r["name"] not in parents
    ]
    skus = {p["sku"] for p in products}
    locations = _rows(directory, "locations")
    loc_parents = {r["parent"] for r in locations if r["parent"]}
    facilities = [
        {
            "code": _code(r["name"]),
            "name": r["name"][:200],
            "kind": "dc" if "distribution" in r["description"].lower() else "depot",
        }
        for r in locations
        if r["name"] not in loc_parents
    ]
    customers = [
        {"code": _code(r["name"]), "name": r["name"][:200]}
        for r in _rows(directory, "customers")
        if not r["name"].startswith("All ")
    ]
    inventory = [
        {
            "sku": _code(r["item"]),
            "facility": _code(r["location"]),
            "as_of": (plan_date + offset).isoformat(),
            "on_hand": r["onhand"] or "0",
            "safety_stock": r.get("minimum") or "0",
        }
        for r in _rows(directory, "inventory")
        if _code(r["item"]) in skus
    ]
    weekly = defaultdict(float)
    for r in _rows(directory, "sales_orders"):
        if r["status"] != "closed" or _code(r["item"]) not in skus:
            continue
        week = wk.week_start(dt.date.fromisoformat(r["due"][:10]) + offset)
        weekly[(_code(r["item"]), _code(r["customer"]), _code(r["location"]), week)] += float(r["quantity"])
    actuals = [
        {"sku": s, "customer": c, "facility": f, "week": w.isoformat(), "qty": f"{q:.2f}"}
        for (s, c, f, w), q in sorted(weekly.items())
    ]
    return {
        "products": products,
        "facilities": facilities,
        "customers": customers,
        "inventory": inventory,
        "actuals": actuals,
    }


def import_distribution_demo(tenant, directory=DEFAULT_DIR, *, shift=False, actor=None, stdout=None):
    """Validate and load every batch in one transaction; returns {kind: counts}. Raises
    FreppleImportError (writing nothing) if any row is invalid."""
    batches = load_rows(directory, shift=shift)
    results = {}
    with transaction.atomic():
        for kind, rows in batches.items():
            clean, errors = imports.validate(tenant, kind, rows, first_row=2)
            if errors:
                raise FreppleImportError(kind, errors)
            results[kind] = actions.do_load_rows(
                tenant,
                kind,
                clean,
                actor=actor,
                actor_label=None if actor else "frePPLe import",
                source="frePPLe distribution demo",
            )
            if stdout:
                stdout.write(f"{kind}: {results[kind]}")
    return results
