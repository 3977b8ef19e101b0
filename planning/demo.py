"""Northwind's planning data for STORY.md, anchored on the ISO week containing today (W+0).

Deterministic (seeded) and idempotent: a tenant that already has products is left alone. Objects are
bulk-created and audited as one `demo.load` event per object kind.

The story cell: Oat Crunch 500g at the Leeds depot. Weekly Leeds demand is exactly 2,000 cases in every
week of every version (Contoso Retail 1,200; Hartley's 300; Bramble Co-op 300; Kestrel Stores 200);
weekly supply (production) at Leeds is 2,000; on hand 6,000, safety stock 2,500. So projected stock is
6,000 in every week (never below safety). Raising Contoso W+3 to 4,800 makes W+3 demand 5,600 and the
projection 2,400 < 2,500 from W+3 on; adding 3,000 supply in W+2 brings it back to 5,400.
"""

import datetime as dt
import math
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.tenancy.models import Partner

from . import actions
from . import weeks as wk
from .models import (
    Actual,
    Brand,
    Capacity,
    Customer,
    Event,
    Facility,
    FacilityKind,
    InventorySnapshot,
    OrderStatus,
    PlanEntry,
    PlanType,
    Product,
    ProductionJob,
    Promotion,
    SalesOrder,
    SalesOrderLine,
    Supplier,
    VersionStatus,
)
from .verbs import PlanningVerb

SEED = 20260301
STORY_PRODUCT = "Oat Crunch 500g"
STORY_CUSTOMER = "Contoso Retail"
STORY_FACILITY = "Leeds depot"
STORY_ON_HAND, STORY_SAFETY, STORY_SUPPLY = 6000, 2500, 2000
LEEDS_OAT_DEMAND = {"CONTOSO": 1200, "HARTLEY": 300, "BRAMBLE": 300, "KESTREL": 200}
HISTORY_WEEKS = 104
HORIZON = 26

BRANDS = {
    "Crunchy": (
        "Cereal",
        [
            "Oat Crunch 500g",
            "Oat Crunch 1kg",
            "Honey Crunch 500g",
            "Choco Crunch 375g",
            "Nut Crunch 500g",
            "Fruit Crunch 500g",
            "Crunchy Bites 250g",
            "Crunchy Granola 750g",
            "Crunchy Clusters 400g",
            "Crunchy Bran 500g",
            "Crunchy Muesli 1kg",
            "Crunchy Puffs 300g",
            "Oat Crunch Bars 6x30g",
        ],
    ),
    "Morning Glory": (
        "Cereal",
        [
            "Porridge Oats 1kg",
            "Porridge Pots Golden Syrup",
            "Porridge Pots Berry",
            "Bircher Muesli 450g",
            "Overnight Oats Apple",
            "Overnight Oats Cocoa",
            "Instant Oats Sachets 10x",
            "Oat Milk Porridge 500g",
            "Jumbo Oats 1kg",
            "Spelt Flakes 500g",
            "Bran Flakes 750g",
            "Corn Flakes 500g",
            "Rice Pops 440g",
        ],
    ),
    "Nutty Farm": (
        "Spreads",
        [
            "Peanut Butter Smooth 340g",
            "Peanut Butter Crunchy 340g",
            "Almond Butter 170g",
            "Cashew Butter 170g",
            "Hazelnut Spread 400g",
            "Mixed Nut Butter 340g",
            "Salted Peanuts 200g",
            "Roasted Almonds 150g",
            "Trail Mix 250g",
            "Nut Bars 4x35g",
            "Pecan Halves 100g",
            "Walnut Pieces 150g",
            "Pistachios 150g",
        ],
    ),
    "Sunny Bakes": (
        "Bakery",
        [
            "Oat Cookies 200g",
            "Digestives 400g",
            "Shortbread 150g",
            "Ginger Nuts 250g",
            "Flapjack 4x",
            "Oat Crackers 300g",
            "Rye Crispbread 250g",
            "Scones 4x",
            "Crumpets 6x",
            "Teacakes 4x",
            "Malt Loaf 225g",
            "Brioche Rolls 8x",
            "Seeded Rolls 6x",
        ],
    ),
}
FACILITIES = [
    ("LEEDS", STORY_FACILITY, FacilityKind.DEPOT),
    ("WAKEFIELD", "Wakefield plant", FacilityKind.PLANT),
    ("DAVENTRY", "Daventry DC", FacilityKind.DC),
]
# code, name, ship-from facility
CUSTOMERS = [
    ("CONTOSO", STORY_CUSTOMER, "LEEDS"),
    ("HARTLEY", "Hartley's Grocers", "LEEDS"),
    ("BRAMBLE", "Bramble Co-op", "LEEDS"),
    ("KESTREL", "Kestrel Stores", "LEEDS"),
    ("FABRIKAM", "Fabrikam Foodhalls", "DAVENTRY"),
    ("NORTHWAY", "Northway Markets", "DAVENTRY"),
    ("TAILSPIN", "Tailspin Express", "DAVENTRY"),
    ("WOODGROVE", "Woodgrove Wholesale", "DAVENTRY"),
    ("LITWARE", "Litware Cash & Carry", "WAKEFIELD"),
    ("ADVENTURE", "Adventure Works Cafés", "WAKEFIELD"),
]
PRODUCTS_PER_CUSTOMER = 18


