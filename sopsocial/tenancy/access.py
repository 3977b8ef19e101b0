"""The one guard every tenant route goes through, and fetch-by-id helpers scoped to the member.

`tenant_view` resolves `/t/<tenant_slug>/` once: anonymous -> login (401 JSON for API/htmx calls),
not an active member -> 404 (the tenant's existence is not revealed), external partner users -> 404
unless the view allows them, a member without the page's permission (`perm=`, see `policy`) -> 403.
The view receives `member` instead of the slug. `TenantGuardCheckMiddleware` refuses to run a tenant
route whose view lacks this guard.

Decorator order, everywhere: `@tenant_view(...)` outermost, then `@require_POST` /
`@require_http_methods(...)` (tests/core/test_policy.py walks the URL resolver to check it).
"""

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.models import AnonymousUser, User
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render

from sopsocial.pages.params import ascii_int

from .models import Invitation, Membership, Partner, Team, Tenant
from .policy import Perm, can

GUARD_MARKER = "_sopsocial_tenant_guard"
View = Callable[..., HttpResponse]


def member_for(user: User | AnonymousUser, tenant_slug: str) -> Membership:
    """The user's active membership in the tenant, or 404."""
    if not user.is_authenticated:
        raise Http404
    member = (
        Membership.objects.select_related("tenant", "user", "partner")
        .filter(tenant__slug=tenant_slug, user=user, is_active=True)
        .first()
    )
    if member is None:
        raise Http404("No such tenant")
    return member


def _unauthenticated(request: HttpRequest) -> HttpResponse:
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json:
        return JsonResponse({"error": "authentication required"}, status=401)
    if getattr(request, "htmx", False):
        response = JsonResponse({"error": "authentication required"}, status=401)
        response["HX-Redirect"] = f"/accounts/login/?next={request.path}"
        return response
    return redirect_to_login(request.get_full_path())


SUSPENDED_MESSAGE = "This organisation's access is suspended."


def suspended_response(request: HttpRequest, tenant: Tenant) -> HttpResponse:
    """403 on every route of a suspended tenant: a page saying so, or JSON for API and htmx calls."""
    wants_json = request.path.startswith("/api/") or "application/json" in request.headers.get("Accept", "")
    if wants_json or getattr(request, "htmx", False):
        return JsonResponse({"error": SUSPENDED_MESSAGE}, status=403)
    return render(request, "tenancy/suspended.html", {"suspended_tenant": tenant}, status=403)


def tenant_view(view: View | None = None, *, perm: Perm | None = None, allow_external: bool = False) -> Any:
    """Decorate a view `f(request, member, **kwargs)` served under `/t/<tenant_slug>/`."""

    def decorate(func: View) -> View:
        @wraps(func)
        def guarded(request: Any, tenant_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
            if not request.user.is_authenticated:
                return _unauthenticated(request)
            member = member_for(request.user, tenant_slug)
            if member.tenant.is_suspended:
                return suspended_response(request, member.tenant)
            if member.is_external and not allow_external:
                raise Http404
            if perm is not None and not can(member, perm):
                raise PermissionDenied("Your role does not allow this.")
            request.member, request.tenant = member, member.tenant
            if request.session.get("last_tenant") != member.tenant.slug:  # avoid a session write per request
                request.session["last_tenant"] = member.tenant.slug
            return func(request, member, *args, **kwargs)

        setattr(guarded, GUARD_MARKER, True)
        guarded.__dict__.update(tenant_perm=perm, allow_external=allow_external)
        return guarded

    return decorate(view) if view is not None else decorate


def access_membership(member: Membership, membership_id: int | str) -> Membership:
    try:
        return Membership.objects.select_related("user", "partner").get(
            tenant=member.tenant, pk=membership_id
        )
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_invitation(member: Membership, invitation_id: int | str) -> Invitation:
    try:
        return Invitation.objects.get(tenant=member.tenant, pk=invitation_id)
    except (Invitation.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_partner(member: Membership, partner_id: int | str) -> Partner:
    try:
        return Partner.objects.get(tenant=member.tenant, pk=partner_id)
    except (Partner.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_person(member: Membership, membership_id: int | str) -> Membership:
    """Someone's membership in the member's tenant, for their person page: staff see everyone, a partner
    user only the people whose person subject is shared with their partner (their colleagues)."""
    people = Membership.objects.select_related("user", "partner", "subject").filter(tenant=member.tenant)
    if member.is_external:
        people = people.filter(subject__shares__partner_id=member.partner_id)  # type: ignore[misc]  # external: partner_id is set
    try:
        return people.get(pk=membership_id)
    except (Membership.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_team(member: Membership, team_id: int | str) -> Team:
    """A team of the member's tenant (teams are the tenant's own structure: partner users get 404)."""
    pk = ascii_int(team_id)  # "٣" is not team 3
    team = Team.objects.filter(tenant=member.tenant, pk=pk).first() if pk is not None else None
    if member.is_external or team is None:
        raise Http404
    return team
