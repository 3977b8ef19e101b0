"""Reads shared by views, the API, exports and the alerts evaluator: versions, grid rows, plan frames."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from django.db.models import Q, QuerySet

from sopsocial.pages.filters import where_filled, where_given
from sopsocial.tenancy.models import Tenant

from . import plan_math as pm
from . import weeks as wk
from .cells import Cell
from .frames import read_frame
from .models import (
    Actual,
    Brand,
    CellNote,
    Customer,
    Facility,
    InventorySnapshot,
    PlanChange,
    PlanEntry,
    PlanType,
    PlanVersion,
    Product,
    VersionStatus,
)

GRID_MAX_ROWS = 600


def versions_for(tenant: Tenant) -> QuerySet[PlanVersion]:
    return (
        PlanVersion.objects.filter(tenant=tenant)
        # tenant and based_on: each row's link and "based on vN" column
        .select_related("plan", "cycle", "created_by", "subject", "tenant", "based_on")
        .order_by("plan__plan_type", "-number")
    )


def working_version(tenant: Tenant, plan_type: str) -> PlanVersion | None:
    """The newest version still in play (a draft being worked on, else the published one)."""
    return (
        PlanVersion.objects.filter(tenant=tenant, plan__plan_type=plan_type)
        .exclude(status=VersionStatus.SUPERSEDED)
        .select_related("plan", "cycle", "subject")
        .order_by("-number")
        .first()
    )


def published_version(tenant: Tenant, plan_type: str) -> PlanVersion | None:
    return (
        PlanVersion.objects.filter(tenant=tenant, plan__plan_type=plan_type, status=VersionStatus.PUBLISHED)
        .select_related("plan", "cycle", "subject")
        .first()
    )


def previous_version(version: PlanVersion) -> PlanVersion | None:
    """What a version is compared with: the version it was copied from, else the last frozen one."""
    if version.based_on_id:
        return PlanVersion.objects.select_related("plan", "cycle", "subject").get(pk=version.based_on_id)
    return (
        PlanVersion.objects.filter(
            plan=version.plan,
            number__lt=version.number,
            status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED],
        )
        .select_related("plan", "cycle", "subject")
        .order_by("-number")
        .first()
    )


def version_weeks(version: PlanVersion) -> list[dt.date]:
    return wk.week_range(version.start_week, version.weeks)


# --- frames --------------------------------------------------------------------------------------


def _entry_filter(
    version: PlanVersion,
    product_ids: Iterable[int] | None = None,
    customer_ids: Iterable[int] | None = None,
    facility_ids: Iterable[int] | None = None,
) -> QuerySet[PlanEntry]:
    return where_given(
        PlanEntry.objects.filter(version=version),
        product_id__in=product_ids,
        customer_id__in=customer_ids,
        facility_id__in=facility_ids,
    )


def demand_frame(version: PlanVersion | None, **filters: Iterable[int] | None) -> pd.DataFrame:
    if version is None:
        return pm.frame([], pm.DEMAND_COLUMNS)
    return read_frame(_entry_filter(version, **filters), pm.DEMAND_COLUMNS)


def supply_frame(version: PlanVersion | None, **filters: Iterable[int] | None) -> pd.DataFrame:
    if version is None:
        return pm.frame([], pm.SUPPLY_COLUMNS)
    filters.pop("customer_ids", None)
    return read_frame(_entry_filter(version, **filters), pm.SUPPLY_COLUMNS)


def stock_frame(
    tenant: Tenant,
    as_of: dt.date | None = None,
    product_ids: Iterable[int] | None = None,
    facility_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """The latest snapshot per product x facility on or before `as_of`."""
    qs = where_given(
        InventorySnapshot.objects.filter(tenant=tenant),
        as_of__lte=as_of,
        product_id__in=product_ids,
        facility_id__in=facility_ids,
    )
    df = read_frame(qs, ["product_id", "facility_id", "as_of", "on_hand", "safety_stock"])
    df = df.sort_values("as_of").drop_duplicates(["product_id", "facility_id"], keep="last")
    return df[pm.STOCK_COLUMNS].reset_index(drop=True)


def projection_for(
    tenant: Tenant,
    demand_version: PlanVersion | None,
    supply_version: PlanVersion | None,
    product_ids: Iterable[int] | None = None,
    facility_ids: Iterable[int] | None = None,
) -> pd.DataFrame:
    """Projected stock for the working demand and supply versions over the supply version's weeks."""
    anchor = supply_version or demand_version
    if anchor is None:
        return pd.DataFrame(columns=pm.PROJECTION_COLUMNS)
    filters = {"product_ids": product_ids, "facility_ids": facility_ids}
    demand = demand_frame(demand_version, **filters)
    supply = supply_frame(supply_version, **filters)
    stock = stock_frame(tenant, as_of=anchor.start_week + dt.timedelta(days=6), **filters)
    return pm.projection(demand, supply, stock, version_weeks(anchor))


