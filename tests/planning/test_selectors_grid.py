"""grid_for: what each row carries (the view renders it, the export writes it)."""

from planning import selectors

from . import factories as pf


def test_each_grid_row_carries_its_own_total(tenant):
    customer, facility = pf.CustomerFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    product = pf.ProductFactory(tenant=tenant, brand=pf.BrandFactory(tenant=tenant))
    version = pf.make_version(tenant, cells=[(product, customer, facility, w, 10 + w) for w in range(26)])
    (row,) = selectors.grid_for(version).rows
    assert row.total == sum(10 + w for w in range(26))
    assert row.cells_html == ""  # the view renders it
