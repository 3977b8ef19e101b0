"""The decisions register over the API: list (filtered), record a decision, record its choice.

A django-ninja `Router` mounted by config/api.py at /api/v1/ (namespace "process_decisions_api"), with
the API's tenant guard (`TenantKeyAuth`: a tenant's API key, or an internal member's session). Writes go
through `process.actions.decisions` like the pages, so they audit, post and notify alike; with a key
the audit names the key (`actor_label`). Idempotent with an `Idempotency-Key`.
"""

import datetime as dt
from decimal import Decimal
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from sopsocial.api.access import ApiCaller, TenantKeyAuth
from sopsocial.api.errors import ApiError, error_items
from sopsocial.api.idempotency import IdempotencyKey, idempotent_write
from sopsocial.api.schemas import COMMON_ERRORS, NO_NUL_PATTERN, ErrorsOut, TenantSlug
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership

from .actions import decisions as actions
from .models import Decision, DecisionStatus, Meeting, SopCycle
from .selectors import DecisionFilters, decisions_in

router = Router(auth=TenantKeyAuth(), tags=["decisions"])

WRITE_ERRORS: dict[int, type[ErrorsOut]] = {**COMMON_ERRORS, 409: ErrorsOut, 422: ErrorsOut}
INT_MAX = 2147483647
LIST_LIMIT = 200

Text = Annotated[str, StringConstraints(max_length=10_000, pattern=NO_NUL_PATTERN)]
Id = Annotated[int, Field(ge=1, le=INT_MAX)]