def actuals_frame(
    tenant: Tenant,
    product_ids: Iterable[int] | None = None,
    customer_ids: Iterable[int] | None = None,
    since: dt.date | None = None,
) -> pd.DataFrame:
    qs = where_given(
        Actual.objects.filter(tenant=tenant),
        product_id__in=product_ids,
        customer_id__in=customer_ids,
        week__gte=since,
    )
    return read_frame(qs, pm.DEMAND_COLUMNS)


def frozen_forecast_frame(
    tenant: Tenant, product_ids: Iterable[int] | None = None, before: dt.date | None = None
) -> pd.DataFrame:
    """What was forecast for each past week: the cell of the latest frozen (published or superseded)
    demand version that holds it."""
    qs = PlanEntry.objects.filter(
        version__tenant=tenant,
        version__plan__plan_type=PlanType.DEMAND,
        version__status__in=[VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED],
    )
    qs = where_given(qs, week__lt=before, product_id__in=product_ids)
    df = read_frame(qs, ["version__number", *pm.DEMAND_COLUMNS]).rename(columns={"version__number": "number"})
    keys = ["product_id", "customer_id", "facility_id", "week"]
    df = df.sort_values("number").drop_duplicates(keys, keep="last")
    return df[pm.DEMAND_COLUMNS].reset_index(drop=True)


# --- the grid ------------------------------------------------------------------------------------


@dataclass
class GridRow:
    product: Product
    customer: Customer | None
    facility: Facility
    cells: list[tuple[dt.date, float, int, bool]]  # [(week, qty, revision, has_note)]
    cells_html: str = ""  # rendered by the view
    total: float = 0.0

    @property
    def key(self) -> str:
        return f"{self.product.pk}-{self.customer.pk if self.customer else 0}-{self.facility.pk}"


@dataclass
class Grid:
    version: PlanVersion
    weeks: list[dt.date]
    rows: list[GridRow] = field(default_factory=list)
    week_totals: list[float] = field(default_factory=list)
    total: float = 0.0
    truncated: bool = False


