"""Planning factories. Followable models are saved through `save_with_subject`, as the actions do."""

import datetime as dt
from decimal import Decimal

import factory

from planning import actions
from planning.models import (
    Brand,
    Customer,
    Event,
    Facility,
    InventorySnapshot,
    PlanEntry,
    PlanType,
    Product,
    ProductionJob,
    Promotion,
    SalesOrder,
    SalesOrderLine,
    VersionStatus,
)
from sopsocial.subjects.actions import save_with_subject

from ..factories import TenantFactory

MONDAY = dt.date(2026, 11, 23)


class SubjectModelFactory(factory.django.DjangoModelFactory):
    class Meta:
        abstract = True

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        return save_with_subject(model_class(*args, **kwargs))


class BrandFactory(SubjectModelFactory):
    class Meta:
        model = Brand

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Brand {n}")


class ProductFactory(SubjectModelFactory):
    class Meta:
        model = Product

    tenant = factory.SubFactory(TenantFactory)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Product {n:05d}")
    brand = factory.SubFactory(BrandFactory, tenant=factory.SelfAttribute("..tenant"))
    family = "Cereal"


class CustomerFactory(SubjectModelFactory):
    class Meta:
        model = Customer

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"C{n:04d}")
    name = factory.Sequence(lambda n: f"Customer {n}")


class FacilityFactory(SubjectModelFactory):
    class Meta:
        model = Facility

    tenant = factory.SubFactory(TenantFactory)
    code = factory.Sequence(lambda n: f"F{n:03d}")
    name = factory.Sequence(lambda n: f"Facility {n}")
    kind = "depot"


class PromotionFactory(SubjectModelFactory):
    class Meta:
        model = Promotion

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Promo {n}")
    customer = factory.SubFactory(CustomerFactory, tenant=factory.SelfAttribute("..tenant"))
    brand = factory.SubFactory(BrandFactory, tenant=factory.SelfAttribute("..tenant"))
    start = MONDAY
    end = MONDAY + dt.timedelta(days=13)


class ProductionJobFactory(SubjectModelFactory):
    class Meta:
        model = ProductionJob

    tenant = factory.SubFactory(TenantFactory)
    reference = factory.Sequence(lambda n: f"JOB-{n}")
    facility = factory.SubFactory(FacilityFactory, tenant=factory.SelfAttribute("..tenant"))
    product = factory.SubFactory(ProductFactory, tenant=factory.SelfAttribute("..tenant"))
    start = MONDAY
    end = MONDAY + dt.timedelta(days=4)
    qty = Decimal(100)


class EventFactory(SubjectModelFactory):
    class Meta:
        model = Event

    tenant = factory.SubFactory(TenantFactory)
    name = factory.Sequence(lambda n: f"Event {n}")
    start = MONDAY
    end = MONDAY


def make_order(tenant, *, number="SO-1", qty=10, product=None, customer=None, facility=None):
    product = product or ProductFactory(tenant=tenant)
    order = SalesOrder(
        tenant=tenant,
        number=number,
        customer=customer or CustomerFactory(tenant=tenant),
        facility=facility or FacilityFactory(tenant=tenant),
        order_date=MONDAY,
        ship_date=MONDAY + dt.timedelta(days=7),
    )
    save_with_subject(order)
    SalesOrderLine.objects.create(order=order, line=1, product=product, qty=qty)
    return save_with_subject(order)


def make_version(
    tenant,
    plan_type=PlanType.DEMAND,
    *,
    status=VersionStatus.DRAFT,
    start=MONDAY,
    weeks=26,
    cells=(),
    based_on=None,
):
    """A version with `cells`: iterable of (product, customer or None, facility, week index, qty)."""
    plan = actions.ensure_plans(tenant)[plan_type]
    version = actions.do_create_version(
        tenant=tenant, plan=plan, start_week=start, weeks=weeks, status=status, based_on=based_on
    )
    PlanEntry.objects.bulk_create(
        PlanEntry(
            version=version, product=p, customer=c, facility=f, week=start + dt.timedelta(weeks=w), qty=q
        )
        for p, c, f, w, q in cells
    )
    return version


def make_snapshot(tenant, product, facility, on_hand, safety=0, as_of=MONDAY):
    return InventorySnapshot.objects.create(
        tenant=tenant, product=product, facility=facility, as_of=as_of, on_hand=on_hand, safety_stock=safety
    )


def make_resource(tenant, *, code="SAW", name="Saw", facility=None):
    """A resource written through the resources load (its Subject, under its facility's)."""
    from planning import imports

    facility = facility or FacilityFactory(tenant=tenant)
    clean, errors = imports.validate(
        tenant, "resources", [{"code": code, "name": name, "facility": facility.code}]
    )
    assert not errors, errors
    actions.do_load_rows(tenant, "resources", clean)
    return tenant.resources.get(code=code)


def make_supplier(tenant, *, code="WOOD", name="Wood supplier"):
    return actions.do_save_supplier(tenant=tenant, supplier=None, code=code, name=name)
