from django.shortcuts import render

from sopsocial.tenancy.access import tenant_view


@tenant_view(allow_external=True)
def home(request, member):
    """The tenant home: the member's feed."""
    return render(request, "pages/home.html", {})
