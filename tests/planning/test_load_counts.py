"""Counts that are true: a load says how many cells it created, changed and left alone."""

import datetime as dt

from planning import actions, imports

from . import factories as pf


def _load(tenant, version, quantities):
    rows = [
        {
            "sku": "NW-1",
            "customer": "C",
            "facility": "F",
            "week": str(version.start_week + dt.timedelta(weeks=w)),
            "qty": q,
        }
        for w, q in enumerate(quantities)
    ]
    clean, errors = imports.validate(tenant, "plan_entries", rows, version=version)
    assert errors == []
    return actions.do_load_rows(tenant, "plan_entries", clean, version=version, source="test")


def test_rows_into_an_empty_version_are_new_then_changed_then_unchanged(tenant):
    pf.ProductFactory(tenant=tenant, sku="NW-1")
    pf.CustomerFactory(tenant=tenant, code="C")
    pf.FacilityFactory(tenant=tenant, code="F")
    version = pf.make_version(tenant)

    assert _load(tenant, version, [100, 200, 300]) == {"created": 3, "updated": 0, "unchanged": 0}
    assert _load(tenant, version, [100, 250, 300, 400]) == {"created": 1, "updated": 1, "unchanged": 2}
    assert _load(tenant, version, [100, 250, 300, 400]) == {"created": 0, "updated": 0, "unchanged": 4}
    assert version.changes.count() == 5  # every new or changed cell is a plan change, none for the rest
