"""Fetch-by-id scoped to the member's tenant; missing and other-tenant are the same 404.

Planning pages are internal: the views' guard refuses external partner users, so these helpers only need
the tenant scope. The one exception, an object's detail page, sends a partner to the generic subject page
of the object when it is shared with them (`shared_views.redirect_partner`, which checks the sharing).
"""

from django.http import Http404

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


def _get(queryset, member, pk):
    try:
        return queryset.get(tenant=member.tenant, pk=int(pk))
    except (queryset.model.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_product(member, product_id):
    return _get(Product.objects.select_related("brand", "subject"), member, product_id)


def access_brand(member, brand_id):
    return _get(Brand.objects.select_related("subject"), member, brand_id)


def access_customer(member, customer_id):
    return _get(Customer.objects.select_related("owner", "subject"), member, customer_id)


def access_facility(member, facility_id):
    return _get(Facility.objects.select_related("subject"), member, facility_id)


def access_order(member, order_id):
    return _get(SalesOrder.objects.select_related("customer", "facility", "subject"), member, order_id)


def access_promotion(member, promotion_id):
    return _get(Promotion.objects.select_related("customer", "brand", "subject"), member, promotion_id)


def access_job(member, job_id):
    return _get(ProductionJob.objects.select_related("facility", "product", "subject"), member, job_id)


def access_event(member, event_id):
    return _get(Event.objects.select_related("subject"), member, event_id)


def access_version(member, version_id):
    return _get(PlanVersion.objects.select_related("plan", "cycle", "subject", "tenant"), member, version_id)
