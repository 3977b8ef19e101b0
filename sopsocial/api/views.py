from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from . import actions
from .access import access_api_key
from .forms import ApiKeyForm
from .models import ApiKey


@tenant_view(perm=Perm.MANAGE_API_KEYS)
@require_http_methods(["GET", "POST"])
def api_keys(request, member):
    form = ApiKeyForm(request.POST or None)
    created = raw = None
    if request.method == "POST" and form.is_valid():
        created, raw = actions.do_create_api_key(member, form.cleaned_data["name"])
        form = ApiKeyForm()
    keys = ApiKey.objects.filter(tenant=member.tenant).select_related("created_by")
    response = render(
        request,
        "api/keys.html",
        {"form": form, "keys": keys, "created": created, "raw": raw},
        status=422 if form.errors else 200,
    )
    response["Cache-Control"] = "no-store"  # the raw key is on this page once
    return response


@tenant_view(perm=Perm.MANAGE_API_KEYS)
@require_POST
def revoke_api_key(request, member, api_key_id):
    actions.do_revoke_api_key(member, access_api_key(member, api_key_id))
    return redirect("api_keys:list", tenant_slug=member.tenant.slug)
