"""Fetch-by-id scoped to the member's tenant: "not found" and "not yours" are the same 404.

Meetings and decisions are internal: a partner's user reaches neither (their pages refuse partners too).
"""

from __future__ import annotations

from django.http import Http404

from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.models import Membership

from ..models import AgendaItem, Decision, Meeting

# --- meetings and decisions ---------------------------------------------------------------------------


def _internal_pk(member: Membership, raw: int | str | None) -> int:
    pk = ascii_int(raw)
    if pk is None or member.is_external:
        raise Http404
    return pk


def access_meeting(member: Membership, meeting_id: int | str | None, *, for_update: bool = False) -> Meeting:
    pk = _internal_pk(member, meeting_id)
    meetings = Meeting.objects.select_related(
        "tenant", "subject", "cycle__plan_cycle", "cycle__subject", "phase__subject", "organiser__user"
    )
    if for_update:
        meetings = meetings.select_for_update(of=("self",))
    meeting = meetings.filter(tenant=member.tenant, pk=pk).first()
    if meeting is None:
        raise Http404
    return meeting


def access_agenda_item(meeting: Meeting, item_id: int | str | None) -> AgendaItem:
    """An item reached through its meeting (already checked)."""
    pk = ascii_int(item_id)
    item = meeting.agenda.filter(pk=pk).first() if pk is not None else None
    if item is None:
        raise Http404
    return item


def access_decision(member: Membership, decision_id: int | str | None) -> Decision:
    pk = _internal_pk(member, decision_id)
    decision = (
        Decision.objects.select_related(
            "tenant",
            "subject",
            "cycle__plan_cycle",
            "meeting__subject",
            "agenda_item",
            "about",
            "owner__user",
            "decided_by",
            "created_by",
        )
        .filter(tenant=member.tenant, pk=pk)
        .first()
    )
    if decision is None:
        raise Http404
    return decision