class StrictInput(BaseModel):
    """Bodies are taken as the schema says: no coercion, no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True)


class DecisionIn(StrictInput):
    model_config = {
        **StrictInput.model_config,
        "json_schema_extra": {
            "examples": [
                {
                    "question": "Do we build stock ahead of the Contoso promotion?",
                    "options": ["Build 2 weeks ahead", "Ship from Leeds as is"],
                    "owner": "sam@example.com",
                    "due_on": "2026-12-18",
                    "expected_kpi": "fill rate",
                    "expected_direction": "up",
                    "expected_size": 3,
                    "expected_unit": "%",
                    "horizon_weeks": 6,
                }
            ]
        },
    }

    question: Annotated[str, StringConstraints(min_length=1, max_length=300, pattern=NO_NUL_PATTERN)]
    options: list[Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL_PATTERN)]] = Field(
        default=[], max_length=20, description="The options considered"
    )
    choice: Text = Field(default="", description="A proposal; the choice is taken with `decide`")
    rationale: Text = ""
    owner: Annotated[str, StringConstraints(max_length=254, pattern=NO_NUL_PATTERN)] | None = Field(
        default=None, description="The owner's e-mail (an internal member of the workspace)"
    )
    due_on: Annotated[str, StringConstraints(pattern="^[0-9]{4}-[0-9]{2}-[0-9]{2}$")] | None = Field(
        default=None, json_schema_extra={"format": "date"}
    )
    expected_kpi: Annotated[str, StringConstraints(max_length=100, pattern=NO_NUL_PATTERN)] = ""
    expected_direction: Literal["", "up", "down", "hold"] = ""
    expected_size: (
        Annotated[float, Field(ge=-999_999_999_999, le=999_999_999_999, allow_inf_nan=False)] | None
    ) = None
    expected_unit: Annotated[str, StringConstraints(max_length=20, pattern=NO_NUL_PATTERN)] = ""
    horizon_weeks: Annotated[int, Field(ge=1, le=actions.MAX_HORIZON_WEEKS)] | None = None
    cycle: Id | None = Field(default=None, description="The S&OP cycle's id")
    meeting: Id | None = Field(default=None, description="The meeting it was taken in")
    about: Id | None = Field(default=None, description="The subject it is about (a subject id)")


class DecideIn(StrictInput):
    model_config = {
        **StrictInput.model_config,
        "json_schema_extra": {"examples": [{"choice": "Build 2 weeks ahead", "rationale": "Leeds is full"}]},
    }

    choice: Annotated[str, StringConstraints(min_length=1, max_length=10_000, pattern=NO_NUL_PATTERN)]
    rationale: Text = ""


class DecisionOut(Schema):
    id: int
    question: str
    status: str = Field(description="open, decided or cancelled")
    options: list[str]
    choice: str
    rationale: str
    owner: str | None = Field(description="The owner's e-mail")
    due_on: dt.date | None
    expected_kpi: str
    expected_direction: str
    expected_size: float | None
    expected_unit: str
    horizon_weeks: int | None
    cycle: int | None
    meeting: int | None
    about: int | None
    decided_at: dt.datetime | None
    created: dt.datetime
    url: str


class DecisionList(Schema):
    items: list[DecisionOut]


# Plain JSON (dates as text): the idempotency record stores answers to replay them.
def _out(d: Decision) -> dict[str, Any]:
    return {
        "id": d.pk,
        "question": d.question,
        "status": d.status,
        "options": list(d.options),
        "choice": d.choice,
        "rationale": d.rationale,
        "owner": d.owner.user.email if d.owner else None,
        "due_on": d.due_on.isoformat() if d.due_on else None,
        "expected_kpi": d.expected_kpi,
        "expected_direction": d.expected_direction,
        "expected_size": float(d.expected_size) if d.expected_size is not None else None,
        "expected_unit": d.expected_unit,
        "horizon_weeks": d.horizon_weeks,
        "cycle": d.cycle_id,
        "meeting": d.meeting_id,
        "about": d.about_id,
        "decided_at": d.decided_at.isoformat() if d.decided_at else None,
        "created": d.created.isoformat(),
        "url": d.get_absolute_url(),
    }


def _refused(error: ValidationError) -> ApiError:
    refusal = ApiError(422, "Invalid.")
    refusal.items = error_items(error) or refusal.items
    return refusal


def _session_member(caller: ApiCaller) -> Membership | None:
    """The calling member for a session call (refused unless they record decisions); None for a key."""
    if caller.actor is None:
        return None
    member = Membership.objects.select_related("tenant", "user").get(
        tenant=caller.tenant, user=caller.actor, is_active=True
    )
    if not actions.may_record_decisions(member):
        raise ApiError(403, "Your role may not record decisions.")
    return member


@router.get(
    "t/{slug:tenant_slug}/decisions/",
    response={200: DecisionList, **COMMON_ERRORS},
    url_name="decisions",  # one URL, one name: shared with POST decisions/
    operation_id="list_decisions",
    summary="List decisions",
    description=f"The register, newest first (at most {LIST_LIMIT}), filtered like the Decisions page.",
)
def list_decisions(
    request: HttpRequest,
    tenant_slug: TenantSlug,
    status: Literal["open", "decided", "cancelled"] | None = None,
    owner: Annotated[
        str | None,
        StringConstraints(max_length=254, pattern=NO_NUL_PATTERN),
        Field(description="The owner's e-mail"),
    ] = None,
    cycle: Annotated[int | None, Field(ge=1, le=INT_MAX, description="The S&OP cycle's id")] = None,
    kpi: Annotated[
        str | None,
        StringConstraints(max_length=100, pattern=NO_NUL_PATTERN),
        Field(description="Part of the KPI"),
    ] = None,
    q: Annotated[
        str | None,
        StringConstraints(max_length=100, pattern=NO_NUL_PATTERN),
        Field(description="Text in the question, the choice or the rationale"),
    ] = None,
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    owner_id = None
    if owner:
        found = Membership.objects.filter(tenant=caller.tenant, user__email__iexact=owner).first()
        if found is None:
            return {"items": []}
        owner_id = found.pk
    filters = DecisionFilters(status=status, owner_id=owner_id, cycle_id=cycle, kpi=kpi or "", text=q or "")
    rows = decisions_in(caller.tenant, filters)[:LIST_LIMIT]
    return {"items": [_out(d) for d in rows]}


def _input(caller: ApiCaller, payload: DecisionIn) -> actions.DecisionInput:
    tenant = caller.tenant
    owner = None
    if payload.owner:
        owner = (
            Membership.objects.select_related("user")
            .filter(tenant=tenant, user__email__iexact=payload.owner, is_active=True, partner__isnull=True)
            .first()
        )
        if owner is None:
            raise ApiError(422, "No such person in this workspace.", field="owner")
    due_on = None
    if payload.due_on:
        try:
            due_on = dt.date.fromisoformat(payload.due_on)
        except ValueError:
            raise ApiError(422, f"“{payload.due_on}” is not a real date.", field="due_on") from None
    found: dict[str, Any] = {}
    for name, model, pk in (
        ("cycle", SopCycle, payload.cycle),
        ("meeting", Meeting, payload.meeting),
        ("about", Subject, payload.about),
    ):
        if pk is not None:
            found[name] = model.objects.filter(tenant=tenant, pk=pk).first()  # type: ignore[attr-defined]
            if found[name] is None:
                raise ApiError(422, "Not found.", field=name)
    return actions.DecisionInput(
        question=payload.question,
        options=tuple(payload.options),
        choice=payload.choice,
        rationale=payload.rationale,
        owner=owner,
        due_on=due_on,
        expected_kpi=payload.expected_kpi,
        expected_direction=payload.expected_direction,
        expected_size=Decimal(str(payload.expected_size)) if payload.expected_size is not None else None,
        expected_unit=payload.expected_unit,
        horizon_weeks=payload.horizon_weeks,
        about=found.get("about"),
        cycle=found.get("cycle"),
        meeting=found.get("meeting"),
    )


@router.post(
    "t/{slug:tenant_slug}/decisions/",
    response={200: DecisionOut, **WRITE_ERRORS},
    url_name="decisions",
    operation_id="create_decision",
    summary="Record a decision",
    description="An open decision with its options, owner, due date and expected effect; its owner is "
    "notified and its followers see it. Take the choice with `decide_decision`.",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "Decide": {
                        "operationId": "decide_decision",
                        "parameters": {"tenant": "$request.path.tenant", "decision_id": "$response.body#/id"},
                    }
                }
            }
        }
    },
)
def create_decision(
    request: HttpRequest, tenant_slug: TenantSlug, payload: DecisionIn, idempotency_key: IdempotencyKey = None
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    _session_member(caller)
    data = _input(caller, payload)

    def write() -> dict[str, Any]:
        try:
            clean = actions.clean_decision(caller.tenant, data)
            decision = actions.do_record_decision(
                tenant=caller.tenant, actor=caller.actor, actor_label=caller.actor_label, data=clean
            )
        except ValidationError as e:
            raise _refused(e) from None
        decision = Decision.objects.select_related("owner__user", "tenant").get(pk=decision.pk)
        return _out(decision)

    return idempotent_write(request, caller, idempotency_key, write)


class DecisionKeyAuth(TenantKeyAuth):
    """The key check, then the decision in the URL, before the body is read: another tenant's decision
    (or none) is a 404 whatever the body holds, as on every tenant route."""

    def __call__(self, request: HttpRequest) -> ApiCaller:
        caller = super().__call__(request)
        match = request.resolver_match
        decision_id = match.kwargs.get("decision_id") if match is not None else None
        decision = (
            Decision.objects.select_related("tenant", "subject")
            .filter(tenant=caller.tenant, pk=decision_id)
            .first()
            if isinstance(decision_id, int)
            else None
        )
        if decision is None:
            raise ApiError(404, "No such decision.", field="decision_id")
        request.decision = decision  # type: ignore[attr-defined]
        return caller


@router.post(
    "t/{slug:tenant_slug}/decisions/{int:decision_id}/decide/",
    auth=DecisionKeyAuth(),
    response={200: DecisionOut, **WRITE_ERRORS},
    url_name="decision_decide",
    operation_id="decide_decision",
    summary="Record the choice of a decision",
    description="Takes the choice of an open decision (a decided or cancelled one is a 422 naming "
    "`status`); its owner is notified and its followers see it.",
)
def decide_decision(
    request: HttpRequest,
    tenant_slug: TenantSlug,
    decision_id: Annotated[int, Field(ge=1, le=INT_MAX)],
    payload: DecideIn,
    idempotency_key: IdempotencyKey = None,
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    _session_member(caller)
    decision: Decision = request.decision  # type: ignore[attr-defined]

    def write() -> dict[str, Any]:
        try:
            if not payload.choice.strip():
                raise ValidationError({"choice": "Say what was decided."})
            if decision.status != DecisionStatus.OPEN:
                raise ValidationError(
                    {"status": f"This decision is already {decision.get_status_display().lower()}."}
                )
            done = actions.do_decide(
                tenant=caller.tenant,
                actor=caller.actor,
                actor_label=caller.actor_label,
                decision=decision,
                choice=payload.choice.strip(),
                rationale=payload.rationale.strip(),
            )
        except ValidationError as e:
            raise _refused(e) from None
        return _out(Decision.objects.select_related("owner__user", "tenant").get(pk=done.pk))

    return idempotent_write(request, caller, idempotency_key, write)
