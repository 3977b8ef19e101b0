from django.conf import settings
from django.core.exceptions import DisallowedHost

# No inline script or style anywhere: htmx is configured (meta htmx-config) not to inject its indicator
# style, and every script is a static file. Websockets go to our own origin only: `{websockets}` becomes
# the ws:// or wss:// origin of the host the page was asked for (older browsers do not let 'self' cover
# websockets), never a bare `ws:`/`wss:` scheme, which would let a script talk to any host.
DEFAULT_POLICY = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'{websockets}; frame-ancestors 'none'; base-uri 'self'; "
    "form-action 'self'; object-src 'none'"
)


def own_websocket_origin(request):
    """`ws://host[:port]` (`wss://` on https) for the host Django accepted; "" when the host is not one
    of ALLOWED_HOSTS (that request is answered 400 anyway)."""
    try:
        host = request.get_host()
    except DisallowedHost:
        return ""
    return f"{'wss' if request.is_secure() else 'ws'}://{host}"


class ContentSecurityPolicyMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        self.policy = getattr(settings, "CONTENT_SECURITY_POLICY", DEFAULT_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        if "Content-Security-Policy" not in response:
            origin = own_websocket_origin(request)
            response["Content-Security-Policy"] = self.policy.replace(
                "{websockets}", f" {origin}" if origin else ""
            )
        return response
