"""Master data: one list, edit and detail view per kind (products, brands, customers, facilities,
promotions, jobs, events, orders), built from one registry; a kind's detail page adds its own extras."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.tenancy.access import PLANNERS, tenant_view

from .. import access, actions, forms, reports
from ..models import (
    Brand,
    Customer,
    Event,
    Facility,
    Product,
    ProductionJob,
    Promotion,
    SalesOrder,
)
from ..shared_views import display_value, redirect_partner
from ..trails import trail_for_order

PLURAL = {
    "product": "products",
    "brand": "brands",
    "customer": "customers",
    "facility": "facilities",
    "promotion": "promotions",
    "job": "jobs",
    "event": "events",
    "order": "orders",
}
MASTER = {
    # kind: (model, form, access, plural label, list columns, search fields, select_related)
    "product": (
        Product,
        forms.ProductForm,
        access.access_product,
        "Products",
        ["sku", "name", "brand", "family", "unit", "case_size"],
        ["sku", "name", "family"],
        ["brand"],
    ),
    "brand": (Brand, forms.BrandForm, access.access_brand, "Brands", ["name"], ["name"], []),
    "customer": (
        Customer,
        forms.CustomerForm,
        access.access_customer,
        "Customers",
        ["code", "name", "owner"],
        ["code", "name"],
        ["owner"],
    ),
    "facility": (
        Facility,
        forms.FacilityForm,
        access.access_facility,
        "Facilities",
        ["code", "name", "kind"],
        ["code", "name"],
        [],
    ),
    "promotion": (
        Promotion,
        forms.PromotionForm,
        access.access_promotion,
        "Promotions",
        ["name", "customer", "brand", "start", "end"],
        ["name"],
        ["customer", "brand"],
    ),
    "job": (
        ProductionJob,
        forms.ProductionJobForm,
        access.access_job,
        "Production jobs",
        ["reference", "product", "facility", "start", "end", "qty"],
        ["reference"],
        ["product", "facility"],
    ),
    "event": (Event, forms.EventForm, access.access_event, "Events", ["name", "start", "end"], ["name"], []),
    "order": (
        SalesOrder,
        forms.OrderStatusForm,
        access.access_order,
        "Sales orders",
        ["number", "customer", "facility", "order_date", "ship_date", "status"],
        ["number"],
        ["customer", "facility"],
    ),
}


def master_list(kind):
    model, _form, _access, label, columns, search, related = MASTER[kind]

    @tenant_view
    def view(request, member):
        # tenant: each row's link (get_absolute_url) reads the tenant's slug
        qs = model.objects.filter(tenant=member.tenant).select_related("tenant", *related)
        q = request.GET.get("q", "").strip()[:100]
        if q:
            cond = Q()
            for f in search:
                cond |= Q(**{f"{f}__icontains": q})
            qs = qs.filter(cond)
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        rows = [(obj, [getattr(obj, c) for c in columns]) for obj in page]
        return render(
            request,
            "planning/master_list.html",
            {
                "kind": kind,
                "label": label,
                "columns": [c.replace("_", " ") for c in columns],
                "rows": rows,
                "page": page,
                "q": q,
                "can_edit": member.role in actions.EDIT_ROLES and kind != "order",
            },
        )

    view.__name__ = f"{kind}_list"
    return view


def master_edit(kind):
    model, form_class, access_fn, label, *_ = MASTER[kind]

    @tenant_view(roles=PLANNERS)
    @require_http_methods(["GET", "POST"])
    def view(request, member, **kwargs):
        obj = access_fn(member, kwargs[f"{kind}_id"]) if kwargs else model(tenant=member.tenant)
        form = form_class(request.POST or None, instance=obj, tenant=member.tenant)
        if request.method == "POST" and form.is_valid():
            values = {f: form.cleaned_data[f] for f in form.fields}
            fresh = access_fn(member, obj.pk) if obj.pk else model()
            obj = actions.do_save_object(
                tenant=member.tenant, obj=fresh, values=values, actor=member.user, verb_thing=kind
            )
            messages.success(request, f"Saved {obj}.")
            return redirect(obj.get_absolute_url())
        return render(
            request,
            "planning/master_edit.html",
            {"form": form, "obj": obj, "kind": kind, "label": label},
            status=422 if form.errors else 200,
        )

    view.__name__ = f"{kind}_edit"
    return view


def master_detail(kind):
    model, _form, access_fn, label, columns, *_ = MASTER[kind]

    @tenant_view(allow_external=True)
    def view(request, member, **kwargs):
        obj = access_fn(member, kwargs[f"{kind}_id"])
        if member.is_external:
            return redirect_partner(member, obj)
        ctx = {
            "obj": obj,
            "kind": kind,
            "label": label,
            "subject": obj.subject,
            "list_url": reverse(f"planning:{PLURAL[kind]}", kwargs={"tenant_slug": member.tenant.slug}),
            "fields": [(c.replace("_", " "), display_value(obj, c)) for c in columns],
            "trail": trail_for_subject(obj.subject),
            "panels": panels_for(member, obj.subject),
            "can_edit": member.role in actions.EDIT_ROLES,
        }
        ctx.update(DETAIL_EXTRAS.get(kind, lambda m, o: {})(member, obj))
        return render(request, "planning/master_detail.html", ctx)

    view.__name__ = f"{kind}_detail"
    return view


def _product_extras(member, product):
    return {**reports.product_report(member.tenant, product), "projection_link": f"?product={product.pk}"}


def _customer_extras(member, customer):
    return {
        **reports.customer_report(member.tenant, customer),
        "orders": customer.orders.select_related("facility")[:20],
    }


def _facility_extras(member, facility):
    return reports.facility_report(member.tenant, facility)


def _order_extras(member, order):
    # The order's trail is the whole story around it: see planning/trails.py.
    return {
        "lines": order.lines.select_related("product"),
        "trail": trail_for_order(order),
        "trail_title": "Everything that touched this order",
    }


def _brand_extras(member, brand):
    return {"products": brand.products.all()}


DETAIL_EXTRAS = {
    "product": _product_extras,
    "customer": _customer_extras,
    "facility": _facility_extras,
    "order": _order_extras,
    "brand": _brand_extras,
}
