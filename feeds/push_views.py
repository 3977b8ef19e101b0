"""Subscribing a browser to phone notifications and unsubscribing it. Called by static/js/push.js with
the JSON of `PushSubscription.toJSON()` (answers JSON: 201/200, or 400 naming the field); the
unsubscribe button of the device list posts a plain form instead (answers with a redirect back)."""

import json

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.shortcuts import redirect
from django.views.decorators.http import require_POST

from sopsocial.api.errors import messages_by_field
from sopsocial.tenancy.access import tenant_view

from . import actions


class _BadBody(ValueError):
    pass


def _wants_json(request):
    return request.content_type == "application/json"


def _subscription_fields(request):
    """(endpoint, p256dh, auth) from `PushSubscription.toJSON()` or from form fields of the same names."""
    if not _wants_json(request):
        return request.POST.get("endpoint"), request.POST.get("p256dh"), request.POST.get("auth")
    try:
        body = json.loads(request.body or b"null")
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise _BadBody("The request body is not JSON.") from error
    if not isinstance(body, dict):
        raise _BadBody("The request body must be a JSON object.")
    keys = body.get("keys") if isinstance(body.get("keys"), dict) else {}
    return body.get("endpoint"), keys.get("p256dh"), keys.get("auth")


def _bad(field, message):
    return JsonResponse({"errors": {field: [message]}}, status=400)


@tenant_view(allow_external=True)
@require_POST
def push_subscribe(request, member):
    try:
        endpoint, p256dh, auth = _subscription_fields(request)
    except _BadBody as error:
        return _bad("body", str(error))
    try:
        subscription = actions.check_subscribe_push(
            member,
            endpoint=endpoint,
            p256dh=p256dh,
            auth=auth,
            user_agent=request.headers.get("User-Agent", ""),
        )
    except ValidationError as error:
        return JsonResponse({"errors": messages_by_field(error)}, status=400)
    return JsonResponse({"subscribed": True, "id": subscription.pk}, status=201)


@tenant_view(allow_external=True)
@require_POST
def push_unsubscribe(request, member):
    try:
        endpoint, _p256dh, _auth = _subscription_fields(request)
    except _BadBody as error:
        return _bad("body", str(error))
    if not isinstance(endpoint, str) or not endpoint.strip() or "\x00" in endpoint:
        if _wants_json(request):
            return _bad("endpoint", "Say which browser's subscription to end (endpoint).")
        messages.error(request, "Say which browser to turn phone notifications off for.")
        return redirect("feeds:preferences", tenant_slug=member.tenant.slug)
    removed = actions.do_unsubscribe_push(member, endpoint.strip())
    if _wants_json(request):
        return JsonResponse({"subscribed": False, "removed": removed})
    if removed:
        messages.success(request, "Phone notifications are off for that browser.")
    return redirect("feeds:preferences", tenant_slug=member.tenant.slug)
