from django.conf import settings
from django.core.exceptions import DisallowedHost
from django.http import JsonResponse
from django.shortcuts import render

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


def _nul_free(text):
    return "\x00" not in text


class RejectNulBytesMiddleware:
    """A NUL byte in the path, a query parameter (name or value) or a header (cookies aside) is answered
    400 here, naming where it was: PostgreSQL cannot store or compare text holding NUL, so one that gets
    through turns a search box or a filter into a 500. The friendly 400 page, or JSON for /api/ and htmx.

    Posted forms are left to their forms, which refuse NUL with a message beside the field (Django's
    CharField does; the isolation walk posts NUL in every field to prove no view skips that)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        field = self._field_with_nul(request)
        if field is None:
            return self.get_response(request)
        message = f"“{field}” contains a NUL character (\\x00), which is not allowed."
        if request.path.startswith("/api/") or request.headers.get("HX-Request") == "true":
            # "errors" is the API's documented error body; "error"/"field" are what htmx pages read
            return JsonResponse(
                {
                    "errors": [{"row": None, "field": field, "message": message}],
                    "error": message,
                    "field": field,
                },
                status=400,
            )
        return render(request, "400.html", {"reason": message}, status=400)

    @staticmethod
    def _field_with_nul(request):
        if not _nul_free(request.path):
            return "path"
        for name, values in request.GET.lists():
            if not _nul_free(name) or not all(_nul_free(v) for v in values):
                return name.replace("\x00", "\\x00")
        for key, value in request.META.items():
            if key.startswith("HTTP_") and key != "HTTP_COOKIE" and not _nul_free(str(value)):
                return key[5:].replace("_", "-").title()
        return None
