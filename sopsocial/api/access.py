"""The guard for /api/v1/t/<tenant_slug>/...: `Authorization: Bearer <key>` of that tenant.

No key -> 401 JSON (never a login redirect); unknown or revoked key -> 401; a valid key of another
tenant -> 404 (the tenant's existence is not confirmed). A signed-in internal member may also call the
API with their browser session (reads for everyone, writes with `Perm.IMPORT_DATA`, CSRF checked since
the views are otherwise CSRF-exempt); a signed-in person who is not an internal member gets 404, like
everywhere else. The view receives `(request, tenant, api_key, **kwargs)`; `api_key` is None for a
session call, and `request.api_actor` is `(user or None, actor label)` for the audit trail.
"""

import logging
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.middleware.csrf import CsrfViewMiddleware
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.access import GUARD_MARKER, SUSPENDED_MESSAGE, View
from sopsocial.tenancy.models import Membership, Tenant
from sopsocial.tenancy.policy import Perm, can

from .errors import error_item
from .models import ApiKey, hash_key

logger = logging.getLogger(__name__)


def error_response(
    status: int, message: str, field: str | None = None, row: int | None = None
) -> JsonResponse:
    return JsonResponse({"errors": [error_item(message, field, row)]}, status=status)


def api_view(func: View) -> View:
    @wraps(func)
    def guarded(request: Any, tenant_slug: str, *args: Any, **kwargs: Any) -> HttpResponse:
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[7:].strip():
            key = (
                ApiKey.objects.select_related("tenant").filter(key_hash=hash_key(header[7:].strip())).first()
            )
            if key is None or key.revoked_at is not None:
                return error_response(401, "Unknown or revoked API key.", field="Authorization")
            if key.tenant.slug != tenant_slug:
                return error_response(404, "Not found.")
            if key.tenant.is_suspended:
                return error_response(403, SUSPENDED_MESSAGE)
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
            request.api_key, request.tenant = key, key.tenant
            request.api_actor = (None, key.actor_label)
            return _run(func, request, key.tenant, key, *args, **kwargs)
        if request.user.is_authenticated:
            member = (
                Membership.objects.select_related("tenant")
                .filter(tenant__slug=tenant_slug, user=request.user, is_active=True, partner__isnull=True)
                .first()
            )
            if member is None:
                return error_response(404, "Not found.")
            if member.tenant.is_suspended:
                return error_response(403, SUSPENDED_MESSAGE)
            if request.method not in ("GET", "HEAD", "OPTIONS"):
                if not can(member, Perm.IMPORT_DATA):
                    return error_response(403, "Your role may not write through the API.")
                # the middleware is used for its check only: it never calls a response or the view
                refused = CsrfViewMiddleware(lambda r: None).process_view(  # type: ignore[arg-type]
                    request,
                    None,  # type: ignore[arg-type]
                    (),
                    {},
                )
                if refused is not None:
                    return error_response(403, "CSRF check failed; send an API key instead.")
            request.api_key, request.tenant = None, member.tenant
            request.api_actor = (request.user, None)
            return _run(func, request, member.tenant, None, *args, **kwargs)
        return error_response(401, "Send an API key: Authorization: Bearer <key>.", field="Authorization")

    guarded = csrf_exempt(guarded)
    setattr(guarded, GUARD_MARKER, True)
    return guarded


def _run(
    func: View, request: HttpRequest, tenant: Tenant, key: ApiKey | None, *args: Any, **kwargs: Any
) -> HttpResponse:
    try:
        return func(request, tenant, key, *args, **kwargs)
    except Http404:
        return error_response(404, "Not found.")
    except PermissionDenied:
        return error_response(403, "Forbidden.")
    except Exception:
        # API clients parse JSON: a bug must not answer with Django's HTML error page. Logged with the
        # traceback (and so reported like any 500).
        logger.exception("Unhandled error in API view %s %s", request.method, request.path)
        return error_response(500, "Internal error; it has been logged.")


def access_api_key(member: Membership, api_key_id: int | str) -> ApiKey:
    pk = ascii_int(api_key_id)
    if pk is None:
        raise Http404
    try:
        return ApiKey.objects.get(tenant=member.tenant, pk=pk)
    except ApiKey.DoesNotExist:
        raise Http404 from None
