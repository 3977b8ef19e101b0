from django.shortcuts import render

from sopsocial.audit.selectors import trail_for_subject
from sopsocial.pages.panels import panels_for
from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.models import Partner
from sopsocial.tenancy.policy import Perm, can

from .access import access_subject
from .actions import do_share_subject, do_unshare_subject


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
        "trail": trail_for_subject(subject) if can(member, Perm.VIEW_TRAIL) else [],
        "panels": panels_for(member, subject),
    }
    return render(request, "subjects/subject.html", context)


@tenant_view(perm=Perm.SHARE_SUBJECTS)
def sharing(request, member, subject_id):
    """Which partner organisations see this subject; who holds `Perm.SHARE_SUBJECTS` (un)shares it."""
    subject = access_subject(member, subject_id)
    partners = Partner.objects.filter(tenant=member.tenant, deactivated_at=None).order_by("name")
    if request.method == "POST":
        raw = request.POST.get("partner", "")
        partner_id = ascii_int(raw)
        partner = partners.filter(pk=partner_id).first() if partner_id is not None else None
        if partner is None:
            return render(
                request,
                "subjects/partials/_sharing.html",
                _sharing_context(subject, partners, error="Choose a partner of this workspace."),
                status=400,
            )
        if request.POST.get("action") == "unshare":
            do_unshare_subject(member, subject, partner)
        else:
            do_share_subject(member, subject, partner)
    return render(request, "subjects/partials/_sharing.html", _sharing_context(subject, partners))


def _sharing_context(subject, partners, error=""):
    shared = set(subject.shares.values_list("partner_id", flat=True))
    return {"subject": subject, "partners": [(p, p.pk in shared) for p in partners], "error": error}
