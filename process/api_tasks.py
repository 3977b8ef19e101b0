"""The task API: list tasks (filters status, assignee, due dates), create one, change its status.

A django-ninja `Router` mounted by config/api.py (namespace "process_tasks_api"), guarded like the ERP
API (`TenantKeyAuth`: a per-tenant key, or an internal member's session). Writes go through the same
actions as the task pages (`clean_new_task`/`do_create_task`, `do_set_task_status`), so they audit,
follow and notify alike. Errors name the field: {"errors": [{"row": null, "field": "title", ...}]}.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field, StringConstraints

from sopsocial.api.access import ApiCaller, TenantKeyAuth
from sopsocial.api.errors import ApiError, error_items
from sopsocial.api.idempotency import IdempotencyKey, idempotent_write
from sopsocial.api.schemas import COMMON_ERRORS, NO_NUL_PATTERN, ErrorsOut, TenantSlug
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership, Team

from .actions import tasks as task_actions
from .models import CyclePhase, Task, TaskSource, TaskStatus
from .selectors import TaskFilters, tasks_matching

router = Router(auth=TenantKeyAuth(), tags=["tasks"])

INT_MAX = 2147483647
PAGE = 200
WRITE_ERRORS: dict[int, type[ErrorsOut]] = {**COMMON_ERRORS, 409: ErrorsOut, 422: ErrorsOut}
ISO_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
IsoDate = Annotated[
    str, StringConstraints(pattern=ISO_DATE_PATTERN), Field(json_schema_extra={"format": "date"})
]
Id = Annotated[int, Field(ge=1, le=INT_MAX)]
StatusName = Literal["open", "in_progress", "done", "cancelled"]
Text = Annotated[str, StringConstraints(max_length=5000, pattern=NO_NUL_PATTERN)]


class TaskOut(Schema):
    id: int
    title: str
    description: str
    status: str
    assignee_member: int | None = Field(description="The assignee's membership id (a person)")
    assignee_team: int | None = Field(description="The assignee team's id")
    standing_in_for: int | None = Field(description="Whom a stand-in holds the task for (membership id)")
    due_on: str | None = Field(json_schema_extra={"format": "date"})
    phase: int | None
    about: int | None = Field(description="The subject the task is about")
    source: str
    checklist: list[str]
    url: str


class TaskList(Schema):
    items: list[TaskOut]
    next_after: int | None = Field(description="Pass back as `after` for the next page (null: last page)")


class TaskIn(Schema):
    model_config = {
        "extra": "forbid",
        "strict": True,
        "json_schema_extra": {
            "examples": [
                {
                    "title": "Confirm Leeds capacity for week 50",
                    "assignee_member": 3,
                    "due_on": "2026-12-10",
                    "checklist": ["Call the depot", "Update the supply plan"],
                }
            ]
        },
    }

    title: Annotated[str, StringConstraints(min_length=1, max_length=200, pattern=NO_NUL_PATTERN)]
    description: Text = ""
    assignee_member: Id | None = Field(default=None, description="A person (membership id); or a team")
    assignee_team: Id | None = None
    due_on: IsoDate | None = None
    phase: Id | None = Field(default=None, description="The cycle phase it belongs to")
    about: Id | None = Field(default=None, description="The subject it is about")
    checklist: list[Annotated[str, StringConstraints(max_length=300, pattern=NO_NUL_PATTERN)]] = Field(
        default=[], max_length=task_actions.MAX_CHECKLIST
    )


class StatusIn(Schema):
    model_config = {
        "extra": "forbid",
        "strict": True,
        "json_schema_extra": {"examples": [{"status": "done"}]},
    }

    status: StatusName


def _day(text: str | None, field: str) -> dt.date | None:
    if text is None:
        return None
    try:
        return dt.date.fromisoformat(text)
    except ValueError:  # the right shape, but no such day (2026-02-30)
        raise ApiError(422, f"“{text}” is not a real date.", field=field) from None


def _refused(error: ValidationError) -> ApiError:
    refusal = ApiError(422, "Invalid.")
    refusal.items = error_items(error) or refusal.items
    return refusal


def _task_out(task: Task, checklist: list[str]) -> dict[str, Any]:
    return {
        "id": task.pk,
        "title": task.title,
        "description": task.description,
        "status": task.status,
        "assignee_member": task.assignee_member_id,
        "assignee_team": task.assignee_team_id,
        "standing_in_for": task.standing_in_for_id,
        "due_on": task.due_on.isoformat() if task.due_on else None,
        "phase": task.phase_id,
        "about": task.about_id,
        "source": task.source,
        "checklist": checklist,
        "url": task.get_absolute_url(),
    }


class TaskKeyAuth(TenantKeyAuth):
    """The key check, then the task in the URL, before the body is read: another tenant's task (or
    none) is a 404 whatever the body holds."""

    def __call__(self, request: HttpRequest) -> ApiCaller:
        caller = super().__call__(request)
        match = request.resolver_match
        task_id = match.kwargs.get("task_id") if match is not None else None
        task = (
            Task.objects.select_related("tenant", "subject").filter(tenant=caller.tenant, pk=task_id).first()
            if isinstance(task_id, int)
            else None
        )
        if task is None:
            raise ApiError(404, "No such task.", field="task_id")
        request.process_task = task  # type: ignore[attr-defined]
        return caller


@router.get(
    "t/{slug:tenant_slug}/tasks/",
    response={200: TaskList, **COMMON_ERRORS, 422: ErrorsOut},  # 422: a due date that is no real day
    url_name="tasks",  # one URL, one name: the POST on this path shares it
    operation_id="list_tasks",
    summary="List tasks",
    description=f"Soonest due first (no due date last), {PAGE} at a time; pass `next_after` back as `after`. "
    "Filters: `status` (`open` means open or in progress; `any` for every status), `assignee` (a "
    "membership id), `due_before` / `due_after` (inclusive).",
)
def list_tasks(
    request: HttpRequest,
    tenant_slug: TenantSlug,
    status: Literal["open", "in_progress", "done", "cancelled", "any"] = "open",
    assignee: Annotated[int | None, Field(ge=1, le=INT_MAX, description="A membership id")] = None,
    due_before: Annotated[str | None, Field(pattern=ISO_DATE_PATTERN, description="YYYY-MM-DD")] = None,
    due_after: Annotated[str | None, Field(pattern=ISO_DATE_PATTERN, description="YYYY-MM-DD")] = None,
    after: Annotated[int, Field(ge=0, le=INT_MAX, description="Offset: rows already seen")] = 0,
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    filters = TaskFilters(
        status="" if status == "any" else status,
        assignee_member_id=assignee,
        due_before=_day(due_before, "due_before"),
        due_after=_day(due_after, "due_after"),
    )
    tasks = list(
        tasks_matching(Task.objects.filter(tenant=caller.tenant), filters)
        .select_related("tenant")
        .prefetch_related("checklist")[after : after + PAGE + 1]
    )
    items = [_task_out(t, [c.text for c in t.checklist.all()]) for t in tasks[:PAGE]]
    return {"items": items, "next_after": after + PAGE if len(tasks) > PAGE else None}


@router.post(
    "t/{slug:tenant_slug}/tasks/",
    response={200: TaskOut, **WRITE_ERRORS},
    url_name="tasks",
    operation_id="create_task",
    summary="Create a task",
    description="Assigned to a person (`assignee_member`) or a team (`assignee_team`), not both; someone "
    "away receives it through their stand-in. Audited, followed and notified as one made on its page.",
)
def create_task(
    request: HttpRequest, tenant_slug: TenantSlug, payload: TaskIn, idempotency_key: IdempotencyKey = None
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    tenant = caller.tenant
    due_on = _day(payload.due_on, "due_on")

    def find(model: Any, pk: int | None, field: str, **extra: Any) -> Any:
        if pk is None:
            return None
        obj = model.objects.filter(tenant=tenant, pk=pk, **extra).first()
        if obj is None:
            raise ApiError(422, "Not found in this workspace.", field=field)
        return obj

    person = find(Membership, payload.assignee_member, "assignee_member", is_active=True)
    team = find(Team, payload.assignee_team, "assignee_team")
    phase = find(CyclePhase, payload.phase, "phase")
    about = find(Subject, payload.about, "about")

    def write() -> dict[str, Any]:
        try:
            checklist = task_actions.clean_new_task(
                tenant,
                title=payload.title,
                assignee_member=person,
                assignee_team=team,
                phase=phase,
                about=about,
                source=TaskSource.API,
                checklist=payload.checklist,
            )
        except ValidationError as e:
            raise _refused(e) from None
        task = task_actions.do_create_task(
            None,
            tenant=tenant,
            title=payload.title.strip(),
            description=payload.description.strip(),
            assignee_member=person,
            assignee_team=team,
            due_on=due_on,
            phase=phase,
            about=about,
            source=TaskSource.API,
            checklist=checklist,
            actor=caller.actor,
            actor_label=caller.actor_label,
        )
        return _task_out(task, checklist)

    return idempotent_write(request, caller, idempotency_key, write)


@router.post(
    "t/{slug:tenant_slug}/tasks/{int:task_id}/status/",
    auth=TaskKeyAuth(),
    response={200: TaskOut, **WRITE_ERRORS},
    url_name="task_status",
    operation_id="set_task_status",
    summary="Change a task's status",
    description="`done` completes it (posted on the task for its followers); the same status again "
    "changes nothing.",
)
def set_task_status(
    request: HttpRequest,
    tenant_slug: TenantSlug,
    task_id: Annotated[int, Field(ge=1, le=INT_MAX, description="Task id")],
    payload: StatusIn,
    idempotency_key: IdempotencyKey = None,
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    task: Task = request.process_task  # type: ignore[attr-defined]
    if payload.status not in TaskStatus.values:  # the schema's Literal already says so; belt and braces
        raise ApiError(422, "Unknown status.", field="status")

    def write() -> dict[str, Any]:
        done = task_actions.do_set_task_status(
            None, task, payload.status, actor=caller.actor, actor_label=caller.actor_label
        )
        return _task_out(done, list(done.checklist.values_list("text", flat=True)))

    return idempotent_write(request, caller, idempotency_key, write)
