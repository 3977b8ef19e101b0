"""The numbers pages: compare two versions, projected stock, forecast accuracy. The shaping lives in
planning.reports; these parse the query and render."""

from django.shortcuts import render

from sopsocial.tenancy.access import tenant_view

from .. import access, reports, selectors
from ..models import Facility, Product


@tenant_view
def compare(request, member):
    all_versions = list(selectors.versions_for(member.tenant))
    a = access.access_version(member, request.GET["a"]) if request.GET.get("a") else None
    b = access.access_version(member, request.GET["b"]) if request.GET.get("b") else None
    ctx = {"versions": all_versions, "a": a, "b": b}
    if a and b:
        if a.plan_id != b.plan_id:
            ctx["error"] = "Compare two versions of the same plan."
        else:
            ctx.update(reports.compare_report(member.tenant, a, b))
    return render(request, "planning/compare.html", ctx)


@tenant_view
def projection(request, member):
    product = access.access_product(member, request.GET["product"]) if request.GET.get("product") else None
    facility = (
        access.access_facility(member, request.GET["facility"]) if request.GET.get("facility") else None
    )
    return render(
        request,
        "planning/projection.html",
        {
            **reports.projection_report(member.tenant, product, facility),
            "product": product,
            "facility": facility,
            "products": Product.objects.filter(tenant=member.tenant),
            "facilities": Facility.objects.filter(tenant=member.tenant),
        },
    )


@tenant_view
def accuracy(request, member):
    by = "customer_id" if request.GET.get("by") == "customer" else "product_id"
    return render(request, "planning/accuracy.html", {**reports.accuracy_report(member.tenant, by), "by": by})
