"""The plan grid: the grid and its export, one cell's panel, save and comment, status
transitions and new drafts. The grid is internal; what each member may change is asked of
`sopsocial.tenancy.policy`, and the actions refuse what the member may not do (403)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_http_methods, require_POST

from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from .. import access, actions, exports, forms, selectors
from ..cells import Cell
from ..models import Product
from ..templatetags.planning_tags import plan_cell


@tenant_view
def grid(request, member, version_id):
    version = access.access_version(member, version_id)
    form = forms.GridFilterForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form)
    filters = form.cleaned_data
    the_grid = selectors.grid_for(version, **form.grid_filters(), add_product=filters["add_product"])
    lock = actions.version_lock(version)
    can_edit = version.is_editable and lock is None and can(member, Perm.EDIT_PLANS)
    four_eyes = actions.four_eyes_refuses(member, version)  # no query unless the setting is on
    _render_cells(
        the_grid,
        reverse("planning:cell", kwargs={"tenant_slug": member.tenant.slug, "version_id": version.pk}),
        can_edit,
    )
    ctx = {
        "version": version,
        "lock": lock,
        "grid": the_grid,
        "filters": filters,
        "options": selectors.filter_options(member.tenant),
        "all_products": Product.objects.filter(tenant=member.tenant).only("pk", "name", "sku")
        if can_edit
        else (),
        "can_edit": can_edit,
        "can_approve": can(member, Perm.APPROVE_VERSIONS) and not four_eyes,
        "four_eyes_note": actions.FOUR_EYES_REFUSAL if four_eyes else "",
        "can_publish": can(member, Perm.PUBLISH_VERSIONS),
        "query": request.GET.urlencode(),
    }
    if request.htmx and request.htmx.target == "grid-body":
        return render(request, "planning/partials/_grid.html", ctx)
    return render(request, "planning/grid.html", ctx)


def _render_cells(grid, cell_url, can_edit):
    """Each row's cells as one HTML string: thousands of cells through template tags cost most of the
    page's time, the same function called directly costs little."""
    for row in grid.rows:
        p, c, f = row.product.pk, row.customer.pk if row.customer else None, row.facility.pk
        row.cells_html = mark_safe(
            "".join(
                plan_cell(cell_url, Cell(p, c, f, week), i, qty, revision, has_note, can_edit)
                for i, (week, qty, revision, has_note) in enumerate(row.cells)
            )
        )


@tenant_view
def grid_export(request, member, version_id):
    version = access.access_version(member, version_id)
    form = forms.GridFilterForm(request.GET)
    if not form.is_valid():
        return _bad_filters(request, form)
    the_grid = selectors.grid_for(version, **form.grid_filters())
    fmt = "xlsx" if request.GET.get("format") == "xlsx" else "csv"
    body, content_type = exports.grid_file(the_grid, fmt)
    response = HttpResponse(body, content_type=content_type)
    name = f"{version.plan.plan_type}-v{version.number}.{fmt}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


def _bad_filters(request, form):
    # a hand-edited or stale link: say which filter is wrong rather than show or export something else
    return render(request, "400.html", {"reason": form.problem()}, status=400)


def _panel_context(member, version, cell, objects, **extra):
    return {
        "version": version,
        "product": objects.product,
        "customer": objects.customer,
        "facility": objects.facility,
        "week": cell.week,
        "history": selectors.cell_history(version, cell),
        "notes": selectors.cell_notes(version, cell),
        "entry": version.entries.filter(**cell.filter_kwargs()).first(),
        "can_edit": version.is_editable
        and can(member, Perm.EDIT_PLANS)
        and actions.version_lock(version) is None,
        "form": forms.CellForm(),
        "comment_form": forms.CommentForm(),
        **extra,
    }


def _refused_cell(request, version, cell, errors):
    """What a refused cell shows: the value it still holds, its revision, what was typed, and why."""
    current = version.entries.filter(**cell.filter_kwargs()).first()
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
        the_cell, objects = access.access_cell(member, version, request.GET)
        return render(
            request, "planning/partials/_cell_panel.html", _panel_context(member, version, the_cell, objects)
        )
    # who may save is check_set_cell's to refuse (403): it is also the API's and the commands' path
    the_cell, objects = access.access_cell(member, version, request.POST)
    form = forms.CellForm(request.POST)
    ctx = {
        "version": version,
        "cell": the_cell,
        "objects": objects,
        "can_edit": can(member, Perm.EDIT_PLANS),
        "col": (the_cell.week - version.start_week).days // 7,
    }
    status = 200
    if not form.is_valid():
        # a bad note (too long, NUL) refuses the whole save: the value must not land without its reason
        ctx.update(_refused_cell(request, version, the_cell, form.errors))
        return _cell_response(request, member, version, ctx, 422)
    data = form.cleaned_data
    try:
        entry, change = actions.check_set_cell(
            member,
            version,
            the_cell,
            objects,
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
            or version.cell_notes.filter(**the_cell.filter_kwargs()).exists(),
        )
    except actions.StaleCell as stale:
        # base.html's htmx config swaps 422 answers only; a plain client gets the precise 409
        status = 422 if request.htmx else 409
        ctx.update(qty=float(stale.qty), revision=stale.revision, error=str(stale))
    except ValidationError as e:
        status = 422
        ctx.update(_refused_cell(request, version, the_cell, e.message_dict))
    return _cell_response(request, member, version, ctx, status)


def _cell_response(request, member, version, ctx, status):
    if request.POST.get("panel"):
        panel = _panel_context(
            member, version, ctx["cell"], ctx["objects"], saved=ctx.get("saved"), error=ctx.get("error")
        )
        return render(request, "planning/partials/_cell_panel.html", panel, status=status)
    return render(request, "planning/partials/_cell.html", ctx, status=status)


@tenant_view
@require_POST
def cell_comment(request, member, version_id):
    version = access.access_version(member, version_id)
    the_cell, objects = access.access_cell(member, version, request.POST)
    form = forms.CommentForm(request.POST)
    error = None
    if form.is_valid():
        try:
            actions.check_comment_cell(
                member,
                version,
                the_cell,
                objects,
                body=form.cleaned_data["body"],
                files=request.FILES.getlist("files"),
            )
        except ValidationError as e:
            error = " ".join(e.messages)
    else:
        error = "Write a comment."
    ctx = _panel_context(member, version, the_cell, objects, error=error)
    return render(request, "planning/partials/_cell_panel.html", ctx, status=422 if error else 200)


@tenant_view
@require_POST
def transition(request, member, version_id):
    version = access.access_version(member, version_id)
    try:
        version = actions.check_transition(member, version, request.POST.get("action", ""))
        messages.success(request, f"{version.subject.title} is now {version.get_status_display().lower()}.")
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
    return redirect(version.get_absolute_url())


@tenant_view
@require_POST
def new_draft(request, member, version_id):
    source = access.access_version(member, version_id)
    try:
        version = actions.check_new_draft_from(member, source)
    except ValidationError as e:
        messages.error(request, " ".join(e.messages))
        return redirect(source.get_absolute_url())
    messages.success(request, f"New draft {version.subject.title} copied from v{source.number}.")
    return redirect(version.get_absolute_url())
