"""The plan cell coordinate: the rows it selects, and the ids the grid and the alert links give it."""

import datetime as dt

import pytest

from planning.cells import Cell, CellObjects
from planning.templatetags.planning_tags import plan_cell

from . import factories as pf

MONDAY = dt.date(2026, 11, 23)


def test_filter_kwargs_select_the_cell_and_a_missing_customer_is_a_null():
    assert Cell(1, 2, 3, MONDAY).filter_kwargs() == {
        "product_id": 1,
        "customer_id": 2,
        "facility_id": 3,
        "week": MONDAY,
    }
    assert Cell(1, None, 3, MONDAY).filter_kwargs()["customer_id"] is None


def test_the_grid_names_a_cell_by_its_dom_id():
    assert Cell(1, None, 3, MONDAY).dom_id == "c-1-0-3-20261123"
    html = plan_cell("/cell/", Cell(1, 2, 3, MONDAY), 4, 10, 1, can_edit=True, error="No")
    assert 'id="c-1-2-3-20261123"' in html and 'aria-labelledby="r-1-2-3 w-4"' in html
    assert 'aria-describedby="e-1-2-3-20261123"' in html


def test_a_cell_is_a_frozen_value():
    cell = Cell(1, 2, 3, MONDAY)
    with pytest.raises(AttributeError):
        cell.week = MONDAY  # type: ignore[misc]
    assert cell == Cell(1, 2, 3, MONDAY) and len({cell, Cell(1, 2, 3, MONDAY)}) == 1


@pytest.mark.django_db
def test_cell_objects_name_the_cell_they_hold(tenant):
    product, facility = pf.ProductFactory(tenant=tenant), pf.FacilityFactory(tenant=tenant)
    objects = CellObjects(product, None, facility)
    assert objects.cell(MONDAY) == Cell(product.pk, None, facility.pk, MONDAY)
    assert objects.present() == [product, facility]
