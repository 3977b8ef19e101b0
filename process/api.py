"""The S&OP cycle calendar in the API: cycles with their phases (state, dates, owner, progress and each
exit criterion checked live), and closing or reopening a phase.

A django-ninja `Router` mounted by config/api.py (namespace "process_cycles_api"), guarded like the
planning API (`TenantKeyAuth`). Closing and reopening are a person's act (they run the same actions as
the cycle page, with the member's role): an API key, which is nobody, is refused them (403).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Annotated, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopsocial.api.access import ApiCaller, TenantKeyAuth
from sopsocial.api.errors import ApiError, error_items
from sopsocial.api.schemas import COMMON_ERRORS, NO_NUL_PATTERN, ErrorsOut, TenantSlug
from sopsocial.tenancy.models import Membership

from . import selectors
from .actions import cycles as actions
from .actions.cycles import MAX_REASON
from .models import CyclePhase, SopCycle

router = Router(auth=TenantKeyAuth(), tags=["S&OP cycle"])

WRITE_ERRORS: dict[int, type[ErrorsOut]] = {**COMMON_ERRORS, 409: ErrorsOut, 422: ErrorsOut}
Id = Annotated[int, Field(ge=1, le=2147483647)]


class PhaseCriterionOut(Schema):
    key: str
    label: str
    ok: bool
    detail: str


class CyclePhaseOut(Schema):
    id: int
    key: str
    name: str
    position: int
    status: str = Field(description="not_started, in_progress or done (as stored)")
    state: str = Field(description="not_started, in_progress, done or late (late: not done, past due)")
    starts_on: dt.date
    due_on: dt.date
    owner: str | None = Field(description="The owner's name, or @team, or null")
    owner_member_id: int | None
    owner_team_id: int | None
    tasks_done: int
    tasks_total: int
    locks_plan_type: str | None = Field(description="demand or supply: closing the phase locks it")
    criteria: list[PhaseCriterionOut]
    closed_at: dt.datetime | None
    override_reason: str


class SopCycleSummaryOut(Schema):
    id: int
    plan_cycle_id: int
    month: dt.date
    starts_on: dt.date
    current_phase: str | None = Field(description="The first phase not done, or null when all are")
    phases_done: int
    phases_total: int


class SopCycleList(Schema):
    items: list[SopCycleSummaryOut]


class SopCycleOut(SopCycleSummaryOut):
    locked_plan_types: list[str]
    phases: list[CyclePhaseOut]


class CyclePhaseList(Schema):
    items: list[CyclePhaseOut]


class PhaseReasonIn(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True)

    reason: Annotated[str, StringConstraints(max_length=MAX_REASON, pattern=NO_NUL_PATTERN)] = Field(
        default="", description="Closing: why, when overriding unmet criteria (admins). Reopening: required."
    )


def _caller(request: HttpRequest) -> ApiCaller:
    return request.auth  # type: ignore[attr-defined,no-any-return]


def _cycle(caller: ApiCaller, cycle_id: int) -> SopCycle:
    cycle = (
        SopCycle.objects.select_related("plan_cycle", "subject", "tenant")
        .filter(tenant=caller.tenant, pk=cycle_id)
        .first()
    )
    if cycle is None:
        raise ApiError(404, "No such cycle.", field="cycle_id")
    return cycle


def _phases_out(cycle: SopCycle) -> list[dict[str, Any]]:
    out = []
    for row in selectors.phase_rows(cycle):
        p = row.phase
        out.append(
            {
                "id": p.pk,
                "key": p.key,
                "name": p.name,
                "position": p.position,
                "status": p.status,
                "state": row.state,
                "starts_on": p.starts_on,
                "due_on": p.due_on,
                "owner": actions.owner_label(p) or None,
                "owner_member_id": p.owner_member_id,
                "owner_team_id": p.owner_team_id,
                "tasks_done": p.tasks_done,  # type: ignore[attr-defined]
                "tasks_total": p.tasks_total,  # type: ignore[attr-defined]
                "locks_plan_type": p.locks_plan_type or None,
                "criteria": [r.__dict__ for r in row.criteria],
                "closed_at": p.closed_at,
                "override_reason": p.override_reason,
            }
        )
    return out


def _summary(cycle: SopCycle, phases: list[tuple[str, str]]) -> dict[str, Any]:
    """`phases`: (name, status) in order."""
    current = next((name for name, status in phases if status != "done"), None)
    return {
        "id": cycle.pk,
        "plan_cycle_id": cycle.plan_cycle_id,
        "month": cycle.plan_cycle.month,
        "starts_on": cycle.starts_on,
        "current_phase": current,
        "phases_done": sum(1 for _name, status in phases if status == "done"),
        "phases_total": len(phases),
    }


@router.get(
    "t/{slug:tenant_slug}/cycles/",
    response={200: SopCycleList, **COMMON_ERRORS},
    url_name="cycles",
    operation_id="list_sop_cycles",
    summary="List S&OP cycles",
    description="The newest 60 S&OP cycles (one per plan cycle), newest first, with where each stands.",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "CycleDetail": {
                        "operationId": "get_sop_cycle",
                        "parameters": {
                            "tenant": "$request.path.tenant",
                            "cycle_id": "$response.body#/items/0/id",
                        },
                    }
                }
            }
        }
    },
)
def list_sop_cycles(request: HttpRequest, tenant_slug: TenantSlug):
    cycles = list(selectors.cycles_for(_caller(request).tenant)[:60])
    return {"items": [_summary(c, [(p.name, p.status) for p in c.phases.all()]) for c in cycles]}


@router.get(
    "t/{slug:tenant_slug}/cycles/{int:cycle_id}/",
    response={200: SopCycleOut, **COMMON_ERRORS},
    url_name="cycle",
    operation_id="get_sop_cycle",
    summary="An S&OP cycle with its phases",
    description="Each phase with its state, dates, owner, task progress and exit criteria checked now.",
)
def get_sop_cycle(request: HttpRequest, tenant_slug: TenantSlug, cycle_id: Id):
    cycle = _cycle(_caller(request), cycle_id)
    phases = _phases_out(cycle)
    return {
        **_summary(cycle, [(p["name"], p["status"]) for p in phases]),
        "locked_plan_types": [lock.plan_type for lock in selectors.locks_of(cycle)],
        "phases": phases,
    }


@router.get(
    "t/{slug:tenant_slug}/cycles/{int:cycle_id}/phases/",
    response={200: CyclePhaseList, **COMMON_ERRORS},
    url_name="phases",
    operation_id="list_cycle_phases",
    summary="List a cycle's phases",
    description="In order, each with its state and exit criteria checked now.",
)
def list_cycle_phases(request: HttpRequest, tenant_slug: TenantSlug, cycle_id: Id):
    return {"items": _phases_out(_cycle(_caller(request), cycle_id))}


class PhaseKeyAuth(TenantKeyAuth):
    """The key check, then the cycle and phase in the URL, before the body is read: another tenant's
    phase (or none) is a 404 whatever the body holds, as on every tenant route."""

    def __call__(self, request: HttpRequest) -> ApiCaller:
        caller = super().__call__(request)
        match = request.resolver_match
        kwargs = match.kwargs if match is not None else {}
        cycle_id, phase_id = kwargs.get("cycle_id"), kwargs.get("phase_id")
        if not isinstance(cycle_id, int) or not isinstance(phase_id, int):
            raise ApiError(404, "No such phase.", field="phase_id")
        cycle = _cycle(caller, cycle_id)
        phase = cycle.phases.select_related("subject").filter(pk=phase_id).first()
        if phase is None:
            raise ApiError(404, "No such phase.", field="phase_id")
        phase.cycle = cycle
        request.cycle_phase = phase  # type: ignore[attr-defined]
        return caller


def _member_phase(request: HttpRequest) -> tuple[Membership, CyclePhase]:
    caller = _caller(request)
    phase: CyclePhase = request.cycle_phase  # type: ignore[attr-defined]
    if caller.actor is None:
        raise ApiError(403, "A phase is closed or reopened by a person: sign in rather than use an API key.")
    member = (
        Membership.objects.select_related("tenant", "user", "partner")
        .filter(tenant=caller.tenant, user=caller.actor, is_active=True)
        .first()
    )
    if member is None:
        raise ApiError(404, "Not found.")
    return member, phase


def _phase_answer(phase: CyclePhase) -> dict[str, Any]:
    cycle = SopCycle.objects.select_related("plan_cycle", "subject", "tenant").get(pk=phase.cycle_id)
    return next(p for p in _phases_out(cycle) if p["id"] == phase.pk)


def _refused(error: ValidationError) -> ApiError:
    refusal = ApiError(422, "Refused.")
    refusal.items = error_items(error) or refusal.items
    return refusal


def _phase_write(request: HttpRequest, act: Callable[[Membership, CyclePhase], CyclePhase]) -> dict[str, Any]:
    """Run a phase action for the API: its refusals as a 422 naming each reason, or a 403."""
    member, phase = _member_phase(request)
    try:
        phase = act(member, phase)
    except ValidationError as e:
        raise _refused(e) from None
    except PermissionDenied as e:
        raise ApiError(403, str(e)) from None
    return _phase_answer(phase)


@router.post(
    "t/{slug:tenant_slug}/cycles/{int:cycle_id}/phases/{int:phase_id}/close/",
    response={200: CyclePhaseOut, **WRITE_ERRORS},
    auth=PhaseKeyAuth(),
    url_name="phase_close",
    operation_id="close_cycle_phase",
    summary="Close a phase",
    description="Checks the phase's exit criteria: unmet ones are a 422 listing each under `criteria`. An "
    "admin may close anyway with a `reason` (audited). Closing a phase that owns a plan type locks the "
    "cycle's versions of it.",
)
def close_cycle_phase(
    request: HttpRequest, tenant_slug: TenantSlug, cycle_id: Id, phase_id: Id, payload: PhaseReasonIn
):
    return _phase_write(
        request,
        lambda member, phase: actions.check_close_phase(member, phase, override_reason=payload.reason),
    )


@router.post(
    "t/{slug:tenant_slug}/cycles/{int:cycle_id}/phases/{int:phase_id}/reopen/",
    response={200: CyclePhaseOut, **WRITE_ERRORS},
    auth=PhaseKeyAuth(),
    url_name="phase_reopen",
    operation_id="reopen_cycle_phase",
    summary="Reopen a closed phase",
    description="Needs a `reason` (audited); unlocks the plan the phase locked.",
)
def reopen_cycle_phase(
    request: HttpRequest, tenant_slug: TenantSlug, cycle_id: Id, phase_id: Id, payload: PhaseReasonIn
):
    return _phase_write(
        request, lambda member, phase: actions.check_reopen_phase(member, phase, reason=payload.reason)
    )
