import ipaddress
import re
import uuid

from django.conf import settings

from . import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request):
    raw = request.META.get("REMOTE_ADDR", "")
    if getattr(settings, "TRUST_X_FORWARDED_FOR", False):
        forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
        if forwarded:
            raw = forwarded.split(",")[0].strip()
    try:
        return ipaddress.ip_address(raw).compressed
    except ValueError:
        return None


class RequestContextMiddleware:
    """Gives each request an id (honouring a sane incoming X-Request-ID) and records the client IP
    so that audit events can name them; echoes the id back in the response."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        request.request_id = request_id
        token = context.activate(context.RequestContext(request_id=request_id, ip=client_ip(request)))
        try:
            response = self.get_response(request)
        finally:
            context.reset(token)
        response["X-Request-ID"] = request_id
        return response
