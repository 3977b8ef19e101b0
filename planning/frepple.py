"""Import frePPLe's demos (CSV exports in planning/data/frepple/): the distribution demo and the
manufacturing demo (`import_demo` tells them apart by the routing files only the latter has).

Distribution demo:

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
from .models import PlanCycle, PlanType, PlanVersion

DEFAULT_DIR = Path(__file__).parent / "data" / "frepple" / "distribution_demo"
MANUFACTURING_DIR = Path(__file__).parent / "data" / "frepple" / "manufacturing_demo"
# the name of the versions the manufacturing demo loads its plans into (found again on a re-import)
MANUFACTURING_VERSION_NAME = "frePPLe manufacturing demo"
HORIZON_WEEKS = 26


class FreppleImportError(Exception):
    def __init__(self, kind, errors):
        super().__init__(f"{kind}: {len(errors)} invalid rows, first: {errors[:3]}")
        self.kind, self.errors = kind, errors


def _rows(directory, name):
    with open(Path(directory) / f"{name}.csv", newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def _code(name):
    return name.strip()[:64]


def _products(directory):
    """The demo's sellable items (those that are no other item's parent category) as product rows."""
    items = _rows(directory, "items")
    parents = {r["parent"] for r in items if r["parent"]}
    return [
        {
            "sku": _code(r["name"]),
            "name": r["name"][:200],
            "family": (r["category"] or "")[:100],
            "unit": "unit",
        }
        for r in items
        if r["name"] not in parents
    ]


def load_rows(directory=DEFAULT_DIR, shift=False, today=None):
    """The demo as import batches: {kind: [row dicts]} in the order they must be applied."""
    params = {r["name"]: r["value"] for r in _rows(directory, "parameters")}
    plan_date = dt.date.fromisoformat(params.get("currentdate", "2021-02-01")[:10])
    offset = dt.timedelta(0)
    if shift:
        offset = dt.timedelta(weeks=(wk.this_week(today) - wk.week_start(plan_date)).days // 7)
    products = _products(directory)
    skus = {p["sku"] for p in products}
    locations = _rows(directory, "locations")
    loc_parents = {r["parent"] for r in locations if r["parent"]}
    facilities = [
        {
            "code": _code(r["name"]),
            "name": r["name"][:200],
            "kind": "dc" if "distribution" in r.get("description", "").lower() else "depot",
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


def import_demo(tenant, directory=DEFAULT_DIR, **kwargs):
    """Whichever demo `directory` holds: the manufacturing demo has routings (operations.csv)."""
    if (Path(directory) / "operations.csv").exists():
        return import_manufacturing_demo(tenant, directory, **kwargs)
    return import_distribution_demo(tenant, directory, **kwargs)


# --- the manufacturing demo ---------------------------------------------------------------------------
#
# A furniture maker: a factory, a warehouse and two shops; a bill of materials and routings with resources
# (an assembly line, a saw, a grinder) whose capacity is a calendar. Mapping:
#   items -> products (family = category); locations -> facilities (factory = plant, warehouse = DC,
#   shops = depots); customers, suppliers; inventory as of the plan date; closed sales -> weekly actuals;
#   open sales orders -> sales orders (one line each, ordered on the plan date, shipping when due) and the
#   demand version's numbers (item x customer x shop x week);
#   resources -> resources at their location, except operator pools and their members (frePPLe assigns
#   people by skill, which has no counterpart here); capacity per week in hours = for each day, the
#   resource's calendar value (else its maximum) x 24 h, on the days its location's calendar is open;
#   operation-resource loads -> hours per unit of the item the operation (or its routing) makes;
#   supply version = confirmed purchase orders (receipt week, at their location) + transfer orders
#   (receipt week, at their destination) + the production the open orders call for: each order exploded
#   through the bill of materials into every made item, lot for lot, in the week it is due, at the factory
#   (gross, no netting of stock and no lead time offset: a rough-cut capacity check, as S&OP does it).
# All of it lands in one cycle (the plan date's month, from the plan date's week, HORIZON_WEEKS weeks) with
# a demand and a supply draft named MANUFACTURING_VERSION_NAME. frePPLe's solver output is not part of
# the demo, so the plan is what the orders call for; in the data, that overloads the saw in the first week.


def _day(text):
    return dt.date.fromisoformat(text[:10])


def _calendars(directory):
    """value(calendar, day): frePPLe's rule, the bucket with the lowest priority number that covers the
    day (end exclusive) and whose weekday flag is set, else the calendar's default."""
    defaults = {r["name"]: float(r["default_value"] or 0) for r in _rows(directory, "calendars")}
    days = ("monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday")
    buckets = defaultdict(list)
    for r in _rows(directory, "calendar_buckets"):
        flags = tuple(r[d].strip().lower() == "true" for d in days)
        buckets[r["calendar"]].append(
            (int(r["priority"] or 0), _day(r["start_date"]), _day(r["end_date"]), float(r["value"]), flags)
        )

    def value(calendar, day):
        best = None
        for priority, start, end, v, flags in buckets.get(calendar, ()):
            if start <= day < end and flags[day.weekday()] and (best is None or priority < best[0]):
                best = (priority, v)
        return best[1] if best else defaults.get(calendar, 0.0)

    return value


