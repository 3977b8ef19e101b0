"""Fetch-by-id scoped to the member's tenant; missing and other-tenant are the same 404.

Planning pages are internal: the views' guard refuses external partner users, so these helpers only need
the tenant scope. The one exception, an object's detail page, sends a partner to the generic subject page
of the object when it is shared with them (`shared_views.redirect_partner`, which checks the sharing).
"""

from typing import TypeVar

from django.db.models import Model, QuerySet
from django.http import Http404

from sopsocial.tenancy.models import Membership

from .models import (
    Brand,
    Customer,
    Event,
    Facility,
    PlanVersion,
    Product,
    ProductionJob,
    Promotion,
    SalesOrder,
)

M = TypeVar("M", bound=Model)


def _get(queryset: QuerySet[M], member: Membership, pk: int | str) -> M:
    try:
        return queryset.get(tenant=member.tenant, pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):  # type: ignore[attr-defined]
        raise Http404 from None


def access_product(member: Membership, product_id: int | str) -> Product:
    return _get(Product.objects.select_related("brand", "subject"), member, product_id)


def access_brand(member: Membership, brand_id: int | str) -> Brand:
    return _get(Brand.objects.select_related("subject"), member, brand_id)


def access_customer(member: Membership, customer_id: int | str) -> Customer:
    return _get(Customer.objects.select_related("owner", "subject"), member, customer_id)


def access_facility(member: Membership, facility_id: int | str) -> Facility:
    return _get(Facility.objects.select_related("subject"), member, facility_id)


def access_order(member: Membership, order_id: int | str) -> SalesOrder:
    return _get(SalesOrder.objects.select_related("customer", "facility", "subject"), member, order_id)


def access_promotion(member: Membership, promotion_id: int | str) -> Promotion:
    return _get(Promotion.objects.select_related("customer", "brand", "subject"), member, promotion_id)


def access_job(member: Membership, job_id: int | str) -> ProductionJob:
    return _get(ProductionJob.objects.select_related("facility", "product", "subject"), member, job_id)


def access_event(member: Membership, event_id: int | str) -> Event:
    return _get(Event.objects.select_related("subject"), member, event_id)


def access_version(member: Membership, version_id: int | str) -> PlanVersion:
    return _get(PlanVersion.objects.select_related("plan", "cycle", "subject", "tenant"), member, version_id)
