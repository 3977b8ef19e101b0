"""The Plans page: cycles and their versions, newest first; a newcomer's steps when there are none; the
forms that start a cycle (with its first demand and supply versions) and add a version to a cycle."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from .. import actions, forms, selectors
from ..models import PlanCycle


def _plans_page(request, member, *, cycle_form=None, version_form=None, status=200):
    can_edit = can(member, Perm.EDIT_PLANS)
    cycles = list(PlanCycle.objects.filter(tenant=member.tenant))
    return render(
        request,
        "planning/versions.html",
        {
            "versions": selectors.versions_for(member.tenant),
            "cycles": cycles,
            "can_edit": can_edit,
            "can_import": can(member, Perm.IMPORT_DATA),
            "cycle_form": (cycle_form or forms.CycleForm()) if can_edit else None,
            "version_form": (version_form or forms.VersionForm(tenant=member.tenant, cycles=cycles))
            if can_edit and cycles
            else None,
        },
        status=status,
    )


@tenant_view
def versions(request, member):
    return _plans_page(request, member)


def _refused(form, error):
    for field, messages_ in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages_)


@tenant_view(perm=Perm.EDIT_PLANS)
@require_POST
def cycle_new(request, member):
    form = forms.CycleForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            cycle, versions = actions.check_create_cycle(
                member,
                month=data["month"],
                start_week=data["start_week"],
                horizon_weeks=data["horizon_weeks"],
                first_versions=form.first_versions(),
            )
        except ValidationError as e:
            _refused(form, e)
        else:
            made = ", ".join(v.subject.title for v in versions) or "no versions yet"
            messages.success(request, f"Cycle {cycle} created: {made}.")
            return redirect("planning:versions", tenant_slug=member.tenant.slug)
    return _plans_page(request, member, cycle_form=form, status=422)


@tenant_view(perm=Perm.EDIT_PLANS)
@require_POST
def version_new(request, member):
    form = forms.VersionForm(request.POST, tenant=member.tenant)
    if form.is_valid():
        data = form.cleaned_data
        try:
            version = actions.check_create_version(
                member, cycle=data["cycle"], plan_type=data["plan_type"], name=data["name"]
            )
        except ValidationError as e:
            _refused(form, e)
        else:
            messages.success(request, f"{version.subject.title} created.")
            return redirect(version.get_absolute_url())
    return _plans_page(request, member, version_form=form, status=422)