def _routings(directory):
    """(makes, uses, hours): the operation (routing) that makes each item, the items one unit of it
    consumes, and the resource hours per unit, keyed by the top operation (a routing's steps count
    towards the routing)."""
    operations = _rows(directory, "operations")
    top = {r["name"]: (r["parent"] or r["name"]) for r in operations}
    per_unit = {r["name"]: float(r["duration_per_seconds"] or 0) / 3600 for r in operations}
    makes, uses = {}, defaultdict(list)
    for r in operations:
        if r["item"] and not r["parent"]:
            makes[r["item"]] = r["name"]
    for r in _rows(directory, "operation_materials"):
        op, qty = top.get(r["operation"], r["operation"]), float(r["quantity"])
        if qty > 0:
            makes.setdefault(r["item"], op)
        elif qty < 0:
            uses[op].append((r["item"], -qty))
    hours = defaultdict(float)
    for r in _rows(directory, "operation_resources"):
        op = top.get(r["operation"], r["operation"])
        hours[(op, r["resource"])] += per_unit.get(r["operation"], 0.0) * float(r["quantity"] or 1)
    return makes, uses, hours


def _production(orders, makes, uses):
    """{(item, week): qty} every made item needs to cover `orders` [(item, week, qty)], lot for lot."""
    need = defaultdict(float)

    def explode(item, week, qty, depth=0):
        op = makes.get(item)
        if op is None or depth > 20:  # bought, or a cycle in the bill of materials
            return
        need[(item, week)] += qty
        for component, per in uses.get(op, ()):
            if component != item:
                explode(component, week, qty * per, depth + 1)

    for item, week, qty in orders:
        explode(item, week, qty)
    return need


