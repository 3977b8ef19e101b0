"""Task pages (the tasks work fills these in)."""

from django.http import Http404

from sopsocial.tenancy.access import tenant_view


@tenant_view(allow_external=True)
def task_detail(request, member, task_id):
    raise Http404
