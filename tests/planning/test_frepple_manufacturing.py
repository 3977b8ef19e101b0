"""frePPLe's manufacturing demo imports with the documented command: master data, open orders, resources
and their capacity, the cycle with its demand and supply drafts; a second run changes nothing; and the
capacity rule finds the resource the demo's open orders overload (the saw)."""

import datetime as dt

import pandas as pd
import pytest
from django.core.management import call_command

from alerts.evaluation.runner import evaluate_rule
from alerts.models import Alert
from planning import frepple
from planning import weeks as wk
from planning.models import (
    Actual,
    Customer,
    Facility,
    InventorySnapshot,
    PlanCycle,
    PlanEntry,
    PlanVersion,
    Product,
    Resource,
    ResourceCapacity,
    ResourceLoad,
    SalesOrder,
    Supplier,
)
from sopsocial.audit.models import AuditEvent

from ..alerts.factories import make_rule

MODELS = (
    Product,
    Facility,
    Customer,
    Supplier,
    InventorySnapshot,
    Actual,
    SalesOrder,
    Resource,
    ResourceCapacity,
    ResourceLoad,
    PlanCycle,
    PlanVersion,
    PlanEntry,
    AuditEvent,
)


def _counts(tenant):
    counts = {m.__name__: m.objects.count() for m in MODELS}
    counts["order lines"] = sum(o.lines.count() for o in SalesOrder.objects.filter(tenant=tenant))
    return counts


def _import(tenant, *extra):
    call_command(
        "import_planning", "--frepple", str(frepple.MANUFACTURING_DIR), "--tenant", tenant.slug, *extra
    )


def test_the_shipped_copy_is_the_shared_export_unchanged():
    from pathlib import Path

    shared = Path(__file__).resolve().parents[3] / "shared" / "data" / "frepple" / "manufacturing_demo"
    if not shared.exists():
        pytest.skip("the shared data folder is not beside this checkout")
    for copied in frepple.MANUFACTURING_DIR.glob("*.csv"):
        assert copied.read_bytes() == (shared / copied.name).read_bytes(), copied.name


def test_the_manufacturing_demo_imports_with_the_documented_command_and_again_changes_nothing(tenant, capsys):
    _import(tenant)
    assert Product.objects.filter(tenant=tenant).count() == 11  # 12 items minus "All items"
    assert dict(Facility.objects.values_list("code", "kind")) == {
        "factory": "plant",
        "warehouse": "dc",
        "shop 1": "depot",
        "shop 2": "depot",
    }
    assert set(Customer.objects.values_list("code", flat=True)) == {
        "Customer near shop 1",
        "Customer near shop 2",
    }
    assert Supplier.objects.filter(tenant=tenant).count() == 4
    assert InventorySnapshot.objects.count() == 19
    assert SalesOrder.objects.filter(tenant=tenant, status="open").count() == 16
    saw = Resource.objects.get(tenant=tenant, code="saw")
    assert set(Resource.objects.values_list("code", flat=True)) == {"assembly line", "grinder", "saw"}
    assert saw.facility.code == "factory"
    # capacity in hours: one saw, 24 h a day on the factory's working days (1 January 2021 is a holiday)
    weeks = dict(saw.capacities.values_list("week", "capacity"))
    assert weeks[dt.date(2020, 12, 28)] == 96 and weeks[dt.date(2021, 1, 4)] == 120
    usage = {sku: float(u) for sku, u in saw.loads.values_list("product__sku", "usage")}
    assert usage == {"chair leg": 0.3333, "table leg": 0.3333}  # 1,200 s per leg, in hours
    cycle = PlanCycle.objects.get(tenant=tenant)
    assert (cycle.month, cycle.start_week, cycle.horizon_weeks) == (
        dt.date(2021, 1, 1),
        dt.date(2020, 12, 28),
        26,
    )
    demand, supply = (
        PlanVersion.objects.get(cycle=cycle, plan__plan_type=t, name=frepple.MANUFACTURING_VERSION_NAME)
        for t in ("demand", "supply")
    )
    assert sum(e.qty for e in demand.entries.all()) == sum(
        o.lines.get().qty for o in SalesOrder.objects.all()
    )
    purchases = supply.entries.get(product__sku="wooden panel", week=dt.date(2020, 12, 28))
    assert purchases.qty == 100 and purchases.facility.code == "factory"  # PO#1
    transfers = supply.entries.get(product__sku="chair", facility__code="shop 1")
    assert transfers.qty == 30 and transfers.week == dt.date(2021, 3, 1)  # DO#3
    # production the open orders call for: 60 chairs + 30 varnished chairs (each a chair) in week one
    assert (
        supply.entries.get(product__sku="chair", facility__code="factory", week=dt.date(2020, 12, 28)).qty
        == 90
    )
    assert supply.entries.get(product__sku="chair leg", week=dt.date(2020, 12, 28)).qty == 360

    before = _counts(tenant)
    capsys.readouterr()
    _import(tenant)
    assert _counts(tenant) == before
    out = capsys.readouterr().out
    assert "'created': 1" not in out and "'updated': 1" not in out and "'unchanged': 16" in out


def test_the_capacity_rule_fires_on_the_saw_the_demo_overloads(tenant):
    _import(tenant, "--shift")  # dates move by whole weeks so the plan starts this week, as frePPLe does
    rule = make_rule(tenant, "Bottleneck", "capacity_overload", {"horizon_weeks": 8})
    this_week = pd.Timestamp(wk.this_week())
    counts = evaluate_rule(rule, first_week=this_week)
    saw = Resource.objects.get(tenant=tenant, code="saw")
    alerts = list(Alert.objects.filter(rule=rule))
    assert counts["raised"] == len(alerts) == 1
    alert = alerts[0]
    assert alert.subject == saw.subject
    assert alert.window_start == alert.window_end == this_week.date()
    # 360 chair legs and 280 table legs at a third of an hour each, in a four-day week of 96 hours
    assert alert.summary == "load 213 vs capacity 96, +122%"
    assert Resource.objects.get(code="assembly line").subject_id not in set(
        alert.subjects.values_list("pk", flat=True)
    )


def test_the_distribution_demo_still_imports_through_the_same_command(tenant):
    call_command("import_planning", "--frepple", "--tenant", tenant.slug)
    assert Actual.objects.count() == 3294 and not Resource.objects.exists()
