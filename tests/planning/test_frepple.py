"""frePPLe's distribution demo imports completely and forecast accuracy is computed from it."""

import math

from planning import frepple, selectors
from planning import plan_math as pm
from planning.models import Actual, Customer, Facility, InventorySnapshot, Product


def test_distribution_demo_imports_items_locations_customers_inventory_and_weekly_sales(tenant):
    results = frepple.import_distribution_demo(tenant)
    assert Product.objects.filter(tenant=tenant).count() == 11  # 14 items minus 3 aggregates
    assert set(Facility.objects.values_list("code", "kind")) == {
        ("RDC", "dc"),
        ("Tennis shop Paris", "depot"),
        ("Tennis shop Brussels", "depot"),
    }
    assert list(Customer.objects.values_list("code", flat=True)) == ["Generic customer"]
    assert InventorySnapshot.objects.count() == 33
    assert Actual.objects.count() == 3294
    weeks = Actual.objects.order_by("week").values_list("week", flat=True)
    assert weeks.first().isoformat() == "2018-01-01" and weeks.last().isoformat() == "2021-01-25"
    assert (weeks.last() - weeks.first()).days // 7 >= 156  # three years of weekly history
    assert results["actuals"]["created"] == 3294
    again = frepple.import_distribution_demo(tenant)
    assert again["actuals"] == {"created": 0, "updated": 0, "unchanged": 3294}


def test_forecast_accuracy_is_computed_from_the_demo(tenant):
    frepple.import_distribution_demo(tenant)
    actuals = selectors.actuals_frame(tenant)
    forecast = pm.naive_forecast(actuals, ["product_id", "customer_id", "facility_id"], window=4)
    result = pm.accuracy(forecast, actuals, ["product_id"])
    assert len(result) == 11
    assert all(math.isfinite(v) and 0 < v < 200 for v in result["wmape"])
    racket = Product.objects.get(sku="Tennis racket").pk
    row = result.set_index("product_id").loc[racket]
    assert row["weeks"] >= 156 and math.isfinite(row["tracking_signal"])


def test_shifted_import_ends_the_history_last_week(tenant):
    import datetime as dt

    today = dt.date(2026, 11, 25)
    rows = frepple.load_rows(shift=True, today=today)
    last = max(r["week"] for r in rows["actuals"])
    assert last == "2026-11-16"  # plan date 2021-02-01 (a Monday) maps to 2026-11-23; sales end a week before
