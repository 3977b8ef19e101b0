"""My work: one person's single point (tasks, approvals, alerts, mentions, decisions), acted on in place,
and the two-tap approval of a plan version (Approve on My work, then Confirm on the version's deltas)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render

from planning.access import access_version
from planning.actions.versions import FOUR_EYES_REFUSAL, check_transition, four_eyes_refuses
from planning.models import VersionStatus
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from .. import selectors


@tenant_view
def my_work(request, member):
    work = selectors.my_work(member)
    context = {
        "work": work,
        "can_act_on_alerts": can(member, Perm.ACT_ON_ALERTS),
        "can_approve": can(member, Perm.APPROVE_VERSIONS),
    }
    return render(request, "process/my_work.html", context)


@tenant_view(perm=Perm.APPROVE_VERSIONS)
def approve_version(request, member, version_id):
    """GET: what the version changes and the alerts open on it, with one Confirm button. POST: approve
    it through planning's transition (audited, posted, evaluated) and go back to My work."""
    version = access_version(member, version_id)
    if request.method == "POST":
        try:
            version = check_transition(member, version, "approve")
        except ValidationError as error:
            messages.error(request, " ".join(error.messages))
            return redirect("process:approve_version", tenant_slug=member.tenant.slug, version_id=version.pk)
        messages.success(request, f"You approved {version.subject.title}.")
        return redirect("process:my_work", tenant_slug=member.tenant.slug)
    refusal = ""
    if version.status != VersionStatus.SUBMITTED:
        refusal = (
            f"This version is {version.get_status_display().lower()}: only a submitted version is approved."
        )
    elif four_eyes_refuses(member, version):
        refusal = FOUR_EYES_REFUSAL
    context = {"version": version, "preview": selectors.approval_preview(version), "refusal": refusal}
    return render(request, "process/my_work_approve.html", context)