def load_manufacturing_rows(directory=MANUFACTURING_DIR, shift=False, today=None):
    """The manufacturing demo as import batches {kind: rows}, in order, plus its plan:
    {"cycle": {month, start_week, horizon_weeks}, "demand": rows, "supply": rows}."""
    params = {r["name"]: r["value"] for r in _rows(directory, "parameters")}
    plan_date = _day(params.get("currentdate", "2021-01-01"))
    offset = dt.timedelta(0)
    if shift:
        offset = dt.timedelta(weeks=(wk.this_week(today) - wk.week_start(plan_date)).days // 7)
    first_week = wk.week_start(plan_date)
    weeks = [first_week + dt.timedelta(weeks=i) for i in range(HORIZON_WEEKS)]

    def moved_week(day):
        return (wk.week_start(day) + offset).isoformat()

    products = _products(directory)
    skus = {p["sku"] for p in products}
    locations = _rows(directory, "locations")
    loc_parents = {r["parent"] for r in locations if r["parent"]}
    kinds = {"factory": "plant", "warehouse": "dc"}
    facilities = [
        {"code": _code(r["name"]), "name": r["name"][:200], "kind": kinds.get(r["name"].lower(), "depot")}
        for r in locations
        if r["name"] not in loc_parents
    ]
    open_days = {r["name"]: r["availability_calendar"] for r in locations}
    customers = [
        {"code": _code(r["name"]), "name": r["name"][:200]}
        for r in _rows(directory, "customers")
        if not r["name"].startswith("All ")
    ]
    suppliers = [{"code": _code(r["name"]), "name": r["name"][:200]} for r in _rows(directory, "suppliers")]
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
    sales = _rows(directory, "sales_orders")
    weekly = defaultdict(float)
    for r in sales:
        if r["status"] == "closed" and _code(r["item"]) in skus:
            key = (_code(r["item"]), _code(r["customer"]), _code(r["location"]), moved_week(_day(r["due"])))
            weekly[key] += float(r["quantity"])
    actuals = [
        {"sku": s, "customer": c, "facility": f, "week": w, "qty": f"{q:.2f}"}
        for (s, c, f, w), q in sorted(weekly.items())
    ]
    open_orders = [r for r in sales if r["status"] == "open" and _code(r["item"]) in skus]
    orders = [
        {
            "number": _code(r["name"]),
            "customer": _code(r["customer"]),
            "facility": _code(r["location"]),
            "order_date": (min(plan_date, _day(r["due"])) + offset).isoformat(),
            "ship_date": (_day(r["due"]) + offset).isoformat(),
            "status": "open",
            "lines": [{"sku": _code(r["item"]), "qty": r["quantity"]}],
        }
        for r in open_orders
    ]
    demand = defaultdict(float)
    for r in open_orders:
        demand[
            (_code(r["item"]), _code(r["customer"]), _code(r["location"]), moved_week(_day(r["due"])))
        ] += float(r["quantity"])

    # resources, their weekly capacity (hours) and the hours each made item takes on them
    calendar = _calendars(directory)
    all_resources = _rows(directory, "resources")
    pools = {r["parent"] for r in all_resources if r["parent"]}
    machines = [r for r in all_resources if r["name"] not in pools and not r["parent"]]
    resources = [
        {
            "code": _code(r["name"]),
            "name": r["name"][:200],
            "facility": _code(r["location"]),
            "category": (r["category"] or "")[:100],
            "unit": "hours",
        }
        for r in machines
    ]
    capacity = []
    for r in machines:
        available = open_days.get(r["location"])
        for week in weeks:
            hours = 0.0
            for day in (week + dt.timedelta(days=i) for i in range(7)):
                if available and not calendar(available, day):
                    continue
                level = (
                    calendar(r["maximum_calendar"], day)
                    if r["maximum_calendar"]
                    else float(r["maximum"] or 0)
                )
                hours += level * 24
            capacity.append(
                {"resource": _code(r["name"]), "week": moved_week(week), "capacity": f"{hours:.2f}"}
            )
    makes, uses, hours = _routings(directory)
    machine_names = {r["name"] for r in machines}
    loads = [
        {"resource": _code(resource), "sku": _code(item), "usage": f"{per_unit:.4f}"}
        for item, op in sorted(makes.items())
        for (hours_op, resource), per_unit in sorted(hours.items())
        if hours_op == op and resource in machine_names and _code(item) in skus and per_unit > 0
    ]

    # the supply plan: what the open orders call for at the factory, plus confirmed POs and DOs
    op_location = {r["name"]: r["location"] for r in _rows(directory, "operations")}
    supply = defaultdict(float)
    requirements = [(r["item"], _day(r["due"]), float(r["quantity"])) for r in open_orders]
    for (item, due), qty in _production(requirements, makes, uses).items():
        if _code(item) in skus:
            supply[(_code(item), _code(op_location.get(makes[item], "")), moved_week(due))] += qty
    for r in _rows(directory, "open_supply_orders"):
        where = r["location"] if r["type"] == "PO" else r["destination"]
        if _code(r["item"]) in skus and where:
            supply[(_code(r["item"]), _code(where), moved_week(_day(r["end_date"])))] += float(r["quantity"])
    last_week = wk.week_start(first_week + offset) + dt.timedelta(weeks=HORIZON_WEEKS - 1)

    def in_horizon(week):
        return dt.date.fromisoformat(week) <= last_week

    return {
        "batches": {
            "products": products,
            "facilities": facilities,
            "customers": customers,
            "suppliers": suppliers,
            "inventory": inventory,
            "actuals": actuals,
            "sales_orders": orders,
            "resources": resources,
            "resource_capacity": capacity,
            "resource_loads": loads,
        },
        "cycle": {
            "month": wk.month_start(plan_date + offset),
            "start_week": first_week + offset,
            "horizon_weeks": HORIZON_WEEKS,
        },
        "demand": [
            {"sku": s, "customer": c, "facility": f, "week": w, "qty": f"{q:.2f}"}
            for (s, c, f, w), q in sorted(demand.items())
            if in_horizon(w)
        ],
        "supply": [
            {"sku": s, "facility": f, "week": w, "qty": f"{q:.2f}"}
            for (s, f, w), q in sorted(supply.items())
            if in_horizon(w)
        ],
    }


def _demo_version(tenant, cycle, plan):
    """The demo's draft of `plan` in `cycle`: found again on a re-import, created the first time."""
    version = (
        PlanVersion.objects.filter(tenant=tenant, cycle=cycle, plan=plan, name=MANUFACTURING_VERSION_NAME)
        .select_related("plan", "subject")
        .order_by("-number")
        .first()
    )
    if version is None:
        version = actions.do_create_version(
            tenant=tenant,
            plan=plan,
            start_week=cycle.start_week,
            weeks=cycle.horizon_weeks,
            name=MANUFACTURING_VERSION_NAME,
            cycle=cycle,
        )
    return version


def import_manufacturing_demo(
    tenant, directory=MANUFACTURING_DIR, *, shift=False, actor=None, stdout=None, today=None
):
    """Validate and load the manufacturing demo in one transaction: master data, orders, resources and
    their capacity, then the cycle and its demand and supply drafts. Returns {kind: counts}. Raises
    FreppleImportError (writing nothing) if any row is invalid. A second run changes nothing."""
    demo = load_manufacturing_rows(directory, shift=shift, today=today)
    label = None if actor else "frePPLe import"
    source = "frePPLe manufacturing demo"
    results = {}
    with transaction.atomic():
        for kind, rows in demo["batches"].items():
            clean, errors = imports.validate(tenant, kind, rows, first_row=2)
            if errors:
                raise FreppleImportError(kind, errors)
            results[kind] = actions.do_load_rows(
                tenant, kind, clean, actor=actor, actor_label=label, source=source
            )
            if stdout:
                stdout.write(f"{kind}: {results[kind]}")
        spec = demo["cycle"]
        cycle = PlanCycle.objects.filter(tenant=tenant, month=spec["month"]).first()
        created = cycle is None
        if created:
            cycle = actions.do_create_cycle(tenant=tenant, actor=actor, actor_label=label, **spec)
        results["plan_cycles"] = {"created": int(created), "updated": 0, "unchanged": int(not created)}
        plans = actions.ensure_plans(tenant)
        for plan_type in (PlanType.DEMAND, PlanType.SUPPLY):
            before = PlanVersion.objects.filter(tenant=tenant).count()
            version = _demo_version(tenant, cycle, plans[plan_type])
            clean, errors = imports.validate(
                tenant, "plan_entries", demo[plan_type], first_row=2, version=version
            )
            if errors:
                raise FreppleImportError(f"{plan_type} plan", errors)
            counts = actions.do_load_rows(
                tenant, "plan_entries", clean, actor=actor, actor_label=label, version=version, source=source
            )
            results[f"{plan_type}_plan"] = counts
            new_versions = PlanVersion.objects.filter(tenant=tenant).count() - before
            versions = results.setdefault("plan_versions", {"created": 0, "updated": 0, "unchanged": 0})
            versions["created" if new_versions else "unchanged"] += 1
            if stdout:
                stdout.write(f"{plan_type} plan ({version.subject.title}): {counts}")
    return results
