"""Cycle calendar pages (the cycle-calendar work fills these in)."""

from django.http import Http404

from sopsocial.tenancy.access import tenant_view


@tenant_view
def cycle_detail(request, member, cycle_id):
    raise Http404


@tenant_view
def phase_detail(request, member, cycle_id, phase_id):
    raise Http404
