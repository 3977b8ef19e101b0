"""Fetch-by-id scoped to the member's tenant; missing and other-tenant are the same 404.

Planning pages are internal: the views' guard refuses external partner users, so these helpers only need
the tenant scope. The one exception, an object's detail page, sends a partner to the generic subject page
of the object when it is shared with them (`shared_views.redirect_partner`, which checks the sharing).
"""

import datetime as dt
from collections.abc import Mapping
from typing import Any, TypeVar

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Model, QuerySet
from django.http import Http404

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.models import Membership

from . import weeks as wk
from .cells import Cell, CellObjects
from .models import (
    Brand,
    Customer,
    Event,
    Facility,
    ImportJob,
    PlanCycle,
    PlanVersion,
    Product,
    ProductionJob,
    Promotion,
    Resource,
    SalesOrder,
    Supplier,
)

M = TypeVar("M", bound=Model)


def _get(queryset: QuerySet[M], member: Membership, pk: Any) -> M:
    number = ascii_int(pk)  # "٣" is not 3 here: ids are ASCII digits, as everywhere else
    if number is None:
        raise Http404
    try:
        return queryset.get(tenant=member.tenant, pk=number)
    except ObjectDoesNotExist:
        raise Http404 from None


def access_product(member: Membership, product_id: Any) -> Product:
    return _get(Product.objects.select_related("brand", "subject"), member, product_id)


def access_brand(member: Membership, brand_id: int | str) -> Brand:
    return _get(Brand.objects.select_related("subject"), member, brand_id)


def access_customer(member: Membership, customer_id: Any) -> Customer:
    return _get(Customer.objects.select_related("owner", "subject"), member, customer_id)


def access_facility(member: Membership, facility_id: Any) -> Facility:
    return _get(Facility.objects.select_related("subject"), member, facility_id)


def access_order(member: Membership, order_id: int | str) -> SalesOrder:
    return _get(SalesOrder.objects.select_related("customer", "facility", "subject"), member, order_id)


def access_promotion(member: Membership, promotion_id: int | str) -> Promotion:
    return _get(Promotion.objects.select_related("customer", "brand", "subject"), member, promotion_id)


def access_job(member: Membership, job_id: int | str) -> ProductionJob:
    return _get(ProductionJob.objects.select_related("facility", "product", "subject"), member, job_id)


def access_event(member: Membership, event_id: int | str) -> Event:
    return _get(Event.objects.select_related("subject"), member, event_id)


def access_resource(member: Membership, resource_id: int | str) -> Resource:
    return _get(Resource.objects.select_related("subject", "facility", "tenant"), member, resource_id)


def access_supplier(member: Membership, supplier_id: int | str) -> Supplier:
    return _get(Supplier.objects.select_related("partner"), member, supplier_id)


def access_cycle(member: Membership, cycle_id: int | str) -> PlanCycle:
    return _get(PlanCycle.objects.all(), member, cycle_id)


def access_version(member: Membership, version_id: int | str) -> PlanVersion:
    return _get(PlanVersion.objects.select_related("plan", "cycle", "subject", "tenant"), member, version_id)


def access_cell(
    member: Membership, version: PlanVersion, data: Mapping[str, Any]
) -> tuple[Cell, CellObjects]:
    """The cell a request names (`product`, `customer` when given, `facility`, `week`: any day of it) in
    one of the member's versions. Another tenant's ids, ids that are not numbers and a week that is not
    an ISO date are all the same 404; whether the cell fits the version (its weeks, customer or not) is
    the action's to refuse, with a message."""
    if version.tenant_id != member.tenant.pk:
        raise Http404
    objects = CellObjects(
        product=access_product(member, data.get("product")),
        customer=access_customer(member, data.get("customer")) if data.get("customer") else None,
        facility=access_facility(member, data.get("facility")),
    )
    try:
        week = wk.week_start(dt.date.fromisoformat(str(data.get("week"))))
    except ValueError:
        raise Http404 from None
    return objects.cell(week), objects


def access_import_job(member: Membership, import_job_id: int | str) -> ImportJob:
    return _get(ImportJob.objects.select_related("tenant", "created_by"), member, import_job_id)
