"""Fetch-by-id scoped to the member's tenant: "not found" and "not yours" are the same 404.
Partners (external members) reach none of the cycle calendar."""

from __future__ import annotations

from django.db.models import QuerySet
from django.http import Http404

from planning.models import PlanCycle
from sopsocial.pages.params import ascii_int
from sopsocial.tenancy.models import Membership

from ..models import CyclePhase, PhaseTaskTemplate, PhaseTemplate, SopCycle


def _id(raw: int | str | None) -> int:
    value = raw if isinstance(raw, int) else ascii_int(str(raw or ""))
    if value is None or not 0 < value < 2**31:
        raise Http404
    return value


def _internal(member: Membership) -> None:
    if member.is_external:
        raise Http404


def access_cycle(member: Membership, cycle_id: int | str) -> SopCycle:
    _internal(member)
    qs: QuerySet[SopCycle] = SopCycle.objects.select_related("plan_cycle", "subject", "tenant")
    cycle = qs.filter(tenant=member.tenant, pk=_id(cycle_id)).first()
    if cycle is None:
        raise Http404
    return cycle


def access_phase(member: Membership, cycle_id: int | str, phase_id: int | str) -> CyclePhase:
    """A phase, reached through its cycle."""
    cycle = access_cycle(member, cycle_id)
    phase = (
        cycle.phases.select_related("owner_member__user", "owner_team", "subject")
        .filter(pk=_id(phase_id))
        .first()
    )
    if phase is None:
        raise Http404
    phase.cycle = cycle
    return phase


def access_plan_cycle(member: Membership, plan_cycle_id: int | str | None) -> PlanCycle:
    _internal(member)
    cycle = PlanCycle.objects.filter(tenant=member.tenant, pk=_id(plan_cycle_id)).first()
    if cycle is None:
        raise Http404
    return cycle


def access_phase_template(member: Membership, phase_template_id: int | str) -> PhaseTemplate:
    _internal(member)
    template = (
        PhaseTemplate.objects.select_related("owner_member", "owner_team")
        .filter(tenant=member.tenant, pk=_id(phase_template_id))
        .first()
    )
    if template is None:
        raise Http404
    return template


def access_task_template(member: Membership, task_template_id: int | str) -> PhaseTaskTemplate:
    _internal(member)
    template = (
        PhaseTaskTemplate.objects.select_related("phase")
        .filter(tenant=member.tenant, pk=_id(task_template_id))
        .first()
    )
    if template is None:
        raise Http404
    return template
