"""A plan cell's coordinate: the one value the grid, the cell actions, the selectors and the alert links
pass around instead of four loose arguments (product, customer, facility, week).

`Cell` holds ids only, so it is cheap to build for every cell of the grid and to compare; `CellObjects`
holds the master-data rows a cell names (for titles, audit targets and feed tags), as `access_cell`
fetched them for the member's tenant.
"""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from .models import Customer, Facility, Product


@dataclass(frozen=True, slots=True)
class Cell:
    """Product x customer x facility x week; `customer_id` is None in supply plans (no customer)."""

    product_id: int
    customer_id: int | None
    facility_id: int
    week: dt.date

    def filter_kwargs(self) -> dict[str, Any]:
        """Keyword arguments selecting this cell on PlanEntry, PlanChange and CellNote (a None customer
        filters on IS NULL)."""
        return {
            "product_id": self.product_id,
            "customer_id": self.customer_id,
            "facility_id": self.facility_id,
            "week": self.week,
        }

    @property
    def row_key(self) -> str:
        """The grid row (series) this cell is on, as the grid's ids spell it: `<p>-<c|0>-<f>`."""
        return f"{self.product_id}-{self.customer_id or 0}-{self.facility_id}"

    @property
    def ident(self) -> str:
        """`<row_key>-<yyyymmdd>`: the grid names the cell's <td> `c-<ident>`, its message `e-<ident>`."""
        return f"{self.row_key}-{self.week:%Y%m%d}"

    @property
    def dom_id(self) -> str:
        """The grid cell's HTML id (alerts link straight to it)."""
        return f"c-{self.ident}"


@dataclass(frozen=True, slots=True)
class CellObjects:
    """The rows a cell names, fetched for the member's tenant."""

    product: Product
    customer: Customer | None
    facility: Facility

    def present(self) -> list[Product | Customer | Facility]:
        """Product, customer (when there is one) and facility, in that order."""
        return [o for o in (self.product, self.customer, self.facility) if o is not None]

    def cell(self, week: dt.date) -> Cell:
        return Cell(
            product_id=self.product.pk,
            customer_id=self.customer.pk if self.customer is not None else None,
            facility_id=self.facility.pk,
            week=week,
        )
