"""The ERP API's plan set-up: start a cycle with its first drafts, add a draft to a cycle, list cycles.

Operations on `planning.api.router` (so `POST plan-versions/` shares its URL with `GET plan-versions/`);
planning/api.py imports this module once its router exists. Writes go through the same actions as the
Plans page (`do_start_cycle`, `do_add_version`) and are idempotent with an `Idempotency-Key`.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field, StringConstraints

from sopsocial.api.access import ApiCaller
from sopsocial.api.errors import ApiError, error_items
from sopsocial.api.idempotency import IdempotencyKey, idempotent_write
from sopsocial.api.schemas import COMMON_ERRORS, NO_NUL_PATTERN, TenantSlug

from . import actions
from .api import ISO_DATE_PATTERN, WRITE_ERRORS, StrictInput, VersionOut, router
from .models import PlanCycle

IsoDate = Annotated[
    str, StringConstraints(pattern=ISO_DATE_PATTERN), Field(json_schema_extra={"format": "date"})
]
PlanTypeName = Literal["demand", "supply"]


class CycleIn(StrictInput):
    model_config = {
        **StrictInput.model_config,
        "json_schema_extra": {
            "examples": [
                {
                    "month": "2026-12-01",
                    "start_week": "2026-11-30",
                    "horizon_weeks": 26,
                    "versions": ["demand", "supply"],
                }
            ]
        },
    }

    month: IsoDate = Field(description="Any day of the cycle's month (stored as its first day)")
    start_week: IsoDate = Field(description="Any day of the plan's first week; may be in the past")
    horizon_weeks: int = Field(ge=1, le=actions.MAX_HORIZON_WEEKS)
    versions: list[PlanTypeName] = Field(
        default=["demand", "supply"], max_length=2, description="The first draft of each of these plans"
    )


class VersionIn(StrictInput):
    model_config = {
        **StrictInput.model_config,
        "json_schema_extra": {"examples": [{"cycle": 1, "plan": "demand", "name": "Sales input"}]},
    }

    cycle: int = Field(ge=1, le=2147483647, description="The cycle's id (from GET plan-cycles/)")
    plan: PlanTypeName
    name: Annotated[str, StringConstraints(max_length=200, pattern=NO_NUL_PATTERN)] = ""


class CycleOut(Schema):
    id: int
    month: dt.date
    start_week: dt.date | None
    horizon_weeks: int
    versions: list[VersionOut]


class CycleList(Schema):
    items: list[CycleOut]


# Answers are plain JSON (dates as text): the idempotency record stores them to replay them.
def _version_out(version: Any) -> dict[str, Any]:
    return {
        "id": version.pk,
        "plan": version.plan.plan_type,
        "number": version.number,
        "status": version.status,
        "start_week": version.start_week.isoformat(),
        "weeks": version.weeks,
    }


def _cycle_out(cycle: PlanCycle, versions: list[Any]) -> dict[str, Any]:
    return {
        "id": cycle.pk,
        "month": cycle.month.isoformat(),
        "start_week": cycle.start_week.isoformat() if cycle.start_week else None,
        "horizon_weeks": cycle.horizon_weeks,
        "versions": [_version_out(v) for v in versions],
    }


def _refused(error: ValidationError) -> ApiError:
    """The action's refusal as a 422 naming every field it names."""
    refusal = ApiError(422, "Invalid.")
    refusal.items = error_items(error) or refusal.items
    return refusal


def _day(text: str, field: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # the right shape, but no such day (2026-02-30)
        raise ApiError(422, f"“{text}” is not a real date.", field=field) from None


_ENTRIES_LINK = {
    "operationId": "upsert_plan_entries",
    "parameters": {"tenant": "$request.path.tenant", "version_id": "$response.body#/versions/0/id"},
}


@router.post(
    "t/{slug:tenant_slug}/plan-cycles/",
    response={200: CycleOut, **WRITE_ERRORS},
    url_name="cycles",  # one URL, one name: the GET on this path shares it
    operation_id="create_plan_cycle",
    summary="Start a plan cycle with its first drafts",
    description="A monthly cycle (its first week may be in the past, to load history) and an empty draft "
    "of each plan in `versions`, in one transaction. One cycle per month: a second is a 422 naming `month`.",
    openapi_extra={"responses": {200: {"links": {"LoadEntries": _ENTRIES_LINK}}}},
)
def create_plan_cycle(
    request: HttpRequest, tenant_slug: TenantSlug, payload: CycleIn, idempotency_key: IdempotencyKey = None
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    month, start_week = _day(payload.month, "month"), _day(payload.start_week, "start_week")

    def write() -> dict[str, Any]:
        try:
            cycle, versions = actions.do_start_cycle(
                tenant=caller.tenant,
                month=month,
                start_week=start_week,
                horizon_weeks=payload.horizon_weeks,
                first_versions=tuple(dict.fromkeys(payload.versions)),
                actor=caller.actor,
                actor_label=caller.actor_label,
            )
        except ValidationError as e:
            raise _refused(e) from None
        return _cycle_out(cycle, versions)

    return idempotent_write(request, caller, idempotency_key, write)


@router.post(
    "t/{slug:tenant_slug}/plan-versions/",
    response={200: VersionOut, **WRITE_ERRORS},
    url_name="versions",  # one URL, one name: shared with GET plan-versions/
    operation_id="create_plan_version",
    summary="Add an empty draft to a cycle",
    description="A new draft of the demand or supply plan over the cycle's weeks, to load entries into.",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "LoadEntries": {
                        "operationId": "upsert_plan_entries",
                        "parameters": {"tenant": "$request.path.tenant", "version_id": "$response.body#/id"},
                    }
                }
            }
        }
    },
)
def create_plan_version(
    request: HttpRequest, tenant_slug: TenantSlug, payload: VersionIn, idempotency_key: IdempotencyKey = None
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    cycle = PlanCycle.objects.filter(tenant=caller.tenant, pk=payload.cycle).first()
    if cycle is None:
        raise ApiError(422, "No such cycle.", field="cycle")

    def write() -> dict[str, Any]:
        try:
            version = actions.do_add_version(
                tenant=caller.tenant,
                cycle=cycle,
                plan_type=payload.plan,
                name=payload.name,
                actor=caller.actor,
                actor_label=caller.actor_label,
            )
        except ValidationError as e:
            raise _refused(e) from None
        return _version_out(version)

    return idempotent_write(request, caller, idempotency_key, write)


@router.get(
    "t/{slug:tenant_slug}/plan-cycles/",
    response={200: CycleList, **COMMON_ERRORS},
    url_name="cycles",
    operation_id="list_plan_cycles",
    summary="List plan cycles",
    description="The newest 60 cycles, newest first, each with its versions.",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "AddVersion": {
                        "operationId": "create_plan_version",
                        "parameters": {"tenant": "$request.path.tenant"},
                        "requestBody": {"cycle": "$response.body#/items/0/id", "plan": "demand"},
                    }
                }
            }
        }
    },
)
def list_plan_cycles(request: HttpRequest, tenant_slug: TenantSlug):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    cycles = list(
        PlanCycle.objects.filter(tenant=caller.tenant)
        .order_by("-month")
        .prefetch_related("versions__plan")[:60]
    )
    return {"items": [_cycle_out(c, sorted(c.versions.all(), key=lambda v: v.pk)) for c in cycles]}
