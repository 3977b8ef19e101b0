"""Planning screens: thin views over selectors and actions. Every view is under the tenant guard;
planning is internal (partner users get 404; an object's page sends them to its shared page), edits need a
planner or admin."""

import datetime as dt

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.tenancy.access import PLANNERS, tenant_view

from . import access, actions, exports, forms, imports, reports, selectors
from . import weeks as wk
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
from .shared_views import display_value, redirect_partner
from .templatetags.planning_tags import plan_cell
from .trails import trail_for_order

# --- versions and the grid -----------------------------------------------------------------------


@tenant_view
def versions(request, member):
    return render(
        request,
        "planning/versions.html",
        {
            "versions": selectors.versions_for(member.tenant),
            "can_edit": member.role in actions.EDIT_ROLES,
        },
    )


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


@tenant_view
def grid(request, member, version_id):
    version = access.access_version(member, version_id)
    form = forms.GridFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    the_grid = selectors.grid_for(
        version,
        brand_id=filters.get("brand"),
        family=filters.get("family"),
        customer_id=filters.get("customer"),
        facility_id=filters.get("facility"),
        q=filters.get("q"),
        add_product=filters.get("add_product"),
    )
    can_edit = version.is_editable and member.role in actions.EDIT_ROLES
    _render_cells(
        the_grid,
        reverse("planning:cell", kwargs={"tenant_slug": member.tenant.slug, "version_id": version.pk}),
        can_edit,
    )
    ctx = {
        "version": version,
        "grid": the_grid,
        "filters": filters,
        "options": selectors.filter_options(member.tenant),
        "all_products": Product.objects.filter(tenant=member.tenant).only("pk", "name", "sku")
        if can_edit
        else (),
        "can_edit": version.is_editable and member.role in actions.EDIT_ROLES,
        "can_approve": member.role in actions.APPROVE_ROLES,
        "can_publish": member.role in actions.PUBLISH_ROLES,
        "query": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "grid-body":
        return render(request, "planning/partials/_grid.html", ctx)
    return render(request, "planning/grid.html", ctx)


def _render_cells(grid, cell_url, can_edit):
    """Each row's cells as one HTML string: thousands of cells through template tags cost most of the
    page's time, the same function called directly costs little."""
    for row in grid.rows:
        p, c, f, key = row.product.pk, row.customer.pk if row.customer else None, row.facility.pk, row.key
        row.cells_html = mark_safe(
            "".join(
                plan_cell(cell_url, key, i, p, c, f, week, qty, revision, has_note, can_edit)
                for i, (week, qty, revision, has_note) in enumerate(row.cells)
            )
        )


@tenant_view
def grid_export(request, member, version_id):
    version = access.access_version(member, version_id)
    the_grid = selectors.grid_for(
        version,
        brand_id=_int(request.GET.get("brand")),
        family=request.GET.get("family") or None,
        customer_id=_int(request.GET.get("customer")),
        facility_id=_int(request.GET.get("facility")),
        q=request.GET.get("q") or None,
    )
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    body, content_type = exports.grid_file(the_grid, fmt)
    response = HttpResponse(body, content_type=content_type)
    name = f"{version.plan.plan_type}-v{version.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _cell_objects(member, version, data):
    product = access.access_product(member, data.get("product"))
    facility = access.access_facility(member, data.get("facility"))
    customer = access.access_customer(member, data.get("customer")) if data.get("customer") else None
    try:
        week = wk.week_start(dt.date.fromisoformat(str(data.get("week"))))
    except ValueError:
        raise Http404 from None
    return product, customer, facility, week


def _panel_context(member, version, product, customer, facility, week, **extra):
    return {
        "version": version,
        "product": product,
        "customer": customer,
        "facility": facility,
        "week": week,
        "history": selectors.cell_history(version, product, customer, facility, week),
        "notes": selectors.cell_notes(version, product, customer, facility, week),
        "entry": version.entries.filter(
            product=product, customer=customer, facility=facility, week=week
        ).first(),
        "can_edit": version.is_editable and member.role in actions.EDIT_ROLES,
        "form": forms.CellForm(),
        "comment_form": forms.CommentForm(),
        **extra,
    }


def _refused_cell(request, version, product, customer, facility, week, errors):
    """What a refused cell shows: the value it still holds, its revision, what was typed, and why."""
    current = version.entries.filter(product=product, customer=customer, facility=facility, week=week).first()
    return {
        "qty": float(current.qty) if current else 0.0,
        "revision": current.revision if current else 0,
        "error": " ".join(m for ms in errors.values() for m in ms),
        "typed": request.POST.get("value", ""),
    }


@tenant_view
@require_http_methods(["GET", "POST"])
def cell(request, member, version_id):
    """GET: the side panel (history + notes + save-with-note form). POST: save one cell."""
    version = access.access_version(member, version_id)
    if request.method == "GET":
        objs = _cell_objects(member, version, request.GET)
        return render(request, "planning/partials/_cell_panel.html", _panel_context(member, version, *objs))
    if member.role not in actions.EDIT_ROLES:
        raise PermissionDenied
    product, customer, facility, week = _cell_objects(member, version, request.POST)
    form = forms.CellForm(request.POST)
    ctx = {
        "version": version,
        "product": product,
        "customer": customer,
        "facility": facility,
        "week": week,
        "can_edit": True,
        "row_key": f"{product.pk}-{customer.pk if customer else 0}-{facility.pk}",
        "col": (week - version.start_week).days // 7,
    }
    status = 200
    if not form.is_valid():
        # a bad note (too long, NUL) refuses the whole save: the value must not land without its reason
        ctx.update(_refused_cell(request, version, product, customer, facility, week, form.errors))
        return _cell_response(request, member, version, ctx, 422)
    data = form.cleaned_data
    try:
        entry, change = actions.check_set_cell(
            member,
            version,
            product=product,
            customer=customer,
            facility=facility,
            week=week,
            value=request.POST.get("value", ""),
            revision=data.get("revision") or 0,
            reason=data.get("reason", ""),
            files=request.FILES.getlist("files"),
        )
        ctx.update(
            qty=float(entry.qty),
            revision=entry.revision,
            saved=True,
            has_note=bool(data.get("reason"))
            or version.cell_notes.filter(
                product=product, customer=customer, facility=facility, week=week
            ).exists(),
        )
    except actions.StaleCell as stale:
        # base.html's htmx config swaps 422 answers only; a plain client gets the precise 409
        status = 422 if request.htmx else 409
        ctx.update(qty=float(stale.qty), revision=stale.revision, error=str(stale))
    except ValidationError as e:
        status = 422
        ctx.update(_refused_cell(request, version, product, customer, facility, week, e.message_dict))
    return _cell_response(request, member, version, ctx, status)


def _cell_response(request, member, version, ctx, status):
    if request.POST.get("panel"):
        panel = _panel_context(
            member,
            version,
            ctx["product"],
            ctx["customer"],
            ctx["facility"],
            ctx["week"],
            saved=ctx.get("saved"),
            error=ctx.get("error"),
        )
        return render(request, "planning/partials/_cell_panel.html", panel, status=status)
    return render(request, "planning/partials/_cell.html", ctx, status=status)


@tenant_view
@require_POST
def cell_comment(request, member, version_id):
    version = access.access_version(member, version_id)
    product, customer, facility, week = _cell_objects(member, version, request.POST)
    form = forms.CommentForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.check_comment_cell(
                member,
                version,
                product=product,
                customer=customer,
                facility=facility,
                week=week,
                body=form.cleaned_data["body"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as e:
            error = " ".join(m for ms in e.message_dict.values() for m in ms)
    else:
        error = "Write a comment."
    ctx = _panel_context(member, version, product, customer, facility, week, error=error)
    return render(request, "planning/partials/_cell_panel.html", ctx, status=422 if error else 200)


@tenant_view
@require_POST
def transition(request, member, version_id):
    version = access.access_version(member, version_id)
    try:
        version = actions.check_transition(member, version, request.POST.get("action", ""))
        messages.success(request, f"{version.subject.title} is now {version.get_status_display().lower()}.")
    except ValidationError as e:
        messages.error(request, " ".join(m for ms in e.message_dict.values() for m in ms))
    return redirect(version.get_absolute_url())


@tenant_view(roles=PLANNERS)
@require_POST
def new_draft(request, member, version_id):
    source = access.access_version(member, version_id)
    version = actions.check_new_draft_from(member, source)
    messages.success(request, f"New draft {version.subject.title} copied from v{source.number}.")
    return redirect(version.get_absolute_url())


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


# --- numbers: projection and accuracy ------------------------------------------------------------


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


# --- imports -------------------------------------------------------------------------------------


@tenant_view(roles=PLANNERS)
@require_http_methods(["GET", "POST"])
def import_file(request, member):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors, counts = [], None
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        version = None
        if kind == "plan_entries" and form.cleaned_data.get("version"):
            version = PlanVersion.objects.filter(
                tenant=member.tenant, pk=form.cleaned_data["version"]
            ).first()
        try:
            rows = imports.read_table(upload.name, upload.read())
            clean, errors = imports.validate(member.tenant, kind, rows, first_row=2, version=version)
            if not errors:
                counts = imports.apply(
                    member.tenant,
                    kind,
                    clean,
                    actor=member.user,
                    version=version,
                    source=f"upload {upload.name}",
                )
        except ValueError as e:
            errors = [{"row": None, "field": "file", "message": str(e)}]
    return render(
        request,
        "planning/import.html",
        {
            "form": form,
            "errors": errors[:500],
            "error_count": len(errors),
            "counts": counts,
            "drafts": PlanVersion.objects.filter(tenant=member.tenant, status="draft").select_related(
                "plan", "cycle"
            ),
            "specs": {k: [c.name for c in cols] for k, (cols, _key) in imports.SPECS.items()},
        },
        status=422 if errors or form.errors else 200,
    )


# --- master data ---------------------------------------------------------------------------------

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
