"""My work: one person's single point (phases they run, tasks, approvals, alerts, mentions, decisions),
acted on in place, and the two-tap approval of a plan version (Approve on My work, then Confirm on the
version's deltas)."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

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
        "can_run_cycle": can(member, Perm.RUN_CYCLE),
    }
    return render(request, "process/my_work.html", context)


@tenant_view(perm=Perm.APPROVE_VERSIONS)
@require_http_methods(["GET", "POST"])
def approve_version(request, member, version_id):
    """GET: what the version changes and the alerts open on it, with one Confirm button (or why it may
    not be approved). POST: approve it through planning's transition (audited, posted, evaluated) and go
    back to My work; refused, the same page says why (422), nothing written."""
    version = access_version(member, version_id)
    if request.method == "POST":
        try:
            version = check_transition(member, version, "approve")
        except ValidationError as error:
            return _confirm_page(request, version, " ".join(error.messages), status=422)
        messages.success(request, f"You approved {version.subject.title}.")
        return redirect("process:my_work", tenant_slug=member.tenant.slug)
    return _confirm_page(request, version, _refusal(member, version))


def _refusal(member, version):
    """Why the member may not approve the version now ("" when they may)."""
    if version.status != VersionStatus.SUBMITTED:
        return (
            f"This version is {version.get_status_display().lower()}: only a submitted version is approved."
        )
    if four_eyes_refuses(member, version):
        return FOUR_EYES_REFUSAL
    return ""


def _confirm_page(request, version, refusal, status=200):
    context = {"version": version, "preview": selectors.approval_preview(version), "refusal": refusal}
    return render(request, "process/my_work_approve.html", context, status=status)
