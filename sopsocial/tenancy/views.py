from django.contrib import messages
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from sopsocial.api.errors import add_form_errors
from sopsocial.pages.chrome import tenant_home_url

from . import actions, partner_actions, tenant_actions
from .access import access_invitation, access_membership, access_partner, tenant_view
from .forms import (
    AcceptInvitationForm,
    InviteForm,
    PartnerForm,
    RenamePartnerForm,
    RoleForm,
    TenantSettingsForm,
    ThrottledPasswordResetForm,
)
from .models import Membership, Partner, Role
from .policy import Perm


def _people_context(member, invite_form=None, partner_form=None):
    memberships = Membership.objects.filter(tenant=member.tenant).select_related("user", "partner", "subject")
    return {
        "active_members": [m for m in memberships if m.is_active],
        "former_members": [m for m in memberships if not m.is_active],
        "invitations": member.tenant.invitations.filter(accepted_at=None, revoked_at=None).select_related(
            "partner"
        ),
        "invite_form": invite_form or InviteForm(tenant=member.tenant),
        "roles": Role.choices,
        "partners": Partner.objects.filter(tenant=member.tenant).order_by("deactivated_at", "name"),
        "partner_form": partner_form or PartnerForm(),
    }


@tenant_view(perm=Perm.MANAGE_PEOPLE)
def people(request, member):
    invite_form = None
    if request.method == "POST":
        invite_form = InviteForm(request.POST, tenant=member.tenant)
        if invite_form.is_valid():
            try:
                invitation, token = actions.check_invite(member, **invite_form.cleaned_data)
            except ValidationError as error:
                add_form_errors(invite_form, error)
            else:
                request.session["new_invite_link"] = request.build_absolute_uri(f"/invite/{token}/")
                messages.success(request, f"Invitation sent to {invitation.email}.")
                return redirect("tenancy:people", tenant_slug=member.tenant.slug)
    context = _people_context(member, invite_form)
    context["new_invite_link"] = request.session.pop("new_invite_link", None)
    status = 400 if invite_form is not None else 200
    return render(request, "tenancy/people.html", context, status=status)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def change_role(request, member, membership_id):
    target = access_membership(member, membership_id)
    form = RoleForm(request.POST)
    if not form.is_valid():
        messages.error(
            request, "Role change refused: " + "; ".join(e for errs in form.errors.values() for e in errs)
        )
        return redirect("tenancy:people", tenant_slug=member.tenant.slug)
    try:
        actions.check_change_role(member, target, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "Role change refused: " + "; ".join(error.messages))
    else:
        messages.success(request, f"{target.display_name} is now {target.get_role_display().lower()}.")
    return redirect("tenancy:people", tenant_slug=member.tenant.slug)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def remove_member(request, member, membership_id):
    target = access_membership(member, membership_id)
    try:
        actions.check_deactivate_member(member, target)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"{target.display_name} no longer has access.")
    return redirect("tenancy:people", tenant_slug=member.tenant.slug)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def revoke_invitation(request, member, invitation_id):
    invitation = access_invitation(member, invitation_id)
    try:
        actions.do_revoke_invitation(member, invitation)
    except ValidationError as error:
        messages.error(request, "; ".join(error.messages))
    else:
        messages.success(request, f"Invitation of {invitation.email} withdrawn.")
    return redirect("tenancy:people", tenant_slug=member.tenant.slug)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def partner_create(request, member):
    form = PartnerForm(request.POST)
    if form.is_valid():
        try:
            partner = partner_actions.check_create_partner(member, **form.cleaned_data)
        except ValidationError as error:
            add_form_errors(form, error)
        else:
            messages.success(request, f"{partner.name} added. Invite its people with the form on this page.")
            return redirect("tenancy:people", tenant_slug=member.tenant.slug)
    context = {**_people_context(member, partner_form=form), "new_invite_link": None}
    return render(request, "tenancy/people.html", context, status=400)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_POST
def partner_rename(request, member, partner_id):
    partner = access_partner(member, partner_id)
    form = RenamePartnerForm(request.POST)
    try:
        if not form.is_valid():
            raise ValidationError("; ".join(e for errs in form.errors.values() for e in errs))
        old = partner.name
        partner = partner_actions.check_rename_partner(member, partner, **form.cleaned_data)
    except ValidationError as error:
        messages.error(request, "Rename refused: " + "; ".join(error.messages))
    else:
        messages.success(request, f"{old} is now called {partner.name}.")
    return redirect("tenancy:people", tenant_slug=member.tenant.slug)


