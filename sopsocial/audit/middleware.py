import ipaddress
import re
import uuid

from django.conf import settings

from . import context

_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def client_ip(request):
    """The client's address, for audit events and the login and reset throttles.

    With TRUSTED_PROXY_COUNT = 0 (the default) it is REMOTE_ADDR: no X-Forwarded-For entry is believed,
    because the client writes whatever it likes there. Behind N trusted proxies, each appending the
    address it saw, it is the N-th entry from the right (written by the outermost trusted proxy);
    anything left of it is the client's claim. With fewer entries than proxies the right-most entry is
    used, since a proxy wrote at least that one. None when the chosen value is not an IP address."""
    raw = request.META.get("REMOTE_ADDR", "")
    proxies = getattr(settings, "TRUSTED_PROXY_COUNT", 0)
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies > 0 and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",")]
        raw = hops[-proxies] if len(hops) >= proxies else hops[-1]
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
