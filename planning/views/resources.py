"""A resource's capacity and usage forms (its page is a master-data page): each writes through the same
load as the import file and the API (`imports.validate` then `actions.do_load_rows`)."""

import datetime as dt

from django.contrib import messages
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .. import access, actions, forms, imports


def _load(request, member, resource, kind, rows):
    clean, errors = imports.validate(member.tenant, kind, rows)
    if errors:
        messages.error(request, "; ".join(e["message"] for e in errors[:3]))
    else:
        counts = actions.do_load_rows(
            member.tenant, kind, clean, actor=member.user, source=f"{resource} page"
        )
        messages.success(request, f"Saved: {counts['created']} new, {counts['updated']} changed.")
    return redirect(resource.get_absolute_url())


def _form_errors(request, form, resource):
    messages.error(request, " ".join(f"{name}: {' '.join(errs)}" for name, errs in form.errors.items()))
    return redirect(resource.get_absolute_url())


@tenant_view(perm=Perm.EDIT_MASTER_DATA)
@require_POST
def resource_capacity(request, member, resource_id):
    resource = access.access_resource(member, resource_id)
    form = forms.ResourceCapacityForm(request.POST)
    if not form.is_valid():
        return _form_errors(request, form, resource)
    data = form.cleaned_data
    rows = [
        {
            "resource": resource.code,
            "week": (data["first_week"] + dt.timedelta(weeks=i)).isoformat(),
            "capacity": str(data["capacity"]),
        }
        for i in range(data["weeks"])
    ]
    return _load(request, member, resource, "resource_capacity", rows)


@tenant_view(perm=Perm.EDIT_MASTER_DATA)
@require_POST
def resource_usage(request, member, resource_id):
    resource = access.access_resource(member, resource_id)
    form = forms.ResourceUsageForm(request.POST, tenant=member.tenant)
    if not form.is_valid():
        return _form_errors(request, form, resource)
    row = {
        "resource": resource.code,
        "sku": form.cleaned_data["product"].sku,
        "usage": str(form.cleaned_data["usage"]),
    }
    return _load(request, member, resource, "resource_loads", [row])
