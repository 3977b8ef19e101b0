"""A small Northwind for evaluation tests: the STORY numbers for Oat Crunch 500g, Contoso and Leeds.

Leeds: on hand 6,000, safety stock 2,500; weekly demand 1,200 (Contoso) + 800 (Tesco) = 2,000; weekly
supply 2,000. Raising Contoso's W+3 to 4,800 drops projected stock to 2,400 in W+3 (below safety);
adding 3,000 cases of supply in W+2 lifts it to 5,400.
"""

import datetime
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils import timezone

from planning import weeks as wk
from planning.actions import check_new_draft_from, do_create_version, ensure_plans
from planning.models import (
    Brand,
    Customer,
    Facility,
    InventorySnapshot,
    PlanEntry,
    Product,
    SalesOrder,
    SalesOrderLine,
    VersionStatus,
)
from sopsocial.subjects.actions import save_with_subject


def this_week():
    return wk.this_week()


def week(n):
    return this_week() + datetime.timedelta(weeks=n)


@dataclass
class World:
    tenant: object
    member: object
    crunchy: object
    snacky: object
    oat: object
    crisps: object
    contoso: object
    tesco: object
    leeds: object
    demand_v1: object
    demand_v2: object
    supply: object


def build(member, weeks=8):
    tenant = member.tenant
    with transaction.atomic():
        crunchy = save_with_subject(Brand(tenant=tenant, name="Crunchy"))
        snacky = save_with_subject(Brand(tenant=tenant, name="Snacky"))
        oat = save_with_subject(
            Product(tenant=tenant, sku="OC500", name="Oat Crunch 500g", brand=crunchy, family="Cereal")
        )
        crisps = save_with_subject(
            Product(tenant=tenant, sku="SC150", name="Sea Salt Crisps", brand=snacky, family="Snacks")
        )
        contoso = save_with_subject(
            Customer(tenant=tenant, code="CON", name="Contoso Retail", owner=member.user)
        )
        tesco = save_with_subject(Customer(tenant=tenant, code="TES", name="Tesco"))
        leeds = save_with_subject(Facility(tenant=tenant, code="LEE", name="Leeds depot", kind="depot"))
        InventorySnapshot.objects.create(
            tenant=tenant,
            product=oat,
            facility=leeds,
            as_of=this_week(),
            on_hand=Decimal(6000),
            safety_stock=Decimal(2500),
        )
        InventorySnapshot.objects.create(
            tenant=tenant,
            product=crisps,
            facility=leeds,
            as_of=this_week(),
            on_hand=Decimal(900),
            safety_stock=Decimal(100),
        )
        plans = ensure_plans(tenant)
        v1 = do_create_version(
            tenant=tenant,
            plan=plans["demand"],
            start_week=this_week(),
            weeks=weeks,
            status=VersionStatus.PUBLISHED,
        )
        PlanEntry.objects.bulk_create(
            [
                PlanEntry(version=v1, product=oat, customer=contoso, facility=leeds, week=week(k), qty=1200)
                for k in range(weeks)
            ]
            + [
                PlanEntry(version=v1, product=oat, customer=tesco, facility=leeds, week=week(k), qty=800)
                for k in range(weeks)
            ]
            + [
                PlanEntry(version=v1, product=crisps, customer=contoso, facility=leeds, week=week(k), qty=100)
                for k in range(weeks)
            ]
        )
        supply = do_create_version(tenant=tenant, plan=plans["supply"], start_week=this_week(), weeks=weeks)
        PlanEntry.objects.bulk_create(
            [
                PlanEntry(version=supply, product=oat, facility=leeds, week=week(k), qty=2000)
                for k in range(weeks)
            ]
            + [
                PlanEntry(version=supply, product=crisps, facility=leeds, week=week(k), qty=100)
                for k in range(weeks)
            ]
        )
    v2 = check_new_draft_from(member, v1)
    return World(tenant, member, crunchy, snacky, oat, crisps, contoso, tesco, leeds, v1, v2, supply)


def order(world, number="SO-1001", qty=3600, product=None, status="open"):
    with transaction.atomic():
        so = SalesOrder(
            tenant=world.tenant,
            number=number,
            customer=world.contoso,
            facility=world.leeds,
            order_date=timezone.localdate(),
            ship_date=week(3),
            status=status,
        )
        so.subject = None
        so = save_with_subject(so)
        SalesOrderLine.objects.create(order=so, line=1, product=product or world.oat, qty=qty)
        save_with_subject(so)  # its products are parents now
    return so
