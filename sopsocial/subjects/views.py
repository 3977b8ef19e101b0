from django.shortcuts import render

from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.tenancy.access import tenant_view

from .access import access_subject


@tenant_view(allow_external=True)
def subject_page(request, member, subject_id):
    """The generic page of any subject; domain apps link their own richer pages through Subject.url."""
    subject = access_subject(member, subject_id)
    parents = (
        subject.parents.all()
        if not member.is_external
        else subject.parents.filter(shares__partner=member.partner)
    )
    children = (
        subject.children.all()
        if not member.is_external
        else subject.children.filter(shares__partner=member.partner)
    )
    context = {
        "subject": subject,
        "parents": parents.order_by("kind", "title"),
        "children": children.order_by("kind", "title")[:100],
        "trail": trail_for_subject(subject) if not member.is_external else [],
        "panels": panels_for(member, subject),
    }
    return render(request, "subjects/subject.html", context)
