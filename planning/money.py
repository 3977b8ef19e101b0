"""The plan in money: revenue = units × price (a customer's own price where there is one, else the
product's), cost = units × standard cost, margin = revenue − cost; all in the tenant's currency.

Pure functions over demand frames (`plan_math` shapes) plus the one read of a tenant's prices, so
versions, layers and scenarios are valued the same way. Units without a price (or a cost) are counted
apart (`unpriced_units`, `uncosted_units`) rather than valued at 0 silently: a plan value that quietly
leaves out a product would mislead more than one that says what it could not value."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import pandas as pd

from .models import CustomerPrice, Product

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Tenant

PRICE_COLUMNS = ["product_id", "price", "standard_cost"]
CUSTOMER_PRICE_COLUMNS = ["product_id", "customer_id", "customer_price"]


@dataclass(frozen=True)
class Prices:
    """A tenant's price list as frames: per product (price, standard_cost; NaN where unknown) and per
    product × customer (customer_price)."""

    products: pd.DataFrame
    customers: pd.DataFrame


@dataclass(frozen=True)
class Value:
    units: float
    revenue: float
    cost: float
    margin: float
    unpriced_units: float
    uncosted_units: float

    @property
    def margin_pct(self) -> float | None:
        return 100 * self.margin / self.revenue if self.revenue else None


def prices_for(tenant: Tenant) -> Prices:
    """Two queries, whatever the size of the plan."""
    products = pd.DataFrame(
        list(Product.objects.filter(tenant=tenant).values_list("pk", "price", "standard_cost")),
        columns=PRICE_COLUMNS,
    )
    customers = pd.DataFrame(
        list(CustomerPrice.objects.filter(tenant=tenant).values_list("product_id", "customer_id", "price")),
        columns=CUSTOMER_PRICE_COLUMNS,
    )
    for df, cols in ((products, ["price", "standard_cost"]), (customers, ["customer_price"])):
        for col in cols:
            df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    return Prices(products.astype({"product_id": "int64"}), customers.astype({"product_id": "int64"}))


def valued(demand: pd.DataFrame, prices: Prices) -> pd.DataFrame:
    """The demand frame with `price`, `unit_cost`, `revenue`, `cost` and `margin` columns (NaN where
    the price or cost is unknown). Supply frames (no customer) take the product's price."""
    df = demand.merge(prices.products, on="product_id", how="left")
    if "customer_id" in df and not prices.customers.empty:
        df = df.merge(prices.customers, on=["product_id", "customer_id"], how="left")
        df["price"] = df["customer_price"].where(df["customer_price"].notna(), df["price"])
        df = df.drop(columns=["customer_price"])
    df = df.rename(columns={"standard_cost": "unit_cost"})
    df["revenue"] = df["qty"] * df["price"]
    df["cost"] = df["qty"] * df["unit_cost"]
    df["margin"] = df["revenue"] - df["cost"]
    return df


def value_of(demand: pd.DataFrame, prices: Prices) -> Value:
    """Totals of a demand (or supply) frame. Margin counts only units with both a price and a cost."""
    if demand.empty:
        return Value(0.0, 0.0, 0.0, 0.0, 0.0, 0.0)
    df = valued(demand, prices)
    both = df["price"].notna() & df["unit_cost"].notna()
    return Value(
        units=float(df["qty"].sum()),
        revenue=float(df["revenue"].sum(skipna=True)),
        cost=float(df["cost"].sum(skipna=True)),
        margin=float(df.loc[both, "margin"].sum()),
        unpriced_units=float(df.loc[df["price"].isna(), "qty"].sum()),
        uncosted_units=float(df.loc[df["unit_cost"].isna(), "qty"].sum()),
    )
