"""Who is calling /api/v1/t/<tenant_slug>/...: `Authorization: Bearer <key>` of that tenant.

`TenantKeyAuth` is the django-ninja auth of every tenant operation. No key -> 401 JSON (never a login
redirect); unknown or revoked key -> 401; a valid key of another tenant -> 404 (the tenant's existence
is not confirmed). A signed-in internal member may also call the API with their browser session (reads
for everyone, writes with `Perm.IMPORT_DATA`, CSRF checked since API routes are otherwise CSRF-exempt);
a signed-in person who is not an internal member gets 404, like everywhere else. The operation finds
an `ApiCaller` in `request.auth`: the tenant, the key (None for a session call) and the audit actor.
"""

from dataclasses import dataclass
from typing import Any

from django.contrib.auth.models import User
from django.http import Http404, HttpRequest
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from ninja.security.base import AuthBase

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.access import SUSPENDED_MESSAGE
from sopsocial.tenancy.models import Membership, Tenant
from sopsocial.tenancy.policy import Perm, can

from .errors import ApiError
from .models import ApiKey, hash_key

SAFE_METHODS = ("GET", "HEAD", "OPTIONS")


@dataclass(frozen=True)
class ApiCaller:
    tenant: Tenant
    api_key: ApiKey | None  # None for a member's session call
    actor: User | None  # the person, for a session call
    actor_label: str | None  # "API key <name>", for a key call


class TenantKeyAuth(AuthBase):
    """The tenant guard of the JSON API (the API's `tenant_view`); `TenantApi` marks a route guarded
    only when every operation on it uses this auth."""

    openapi_type = "http"
    openapi_scheme = "bearer"
    openapi_description = "A per-tenant API key: `Authorization: Bearer <key>` (Settings → API keys)."

    def __call__(self, request: HttpRequest) -> ApiCaller:
        match = request.resolver_match
        tenant_slug = str(match.kwargs.get("tenant_slug", "")) if match is not None else ""
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[7:].strip():
            key = (
                ApiKey.objects.select_related("tenant").filter(key_hash=hash_key(header[7:].strip())).first()
            )
            if key is None or key.revoked_at is not None:
                raise ApiError(401, "Unknown or revoked API key.", field="Authorization")
            if key.tenant.slug != tenant_slug:
                raise ApiError(404, "Not found.")
            if key.tenant.is_suspended:
                raise ApiError(403, SUSPENDED_MESSAGE)
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
            return ApiCaller(key.tenant, key, None, key.actor_label)
        user: Any = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            member = (
                Membership.objects.select_related("tenant")
                .filter(tenant__slug=tenant_slug, user=user, is_active=True, partner__isnull=True)
                .first()
            )
            if member is None:
                raise ApiError(404, "Not found.")
            if member.tenant.is_suspended:
                raise ApiError(403, SUSPENDED_MESSAGE)
            if request.method not in SAFE_METHODS:
                if not can(member, Perm.IMPORT_DATA):
                    raise ApiError(403, "Your role may not write through the API.")
                # the middleware is used for its check only: it never calls a response or the view
                refused = CsrfViewMiddleware(lambda r: None).process_view(  # type: ignore[arg-type]
                    request,
                    None,  # type: ignore[arg-type]
                    (),
                    {},
                )
                if refused is not None:
                    raise ApiError(403, "CSRF check failed; send an API key instead.")
            return ApiCaller(member.tenant, None, user, None)
        raise ApiError(401, "Send an API key: Authorization: Bearer <key>.", field="Authorization")


def access_api_key(member: Membership, api_key_id: int | str) -> ApiKey:
    pk = ascii_int(api_key_id)
    if pk is None:
        raise Http404
    try:
        return ApiKey.objects.get(tenant=member.tenant, pk=pk)
    except ApiKey.DoesNotExist:
        raise Http404 from None
