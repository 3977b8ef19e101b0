from django.core.exceptions import ImproperlyConfigured

from .access import GUARD_MARKER


class TenantGuardCheckMiddleware:
    """Default deny: a route under /t/<tenant_slug>/ whose view forgot `tenant_view` never runs.

    The URL-walking isolation test requests every route, so a forgotten guard fails the suite."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        if "tenant_slug" in view_kwargs and not getattr(view_func, GUARD_MARKER, False):
            raise ImproperlyConfigured(
                f"{request.resolver_match.view_name}: tenant route without tenant_view guard"
            )
        return None