def _seasonal(week):
    return 1 + 0.15 * math.sin(2 * math.pi * week.isocalendar().week / 52)


def _audit_kind(tenant, kind, count):
    record(
        tenant=tenant,
        verb=PlanningVerb.DEMO_LOAD,
        actor_label="demo loader",
        target=f"{count} {kind}",
        after={"kind": kind, "count": count},
    )


def load(tenant, stdout):
    if Product.objects.filter(tenant=tenant).exists():
        stdout.write("planning: demo data already present, nothing changed")
        return
    with transaction.atomic():
        _load(tenant, stdout)


def _load(tenant, stdout):  # noqa: C901 - one linear script reads best here
    rng = random.Random(SEED)
    today = timezone.localdate()
    w0 = wk.this_week(today)
    User = get_user_model()
    users = {u.username: u for u in User.objects.filter(username__in=["alex", "priya", "morgan"])}

    brands = {name: save_with_subject(Brand(tenant=tenant, name=name)) for name in BRANDS}
    _audit_kind(tenant, "brands", len(brands))
    products, n = {}, 1000
    for brand_name, (family, names) in BRANDS.items():
        for name in names:
            n += 1
            products[name] = save_with_subject(
                Product(
                    tenant=tenant,
                    sku=f"NW-{n}",
                    name=name,
                    brand=brands[brand_name],
                    family=family,
                    unit="case",
                    case_size=rng.choice([6, 8, 10, 12]),
                )
            )
    _audit_kind(tenant, "products", len(products))
    facilities = {
        code: save_with_subject(Facility(tenant=tenant, code=code, name=name, kind=kind))
        for code, name, kind in FACILITIES
    }
    _audit_kind(tenant, "facilities", len(facilities))
    customers, home = {}, {}
    for code, name, fac in CUSTOMERS:
        owner = users.get("alex") if code == "CONTOSO" else None
        customers[code] = save_with_subject(Customer(tenant=tenant, code=code, name=name, owner=owner))
        home[code] = facilities[fac]
    _audit_kind(tenant, "customers", len(customers))
    partner = Partner.objects.filter(tenant=tenant, name="Oatfield Mills").first() or Partner.objects.create(
        tenant=tenant, name="Oatfield Mills", kind=Partner.Kind.SUPPLIER
    )
    Supplier.objects.get_or_create(tenant=tenant, partner=partner, defaults={"code": "OATFIELD"})
    _audit_kind(tenant, "suppliers", 1)

    # Assortment and base weekly volume per series (product x customer x facility)
    oat = products[STORY_PRODUCT]
    names = list(products)
    series = {}
    for code, _name, _fac in CUSTOMERS:
        picked = rng.sample([n for n in names if n != STORY_PRODUCT], PRODUCTS_PER_CUSTOMER)
        for name in picked:
            series[(products[name].pk, customers[code].pk, home[code].pk)] = rng.randint(40, 400)
        if code in LEEDS_OAT_DEMAND:
            series[(oat.pk, customers[code].pk, home[code].pk)] = LEEDS_OAT_DEMAND[code]
    story_keys = {(oat.pk, customers[c].pk, facilities["LEEDS"].pk) for c in LEEDS_OAT_DEMAND}

    def planned(key, week):
        if key in story_keys:
            return series[key]
        return round(series[key] * _seasonal(week))

    # Two years of weekly actuals: seasonality and noise around the base
    actual_rows = []
    for key, base in series.items():
        for i in range(HISTORY_WEEKS, 0, -1):
            week = w0 - dt.timedelta(weeks=i)
            qty = max(0, round(base * _seasonal(week) * rng.gauss(1, 0.12)))
            actual_rows.append(
                Actual(
                    tenant=tenant,
                    product_id=key[0],
                    customer_id=key[1],
                    facility_id=key[2],
                    week=week,
                    qty=qty,
                )
            )
    Actual.objects.bulk_create(actual_rows, batch_size=2000)
    _audit_kind(tenant, "actuals", len(actual_rows))

    plans = actions.ensure_plans(tenant)
    demand_plan, supply_plan = plans[PlanType.DEMAND], plans[PlanType.SUPPLY]
    creator = users.get("alex")

    def demand_version(start, status, **kw):
        v = actions.do_create_version(
            tenant=tenant,
            plan=demand_plan,
            start_week=start,
            weeks=HORIZON,
            status=status,
            actor=creator,
            **kw,
        )
        PlanEntry.objects.bulk_create(
            [
                PlanEntry(
                    version=v, product_id=k[0], customer_id=k[1], facility_id=k[2], week=w, qty=planned(k, w)
                )
                for k in series
                for w in wk.week_range(start, HORIZON)
            ],
            batch_size=2000,
        )
        return v

    last_cycle = (w0.replace(day=1) - dt.timedelta(days=1)).replace(day=1)
    old = demand_version(
        w0 - dt.timedelta(weeks=13), VersionStatus.SUPERSEDED, name="previous cycle", cycle_day=last_cycle
    )
    published = demand_version(w0, VersionStatus.PUBLISHED, based_on=old, name="consensus")
    draft = demand_version(w0, VersionStatus.DRAFT, based_on=published, name="working")
    _audit_kind(tenant, "demand plan entries", 3 * len(series) * HORIZON)

    # Supply = demand per product x facility each week, so projected stock holds at on hand.
    supply_by = {}
    for k in series:
        supply_by.setdefault((k[0], k[2]), []).append(k)

    def supply_version(status, **kw):
        v = actions.do_create_version(
            tenant=tenant,
            plan=supply_plan,
            start_week=w0,
            weeks=HORIZON,
            status=status,
            actor=users.get("priya"),
            **kw,
        )
        rows = []
        for (p, f), keys in supply_by.items():
            for w in wk.week_range(w0, HORIZON):
                rows.append(
                    PlanEntry(
                        version=v, product_id=p, facility_id=f, week=w, qty=sum(planned(k, w) for k in keys)
                    )
                )
        PlanEntry.objects.bulk_create(rows, batch_size=2000)
        return v

    supply_published = supply_version(VersionStatus.PUBLISHED, name="consensus")
    supply_version(VersionStatus.DRAFT, based_on=supply_published, name="working")
    _audit_kind(tenant, "supply plan entries", 2 * len(supply_by) * HORIZON)
    assert draft.based_on_id == published.pk

    snaps = []
    for (p, f), keys in supply_by.items():
        weekly = sum(series[k] for k in keys)
        if p == oat.pk and f == facilities["LEEDS"].pk:
            on_hand, safety = STORY_ON_HAND, STORY_SAFETY
        else:
            on_hand, safety = weekly * 3, round(weekly * 1.5)
        snaps.append(
            InventorySnapshot(
                tenant=tenant, product_id=p, facility_id=f, as_of=w0, on_hand=on_hand, safety_stock=safety
            )
        )
    InventorySnapshot.objects.bulk_create(snaps)
    _audit_kind(tenant, "inventory snapshots", len(snaps))

    plant = facilities["WAKEFIELD"]
    plant_load = sum(series[k] for k in series if k[2] == plant.pk)
    Capacity.objects.bulk_create(
        [
            Capacity(tenant=tenant, facility=plant, week=w, capacity=round(plant_load * 1.3))
            for w in wk.week_range(w0, HORIZON)
        ]
    )
    _audit_kind(tenant, "capacities", HORIZON)

    # A few past orders, promotions, production jobs and events so every screen has something.
    order_count = 0
    for i, (code, _name, _fac) in enumerate(CUSTOMERS):
        keys = [k for k in series if k[1] == customers[code].pk][:3]
        order_day = today - dt.timedelta(days=7 + 3 * i)
        order = SalesOrder(
            tenant=tenant,
            number=f"SO-{5000 + i}",
            customer=customers[code],
            facility=home[code],
            order_date=order_day,
            ship_date=order_day + dt.timedelta(days=5),
            status=OrderStatus.SHIPPED,
        )
        save_with_subject(order)
        SalesOrderLine.objects.bulk_create(
            [
                SalesOrderLine(order=order, line=j + 1, product_id=k[0], qty=Decimal(series[k]))
                for j, k in enumerate(keys)
            ]
        )
        save_with_subject(order)  # parents now include the lines' products
        order_count += 1
    _audit_kind(tenant, "sales orders", order_count)
    promo = Promotion(
        tenant=tenant,
        name="Contoso Crunchy spring promo",
        customer=customers["CONTOSO"],
        brand=brands["Crunchy"],
        start=w0 + dt.timedelta(weeks=3),
        end=w0 + dt.timedelta(weeks=5),
    )
    save_with_subject(promo)
    save_with_subject(
        Promotion(
            tenant=tenant,
            name="Fabrikam breakfast week",
            customer=customers["FABRIKAM"],
            brand=brands["Morning Glory"],
            start=w0 + dt.timedelta(weeks=8),
            end=w0 + dt.timedelta(weeks=9),
        )
    )
    _audit_kind(tenant, "promotions", 2)
    for i, name in enumerate(["Oat Crunch 1kg", "Porridge Oats 1kg", "Digestives 400g"]):
        start = w0 + dt.timedelta(weeks=i + 1)
        save_with_subject(
            ProductionJob(
                tenant=tenant,
                reference=f"JOB-{700 + i}",
                facility=plant,
                product=products[name],
                start=start,
                end=start + dt.timedelta(days=4),
                qty=Decimal(2400 + 600 * i),
            )
        )
    _audit_kind(tenant, "production jobs", 3)
    save_with_subject(
        Event(
            tenant=tenant,
            name="Leeds depot stock count",
            start=w0 + dt.timedelta(weeks=6),
            end=w0 + dt.timedelta(weeks=6, days=1),
            description="Annual count: no despatch.",
        )
    )
    save_with_subject(
        Event(
            tenant=tenant,
            name="Bank holiday",
            start=w0 + dt.timedelta(weeks=10),
            end=w0 + dt.timedelta(weeks=10),
            description="Plants closed.",
        )
    )
    _audit_kind(tenant, "events", 2)
    stdout.write(
        f"planning: {len(products)} products, {len(customers)} customers, {len(facilities)} facilities, "
        f"{len(series)} demand series, {len(actual_rows)} actuals, demand v{old.number}-v{draft.number}, "
        f"supply v1-v2 from week of {w0:%d %b %Y}"
    )
