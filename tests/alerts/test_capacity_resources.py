"""Capacity overload per resource: a resource's load (each product's planned production at its facility x
that product's usage of the resource) against the resource's weekly capacity, so a bottleneck is found
even when the facility as a whole has room; facility-level rules keep working as before."""

import datetime as dt

import pandas as pd
import pytest

from alerts.evaluation import rules
from alerts.evaluation.runner import evaluate_rule
from alerts.kinds import clean_params
from alerts.models import Alert
from planning import actions, imports
from planning.models import Capacity, PlanType

from ..planning import factories as pf
from .factories import make_rule

W0 = pd.Timestamp("2026-11-23")
PARAMS = clean_params("capacity_overload", {"horizon_weeks": 4})


def _frame(rows, columns):
    return pd.DataFrame(rows, columns=columns)


def test_a_bottleneck_resource_is_found_while_its_facility_has_room():
    supply = _frame([(1, 9, W0, 300.0), (2, 9, W0, 100.0)], ["product_id", "facility_id", "week", "qty"])
    facility_capacity = _frame([(9, W0, 1000.0)], ["facility_id", "week", "capacity"])
    loads = _frame(
        [(50, 9, 1, 0.5), (51, 9, 2, 1.0)],  # the saw: half an hour per unit of 1; the oven: an hour per 2
        ["resource_id", "facility_id", "product_id", "usage"],
    )
    resource_capacity = _frame([(50, W0, 120.0), (51, W0, 120.0)], ["resource_id", "week", "capacity"])
    found = rules.capacity_overload(
        supply, facility_capacity, PARAMS, W0, resource_loads=loads, resource_capacity=resource_capacity
    )
    assert len(found) == 1  # 400 of 1,000 at the facility is fine; the saw's 150 h of 120 is not
    row = found.iloc[0]
    assert (row.resource_id, row.facility_id, row.value, row.reference) == (50, 9, 150.0, 120.0)
    assert row.change_pct == pytest.approx(25.0)


def test_facility_level_findings_are_unchanged_without_resources():
    supply = _frame([(1, 9, W0, 1200.0)], ["product_id", "facility_id", "week", "qty"])
    capacity = _frame([(9, W0, 1000.0)], ["facility_id", "week", "capacity"])
    found = rules.capacity_overload(supply, capacity, PARAMS, W0)
    assert len(found) == 1 and found.iloc[0].facility_id == 9 and pd.isna(found.iloc[0].get("resource_id"))


def test_a_resource_without_capacity_for_a_week_is_not_judged_that_week():
    supply = _frame([(1, 9, W0, 300.0)], ["product_id", "facility_id", "week", "qty"])
    loads = _frame([(50, 9, 1, 1.0)], ["resource_id", "facility_id", "product_id", "usage"])
    no_capacity = _frame([], ["resource_id", "week", "capacity"])
    empty = _frame([], ["facility_id", "week", "capacity"])
    found = rules.capacity_overload(
        supply, empty, PARAMS, W0, resource_loads=loads, resource_capacity=no_capacity
    )
    assert found.empty


def _load(tenant, kind, rows):
    clean, errors = imports.validate(tenant, kind, rows)
    assert not errors, errors
    return actions.do_load_rows(tenant, kind, clean)


@pytest.mark.django_db
def test_the_rule_raises_one_alert_on_the_overloaded_resource_and_resolves_it_when_capacity_is_added(tenant):
    week = pd.Timestamp(dt.date.today() - dt.timedelta(days=dt.date.today().weekday()))
    plant = pf.FacilityFactory(tenant=tenant, code="PLANT", kind="plant")
    legs, tables = pf.ProductFactory(tenant=tenant, sku="LEG"), pf.ProductFactory(tenant=tenant, sku="TABLE")
    saw = pf.make_resource(tenant, code="SAW", name="Saw", facility=plant)
    line = pf.make_resource(tenant, code="LINE", name="Assembly line", facility=plant)
    pf.make_version(
        tenant,
        PlanType.SUPPLY,
        start=week.date(),
        cells=[(legs, None, plant, 0, 400), (tables, None, plant, 0, 100)],
    )
    # the facility as a whole: 500 units of room for 500 planned, so the facility level stays quiet
    Capacity.objects.create(tenant=tenant, facility=plant, week=week.date(), capacity=500)
    _load(tenant, "resource_loads", [{"resource": "SAW", "sku": "LEG", "usage": "0.3333"}])
    _load(tenant, "resource_loads", [{"resource": "LINE", "sku": "TABLE", "usage": "1"}])
    _load(
        tenant,
        "resource_capacity",
        [
            {"resource": "SAW", "week": str(week.date()), "capacity": "120"},
            {"resource": "LINE", "week": str(week.date()), "capacity": "120"},
        ],
    )
    rule = make_rule(tenant, "Overload", "capacity_overload", {"horizon_weeks": 4})
    assert evaluate_rule(rule, first_week=week)["raised"] == 1
    alert = Alert.objects.get(rule=rule)
    assert alert.subject == saw.subject  # the bottleneck, not the facility, not the assembly line
    assert alert.key == f"r{saw.pk}.f{plant.pk}"
    assert "Saw · " in alert.title and alert.summary.startswith("load 133 vs capacity 120")
    assert set(alert.subjects.values_list("pk", flat=True)) >= {saw.subject_id, plant.subject_id}
    assert line.subject_id not in set(alert.subjects.values_list("pk", flat=True))
    assert evaluate_rule(rule, first_week=week)["raised"] == 0  # re-evaluation does not duplicate it
    _load(tenant, "resource_capacity", [{"resource": "SAW", "week": str(week.date()), "capacity": "140"}])
    assert evaluate_rule(rule, first_week=week)["resolved"] == 1
