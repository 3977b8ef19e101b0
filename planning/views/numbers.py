"""The numbers pages: compare two versions, projected stock, forecast accuracy. The shaping lives in
planning.reports; these parse the query and render."""

from django.http import Http404, HttpResponse
from django.shortcuts import render

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.access import tenant_view

from .. import access, exports, reports, selectors
from ..models import Facility, Product


def _picked(member, params, key, access_by_id):
    """The object whose id the query names under `key`, None when absent; 404 for a malformed id."""
    if not params.get(key):
        return None
    pk = ascii_int(params[key])
    if pk is None:
        raise Http404
    return access_by_id(member, pk)


@tenant_view
def compare(request, member):
    all_versions = list(selectors.versions_for(member.tenant))
    a = _picked(member, request.GET, "a", access.access_version)
    b = _picked(member, request.GET, "b", access.access_version)
    ctx = {"versions": all_versions, "a": a, "b": b}
    if a and b:
        if a.plan_id != b.plan_id:
            ctx["error"] = "Compare two versions of the same plan."
        elif request.GET.get("format") == "csv":
            rows = reports.compare_report(member.tenant, a, b, limit=None)["rows"]
            columns = [("product", "product"), ("customer", "customer"), ("facility", "facility")]
            columns += [("week", "week"), ("a", f"v{a.number}"), ("b", f"v{b.number}"), ("delta", "delta")]
            return _csv(exports.rows_csv(rows, columns), f"{a.plan.plan_type}-v{a.number}-vs-v{b.number}.csv")
        else:
            ctx.update(reports.compare_report(member.tenant, a, b, limit=reports.COMPARE_ROWS))
    return render(request, "planning/compare.html", ctx)


def _csv(body, name):
    response = HttpResponse(body, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@tenant_view
def projection(request, member):
    product = _picked(member, request.GET, "product", access.access_product)
    facility = _picked(member, request.GET, "facility", access.access_facility)
    if request.GET.get("format") == "csv":
        rows = reports.projection_report(member.tenant, product, facility, limit=None)["summary"]
        columns = [("product", "product"), ("facility", "facility"), ("first", "first week below")]
        return _csv(exports.rows_csv(rows, [*columns, ("weeks", "weeks below")]), "below-safety-stock.csv")
    return render(
        request,
        "planning/projection.html",
        {
            **reports.projection_report(member.tenant, product, facility, limit=reports.BELOW_SAFETY_ROWS),
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
