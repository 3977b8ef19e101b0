"""Meeting and decision pages (the meetings work fills these in)."""

from django.http import Http404

from sopsocial.tenancy.access import tenant_view


@tenant_view
def meeting_detail(request, member, meeting_id):
    raise Http404


@tenant_view
def decision_detail(request, member, decision_id):
    raise Http404
