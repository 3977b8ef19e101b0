"""The platform staff's operator screen (/operator/): list, start, suspend and reactivate companies.

Staff only (Django's `is_staff`): anyone else, signed in or not, gets 404, so the screen's existence is
not revealed. It is not under /t/<slug>/ and needs no membership of any tenant. Every write is an
action audited in the affected tenant's own chain, with the operator as actor.
"""

from functools import wraps

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sopsocial.api.errors import add_form_errors

from . import tenant_actions
from .actions import invitation_link
from .forms import StartTenantForm
from .models import Tenant


def staff_view(func):
    @wraps(func)
    def guarded(request, *args, **kwargs):
        if not (request.user.is_authenticated and request.user.is_active and request.user.is_staff):
            raise Http404
        return func(request, *args, **kwargs)

    return guarded


def _tenants():
    return Tenant.objects.annotate(
        people=Count("memberships", filter=Q(memberships__is_active=True), distinct=True),
        partner_count=Count("partners", distinct=True),
    ).order_by("name")


@staff_view
@require_http_methods(["GET", "POST"])
def tenant_list(request):
    form = StartTenantForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            tenant, invitation, token = tenant_actions.check_start_tenant(
                **form.cleaned_data, actor=request.user
            )
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            request.session["operator_new_link"] = invitation_link(token)
            messages.success(
                request, f"{tenant.name} started; the invitation was e-mailed to {invitation.email}."
            )
            return redirect("operator:tenants")
    context = {
        "tenants": _tenants(),
        "form": form,
        "new_link": request.session.pop("operator_new_link", None),
    }
    return render(request, "tenancy/operator.html", context, status=400 if form.is_bound else 200)


@staff_view
@require_POST
def tenant_suspend(request, tenant_id):
    tenant = get_object_or_404(Tenant, pk=tenant_id)
    try:
        tenant_actions.do_suspend_tenant(tenant, actor=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(
            request, f"{tenant.name} is suspended: its people, API keys and e-mails are refused."
        )
    return redirect("operator:tenants")


@staff_view
@require_POST
def tenant_reactivate(request, tenant_id):
    tenant = get_object_or_404(Tenant, pk=tenant_id)
    try:
        tenant_actions.do_reactivate_tenant(tenant, actor=request.user)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"{tenant.name} is active again.")
    return redirect("operator:tenants")
