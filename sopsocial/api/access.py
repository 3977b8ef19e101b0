"""The guard for /api/v1/t/<tenant_slug>/...: `Authorization: Bearer <key>` of that tenant.

No key -> 401 JSON (never a login redirect); unknown or revoked key -> 401; a valid key of another
tenant -> 404 (the tenant's existence is not confirmed). A browser session is not accepted (API views
are CSRF-exempt), but a signed-in person who is not an internal member of the tenant also gets 404,
like everywhere else. The view receives `(request, tenant, api_key, **kwargs)`.
"""

from functools import wraps

from django.http import Http404, JsonResponse
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt

from sopsocial.tenancy.access import GUARD_MARKER
from sopsocial.tenancy.models import Membership

from .models import ApiKey, hash_key


def error_response(status, message, field=None, row=None):
    return JsonResponse({"errors": [{"row": row, "field": field, "message": message}]}, status=status)


def api_view(func):
    @wraps(func)
    def guarded(request, tenant_slug, *args, **kwargs):
        header = request.headers.get("Authorization", "")
        if header.startswith("Bearer ") and header[7:].strip():
            key = (
                ApiKey.objects.select_related("tenant").filter(key_hash=hash_key(header[7:].strip())).first()
            )
            if key is None or key.revoked_at is not None:
                return error_response(401, "Unknown or revoked API key.", field="Authorization")
            if key.tenant.slug != tenant_slug:
                return error_response(404, "Not found.")
            ApiKey.objects.filter(pk=key.pk).update(last_used_at=timezone.now())
            request.api_key, request.tenant = key, key.tenant
            try:
                return func(request, key.tenant, key, *args, **kwargs)
            except Http404:
                return error_response(404, "Not found.")
        if request.user.is_authenticated:
            internal = Membership.objects.filter(
                tenant__slug=tenant_slug, user=request.user, is_active=True, partner__isnull=True
            ).exists()
            if not internal:
                return error_response(404, "Not found.")
        return error_response(401, "Send an API key: Authorization: Bearer <key>.", field="Authorization")

    guarded = csrf_exempt(guarded)
    setattr(guarded, GUARD_MARKER, True)
    return guarded


def access_api_key(member, api_key_id):
    try:
        return ApiKey.objects.get(tenant=member.tenant, pk=int(api_key_id))
    except (ApiKey.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
