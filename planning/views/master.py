"""Master data: one list, edit and detail view per kind (products, brands, customers, facilities,
promotions, jobs, events, orders), built from one registry; a kind's detail page adds its own extras."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Model, Q
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.models import Membership
from sopsocial.tenancy.policy import Perm, can

from .. import access, actions, forms, reports
from ..models import (
    Brand,
    Customer,
    Event,
    Facility,
    Product,
    ProductionJob,
    Promotion,
    Resource,
    SalesOrder,
)
from ..shared_views import display_value, redirect_partner
from ..trails import trail_for_order


@dataclass(frozen=True)
class MasterKind:
    """One kind of master data: everything its list, edit and detail pages and its URLs need."""

    key: str  # URL kwarg f"{key}_id"; URL names key, f"{key}_edit", f"{key}_new"; the audit's thing
    plural: str  # the list's URL segment and URL name, spelled out ("facilities"), never key + "s"
    label: str  # the list's heading and the detail page's link back to it
    model: type[Model]
    form: type[forms.TenantModelForm]
    access: Callable[[Membership, Any], Model]
    columns: tuple[str, ...]  # list columns and detail fields
    search: tuple[str, ...]  # fields the list's search box matches
    related: tuple[str, ...] = ()  # select_related on the list, so rows cost no queries
    narrow_by: tuple[str, ...] = ()  # foreign keys the list may be narrowed to: ?customer=<id>
    detail_extras: Callable[[Membership, Any], dict] | None = None  # what only this kind's page shows
    creatable: bool = True  # the generic "new" form; False for orders (their own form, with lines)
    new_url: str | None = None  # the URL name of a kind's own "new" form (orders)
    import_kind: str | None = None  # the import screen's (and the API's) kind that loads this kind

    def new_url_name(self) -> str | None:
        return self.new_url or (f"{self.key}_new" if self.creatable else None)


def _product_extras(member, product):
    return {**reports.product_report(member.tenant, product), "projection_link": f"?product={product.pk}"}


RECENT_ORDERS = 20


def _customer_extras(member, customer):
    return {
        **reports.customer_report(member.tenant, customer),
        "orders": customer.orders.select_related("facility").order_by("-order_date", "-pk")[:RECENT_ORDERS],
        "orders_total": customer.orders.count(),
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


def _resource_extras(member, resource):
    can_edit = can(member, Perm.EDIT_MASTER_DATA)
    return {
        "capacities": resource.capacities.order_by("-week")[:26],
        "usages": resource.loads.select_related("product"),
        "capacity_form": forms.ResourceCapacityForm() if can_edit else None,
        "usage_form": forms.ResourceUsageForm(tenant=member.tenant) if can_edit else None,
    }


def _brand_extras(member, brand):
    return {"products": brand.products.all()}


MASTER_KINDS = {
    mk.key: mk
    for mk in (
        MasterKind(
            key="product",
            plural="products",
            label="Products",
            model=Product,
            form=forms.ProductForm,
            access=access.access_product,
            columns=("sku", "name", "brand", "family", "unit", "case_size"),
            search=("sku", "name", "family"),
            related=("brand",),
            detail_extras=_product_extras,
            import_kind="products",
        ),
        MasterKind(
            key="brand",
            plural="brands",
            label="Brands",
            model=Brand,
            form=forms.BrandForm,
            access=access.access_brand,
            columns=("name",),
            search=("name",),
            detail_extras=_brand_extras,
        ),
        MasterKind(
            key="customer",
            plural="customers",
            label="Customers",
            model=Customer,
            form=forms.CustomerForm,
            access=access.access_customer,
            columns=("code", "name", "owner"),
            search=("code", "name"),
            related=("owner",),
            detail_extras=_customer_extras,
            import_kind="customers",
        ),
        MasterKind(
            key="facility",
            plural="facilities",
            label="Facilities",
            model=Facility,
            form=forms.FacilityForm,
            access=access.access_facility,
            columns=("code", "name", "kind"),
            search=("code", "name"),
            detail_extras=_facility_extras,
            import_kind="facilities",
        ),
        MasterKind(
            key="promotion",
            plural="promotions",
            label="Promotions",
            model=Promotion,
            form=forms.PromotionForm,
            access=access.access_promotion,
            columns=("name", "customer", "brand", "start", "end"),
            search=("name",),
            related=("customer", "brand"),
        ),
        MasterKind(
            key="job",
            plural="jobs",
            label="Production jobs",
            model=ProductionJob,
            form=forms.ProductionJobForm,
            access=access.access_job,
            columns=("reference", "product", "facility", "start", "end", "qty"),
            search=("reference",),
            related=("product", "facility"),
        ),
        MasterKind(
            key="event",
            plural="events",
            label="Events",
            model=Event,
            form=forms.EventForm,
            access=access.access_event,
            columns=("name", "start", "end"),
            search=("name",),
        ),
        MasterKind(
            key="order",
            plural="orders",
            label="Sales orders",
            model=SalesOrder,
            form=forms.OrderStatusForm,
            access=access.access_order,
            columns=("number", "customer", "facility", "order_date", "ship_date", "status"),
            search=("number",),
            related=("customer", "facility"),
            narrow_by=("customer", "facility"),
            detail_extras=_order_extras,
            creatable=False,
            new_url="order_new",
            import_kind="sales_order_lines",
        ),
        MasterKind(
            key="resource",
            plural="resources",
            label="Resources",
            model=Resource,
            form=forms.ResourceForm,
            access=access.access_resource,
            columns=("code", "name", "facility", "category", "unit"),
            search=("code", "name", "category"),
            related=("facility",),
            detail_extras=_resource_extras,
            import_kind="resources",
        ),
    )
}


def master_list(mk: MasterKind):
    @tenant_view
    def view(request, member):
        # tenant: each row's link (get_absolute_url) reads the tenant's slug
        qs = mk.model.objects.filter(tenant=member.tenant).select_related("tenant", *mk.related)
        narrowed = []
        for field in mk.narrow_by:
            if request.GET.get(field):
                # through the tenant-scoped access helper: another tenant's id is a 404, not an empty list
                target = getattr(access, f"access_{field}")(member, request.GET[field])
                qs = qs.filter(**{field: target})
                narrowed.append((field, target))
        q = request.GET.get("q", "").strip()[:100]
        if q:
            cond = Q()
            for f in mk.search:
                cond |= Q(**{f"{f}__icontains": q})
            qs = qs.filter(cond)
        page = Paginator(qs, 100).get_page(request.GET.get("page"))
        rows = [(obj, [display_value(obj, c) for c in mk.columns]) for obj in page]
        return render(
            request,
            "planning/master_list.html",
            {
                "kind": mk.key,
                "label": mk.label,
                "columns": [c.replace("_", " ") for c in mk.columns],
                "rows": rows,
                "page": page,
                "q": q,
                "narrowed": [(field, target.pk, target) for field, target in narrowed],
                "narrow_query": "".join(f"{field}={target.pk}&" for field, target in narrowed),
                "new_url": _new_url(mk, member),
                "import_url": _import_url(mk, member),
            },
        )

    view.__name__ = f"{mk.key}_list"
    return view


def _new_url(mk: MasterKind, member: Membership) -> str | None:
    name = mk.new_url_name()
    if name is None or not can(member, Perm.EDIT_MASTER_DATA):
        return None
    return reverse(f"planning:{name}", kwargs={"tenant_slug": member.tenant.slug})


def _import_url(mk: MasterKind, member: Membership) -> str | None:
    """The import screen, preset to this kind, for those who may import (its kind has an API too)."""
    if mk.import_kind is None or not can(member, Perm.IMPORT_DATA):
        return None
    return reverse("planning:import", kwargs={"tenant_slug": member.tenant.slug}) + f"?kind={mk.import_kind}"


def master_edit(mk: MasterKind):
    @tenant_view(perm=Perm.EDIT_MASTER_DATA)
    @require_http_methods(["GET", "POST"])
    def view(request, member, **kwargs):
        obj = mk.access(member, kwargs[f"{mk.key}_id"]) if kwargs else mk.model(tenant=member.tenant)
        form = mk.form(request.POST or None, instance=obj, tenant=member.tenant)
        if request.method == "POST" and form.is_valid():
            values = {f: form.cleaned_data[f] for f in form.fields}
            fresh = mk.access(member, obj.pk) if obj.pk else mk.model()
            obj = actions.do_save_object(
                tenant=member.tenant, obj=fresh, values=values, actor=member.user, verb_thing=mk.key
            )
            messages.success(request, f"Saved {obj}.")
            return redirect(obj.get_absolute_url())
        return render(
            request,
            "planning/master_edit.html",
            {"form": form, "obj": obj, "kind": mk.key, "label": mk.label},
            status=422 if form.errors else 200,
        )

    view.__name__ = f"{mk.key}_edit"
    return view


def master_detail(mk: MasterKind):
    @tenant_view(allow_external=True)
    def view(request, member, **kwargs):
        obj = mk.access(member, kwargs[f"{mk.key}_id"])
        if member.is_external:
            return redirect_partner(member, obj)
        ctx = {
            "obj": obj,
            "kind": mk.key,
            "label": mk.label,
            "subject": obj.subject,
            "list_url": reverse(f"planning:{mk.plural}", kwargs={"tenant_slug": member.tenant.slug}),
            "fields": [(c.replace("_", " "), display_value(obj, c)) for c in mk.columns],
            "trail": trail_for_subject(obj.subject),
            "panels": panels_for(member, obj.subject),
            "can_edit": can(member, Perm.EDIT_MASTER_DATA),
        }
        if mk.detail_extras is not None:
            ctx.update(mk.detail_extras(member, obj))
        return render(request, "planning/master_detail.html", ctx)

    view.__name__ = f"{mk.key}_detail"
    return view
