"""The accuracy page says at what level it measures, adds absolute errors up and never reads a missing
forecast as 0."""

import datetime as dt

from django.urls import reverse

from planning import weeks as wk
from planning.models import Actual

from . import factories as pf


def test_all_line_sums_series_errors_and_counts_weeks_without_forecast(tenant, planner_member, client_for):
    start = wk.this_week() - dt.timedelta(weeks=8)
    over, under = (
        pf.ProductFactory(tenant=tenant, name="Over"),
        pf.ProductFactory(tenant=tenant, name="Under"),
    )
    customer, facility = pf.CustomerFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    # the frozen forecast covers weeks 0-3; the actuals run for 8 weeks
    pf.make_version(
        tenant,
        status="published",
        start=start,
        weeks=4,
        cells=[(p, customer, facility, w, q) for p, q in ((over, 150), (under, 50)) for w in range(4)],
    )
    Actual.objects.bulk_create(
        Actual(
            tenant=tenant,
            product=p,
            customer=customer,
            facility=facility,
            week=start + dt.timedelta(weeks=w),
            qty=100,
        )
        for p in (over, under)
        for w in range(8)
    )
    response = client_for(planner_member).get(
        reverse("planning:accuracy", kwargs={"tenant_slug": tenant.slug})
    )
    total = response.context["total"]
    # netted, the two products' errors (+50, -50 each week) would cancel out to 0 %
    assert round(total["wmape"], 1) == 50.0 and total["bias"] == 0
    assert total["weeks"] == 4 and total["unforecast_weeks"] == 8
    assert {r["name"]: round(r["wmape"], 1) for r in response.context["rows"]} == {
        "Over": 50.0,
        "Under": 50.0,
    }
    page = response.content.decode()
    assert "All: WMAPE <strong>50.0%</strong>" in page
    assert "Errors are measured per series (product × customer × facility) and week" in page
    assert "Left out: 8 series-weeks with sales but no forecast." in page
