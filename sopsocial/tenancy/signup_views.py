"""Self-service sign-up pages. They exist only with SIGNUP_ENABLED: otherwise every one answers 404."""

from functools import wraps

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import login
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sopsocial.pages.chrome import tenant_home_url

from . import signup_actions
from .forms import SignupForm


def signup_enabled(func):
    @wraps(func)
    def guarded(request, *args, **kwargs):
        if not settings.SIGNUP_ENABLED:
            raise Http404
        return func(request, *args, **kwargs)

    return guarded


@signup_enabled
@require_http_methods(["GET", "POST"])
def signup(request):
    form = SignupForm(request.POST or None, request=request)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            signup_actions.do_request_signup(
                organisation=data["organisation"],
                slug=data["slug"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                email=data["email"],
                password=data["password1"],
            )
        except ValidationError as error:
            for field, errors in error.message_dict.items():
                form.add_error("organisation" if field == "name" else field, errors)
        else:
            return render(request, "tenancy/signup_sent.html", {"email": data["email"]})
    throttled = any(error.code == "throttled" for error in form.non_field_errors().as_data())
    status = 429 if throttled else 400 if form.is_bound else 200
    return render(request, "tenancy/signup.html", {"form": form}, status=status)


@signup_enabled
@require_http_methods(["GET", "POST"])
def signup_verify(request, token):
    """GET shows a button (mail scanners follow links; only a person's POST completes it)."""
    try:
        signup = signup_actions.pending_signup_for(token)
        if request.method == "POST":
            membership, new_account = signup_actions.do_complete_signup(token)
        else:
            return render(request, "tenancy/signup_verify.html", {"signup": signup})
    except ValidationError as error:
        return render(request, "tenancy/signup_invalid.html", {"problem": error.messages[0]}, status=410)
    tenant = membership.tenant
    if new_account:
        login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(
            request, f"Welcome to {tenant.name}: you are its admin. Invite your colleagues in People."
        )
        return redirect(tenant_home_url(tenant.slug))
    messages.success(
        request, f"{tenant.name} is ready. Sign in with your existing account ({membership.user.email})."
    )
    return redirect(f"/accounts/login/?next={tenant_home_url(tenant.slug)}")
