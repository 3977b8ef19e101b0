"""Money by hand: a customer's own price wins over the product's; units without a price or cost are
counted apart, not valued at 0; margin counts only units with both."""

from decimal import Decimal

import pandas as pd
import pytest

from planning import money
from planning import plan_math as pm
from planning.models import CustomerPrice

from .factories import CustomerFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_value_of_a_demand_frame_by_hand(tenant):
    priced = ProductFactory(tenant=tenant, price=Decimal("2.50"), standard_cost=Decimal("1.50"))
    no_cost = ProductFactory(tenant=tenant, price=Decimal("4"))
    no_price = ProductFactory(tenant=tenant)
    big, small = CustomerFactory(tenant=tenant), CustomerFactory(tenant=tenant)
    CustomerPrice.objects.create(tenant=tenant, product=priced, customer=big, price=Decimal("2.00"))
    week = pd.Timestamp("2026-11-23")
    demand = pm.frame(
        [
            (priced.pk, big.pk, 1, week, 100),  # 100 x 2.00 (own price), cost 150, margin 50
            (priced.pk, small.pk, 1, week, 10),  # 10 x 2.50, cost 15, margin 10
            (no_cost.pk, small.pk, 1, week, 5),  # revenue 20, no cost
            (no_price.pk, small.pk, 1, week, 7),  # unpriced
        ],
        pm.DEMAND_COLUMNS,
    )
    value = money.value_of(demand, money.prices_for(tenant))
    assert value.units == 122
    assert value.revenue == pytest.approx(245)
    assert value.cost == pytest.approx(165)
    assert value.margin == pytest.approx(60)
    assert (value.unpriced_units, value.uncosted_units) == (7, 12)
    assert money.value_of(pm.frame([], pm.DEMAND_COLUMNS), money.prices_for(tenant)).revenue == 0
