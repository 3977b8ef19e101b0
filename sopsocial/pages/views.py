from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import JsonResponse
from django.shortcuts import redirect, render

from sopsocial.tenancy.models import Membership

from .chrome import tenant_home_url


@login_required
def start(request):
    """After login: straight to the tenant last used (or the only one); otherwise the picker."""
    memberships = Membership.objects.filter(user=request.user, is_active=True).select_related("tenant")
    slugs = [m.tenant.slug for m in memberships]
    last = request.session.get("last_tenant")
    if last in slugs:
        return redirect(tenant_home_url(last))
    if len(slugs) == 1:
        return redirect(tenant_home_url(slugs[0]))
    return redirect("site:tenants")


@login_required
def tenants(request):
    memberships = Membership.objects.filter(user=request.user, is_active=True).select_related(
        "tenant", "partner"
    )
    return render(request, "pages/tenants.html", {"memberships": memberships.order_by("tenant__name")})


def healthz(request):
    """Liveness/readiness for the load balancer and docker compose: the database answers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


def error_400(request, exception=None):
    return render(request, "400.html", status=400)


def error_403(request, exception=None):
    return render(request, "403.html", {"reason": str(exception or "")}, status=403)


def error_404(request, exception=None):
    return render(request, "404.html", status=404)


def error_500(request):
    return render(request, "500.html", status=500)