@tenant_view(perm=Perm.MANAGE_PEOPLE)
@require_http_methods(["GET", "POST"])
def partner_deactivate(request, member, partner_id):
    """GET says what deactivating will end (its people's access, its shares, pending invitations);
    POST does it."""
    partner = access_partner(member, partner_id)
    if request.method == "POST":
        try:
            impact = partner_actions.check_deactivate_partner(member, partner)
        except ValidationError as error:
            messages.error(request, "; ".join(error.messages))
        else:
            messages.success(
                request,
                f"{partner.name} is deactivated: {len(impact.people)} people lost access and "
                f"{impact.shares} shares ended.",
            )
        return redirect("tenancy:people", tenant_slug=member.tenant.slug)
    impact = partner_actions.deactivation_impact(partner)
    return render(request, "tenancy/partner_deactivate.html", {"partner": partner, "impact": impact})


@tenant_view(perm=Perm.MANAGE_SETTINGS)
@require_http_methods(["GET", "POST"])
def tenant_settings(request, member):
    form = TenantSettingsForm(request.POST or None, initial={"four_eyes": member.tenant.four_eyes})
    if request.method == "POST" and form.is_valid():
        tenant_actions.do_change_tenant_settings(member, **form.cleaned_data)
        messages.success(request, "Settings saved.")
        return redirect("tenancy:settings", tenant_slug=member.tenant.slug)
    return render(request, "tenancy/settings.html", {"form": form})


def accept_invitation(request, token):
    """Public: the invitee follows the link, signs in or creates an account, and joins the tenant."""
    try:
        invitation = actions.pending_invitation_for(token)
    except ValidationError as error:
        return render(request, "tenancy/invitation_invalid.html", {"problem": error.messages[0]}, status=410)
    if request.user.is_authenticated and not invitation.is_for(request.user):
        return _invitation_for_another_address(request, invitation, token)
    form = AcceptInvitationForm(request.POST or None) if not request.user.is_authenticated else None
    if request.method == "POST":
        try:
            if request.user.is_authenticated:
                membership = actions.do_accept_invitation(token, user=request.user)
            elif form.is_valid():
                data = form.cleaned_data
                membership = actions.do_accept_invitation(
                    token,
                    username=data["username"],
                    password=data["password1"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                )
                login(request, membership.user, backend="django.contrib.auth.backends.ModelBackend")
            else:
                membership = None
        except ValidationError as error:
            return render(
                request, "tenancy/invitation_invalid.html", {"problem": error.messages[0]}, status=410
            )
        if membership is not None:
            messages.success(request, f"Welcome to {membership.tenant.name}.")
            return redirect(tenant_home_url(membership.tenant.slug))
    status = 400 if form is not None and form.is_bound and not form.is_valid() else 200
    return render(
        request, "tenancy/accept_invitation.html", {"invitation": invitation, "form": form}, status=status
    )


def _invitation_for_another_address(request, invitation, token):
    """Signed in with an address the invitation was not sent to: say so, naming both, and offer to sign
    out and continue; joining this account is never done (do_accept_invitation refuses it too)."""
    if request.method == "POST" and request.POST.get("action") == "sign_out":
        logout(request)
        return redirect("accept_invitation", token=token)
    context = {"invitation": invitation, "other_account": True}
    status = 409 if request.method == "POST" else 200
    return render(request, "tenancy/accept_invitation.html", context, status=status)


class PasswordResetView(auth_views.PasswordResetView):
    """Django's reset page, except that the request only queues a task (the worker looks the address
    up and sends the e-mail), so the response is the same, in content and in work, whether an account
    uses the address or not; and requests are limited per client address and per e-mail address."""

    form_class = ThrottledPasswordResetForm

    def get_form_kwargs(self):
        return {**super().get_form_kwargs(), "request": self.request}

    def form_valid(self, form):
        form.save()  # queues the e-mail, nothing more
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        throttled = any(error.code == "throttled" for error in form.non_field_errors().as_data())
        return self.render_to_response(self.get_context_data(form=form), status=429 if throttled else 200)