def grid_for(
    version: PlanVersion,
    *,
    brand_id: int | None = None,
    family: str | None = None,
    customer_id: int | None = None,
    facility_id: int | None = None,
    q: str | None = None,
    add_product: int | None = None,
) -> Grid:
    """One row per series (product x customer x facility for demand, product x facility for supply)
    that has cells in the version, filtered; a fixed number of queries whatever the row count:
    products, entries, customers, facilities, cell notes. `add_product` (with the customer and facility
    filters) adds that series as an empty row, so a planner can start a new one."""
    weeks = version_weeks(version)
    # tenant too: get_absolute_url() needs its slug on every row
    products = Product.objects.filter(tenant_id=version.tenant_id).select_related("brand", "tenant")
    products = where_filled(products, brand_id=brand_id, family=family)
    if q:
        products = products.filter(Q(name__icontains=q) | Q(sku__icontains=q))
    products = {p.pk: p for p in products}  # type: ignore[assignment]
    entries = PlanEntry.objects.filter(
        version=version, product_id__in=list(products), week__gte=weeks[0], week__lte=weeks[-1]
    )
    entries = where_filled(entries, customer_id=customer_id, facility_id=facility_id)
    values: list[Any] = list(
        entries.values_list("product_id", "customer_id", "facility_id", "week", "qty", "revision")
    )
    series: dict[tuple[Any, ...], dict[dt.date, tuple[float, int]]] = {}
    for p, c, f, w, qty, rev in values:
        series.setdefault((p, c, f), {})[w] = (float(qty), rev)
    customers = (
        {c.pk: c for c in Customer.objects.filter(tenant_id=version.tenant_id).select_related("subject")}
        if version.is_demand
        else {}
    )
    facilities = {f.pk: f for f in Facility.objects.filter(tenant_id=version.tenant_id)}
    if add_product in products and facility_id in facilities:
        if not version.is_demand:
            series.setdefault((add_product, None, facility_id), {})
        elif customer_id in customers:
            series.setdefault((add_product, customer_id, facility_id), {})
    noted = set(
        CellNote.objects.filter(version=version, post__deleted_at__isnull=True).values_list(
            "product_id", "customer_id", "facility_id", "week"
        )
    )
    keys = sorted(
        series,
        key=lambda k: (products[k[0]].name, customers[k[1]].name if k[1] else "", facilities[k[2]].name),
    )
    grid = Grid(version=version, weeks=weeks, truncated=len(keys) > GRID_MAX_ROWS)
    week_totals = [0.0] * len(weeks)
    for p, c, f in keys[:GRID_MAX_ROWS]:
        cells, total = [], 0.0
        for i, w in enumerate(weeks):
            qty, rev = series[(p, c, f)].get(w, (0.0, 0))
            cells.append((w, qty, rev, (p, c, f, w) in noted))
            total += qty
            week_totals[i] += qty
        grid.rows.append(GridRow(products[p], customers.get(c), facilities[f], cells, total=total))
    grid.week_totals = week_totals
    grid.total = sum(week_totals)
    return grid


def filter_options(tenant: Tenant) -> dict[str, list[Any]]:
    return {
        "brands": list(Brand.objects.filter(tenant=tenant).values_list("pk", "name")),
        "families": list(
            Product.objects.filter(tenant=tenant)
            .exclude(family="")
            .order_by("family")
            .values_list("family", flat=True)
            .distinct()
        ),
        "customers": list(Customer.objects.filter(tenant=tenant).values_list("pk", "name")),
        "facilities": list(Facility.objects.filter(tenant=tenant).values_list("pk", "name")),
    }


def cell_history(version: PlanVersion, cell: Cell) -> list[PlanChange]:
    return list(version.changes.filter(**cell.filter_kwargs()).select_related("changed_by"))


def cell_notes(version: PlanVersion, cell: Cell) -> list[CellNote]:
    """The cell's conversation; posts deleted in feeds drop out (their anchor stays harmlessly)."""
    return list(
        CellNote.objects.filter(
            version=version, **cell.filter_kwargs(), post__deleted_at__isnull=True
        ).select_related("post", "post__author")
    )


def compare_versions(a: PlanVersion, b: PlanVersion) -> tuple[pd.DataFrame, list[str]]:
    """Cells of two versions side by side: dims + week, qty (a), qty_prev (b), delta, changed."""
    dims = ["product_id", "customer_id", "facility_id"] if a.is_demand else ["product_id", "facility_id"]
    fa = demand_frame(a) if a.is_demand else supply_frame(a)
    fb = demand_frame(b) if b.is_demand else supply_frame(b)
    if not a.is_demand:
        fa, fb = fa.assign(customer_id=None), fb.assign(customer_id=None)
    return pm.version_delta(fa, fb, dims), dims
