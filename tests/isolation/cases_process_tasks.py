"""The tasks area's routes (tasks, checklist, hand-on, away, the subject panel) and its API."""

import datetime as dt

from .cases_process import KWARGS as SHARED
from .registry import RouteCase


def _task(world):
    return world.once("sop_task_obj", lambda: _make_task(world))


def _make_task(world):
    from process.models import Task

    return Task.objects.get(pk=SHARED["task_id"](world))


def _item(world):
    from process.models import ChecklistItem

    def make():
        task = _task(world)
        return ChecklistItem.objects.create(tenant=world.tenant, task=task, text="Call the depot")

    return world.once("sop_checklist_item", make)


def _absence(world):
    from process.models import Absence

    today = dt.date.today()
    return world.once(
        "sop_absence",
        lambda: Absence.objects.create(
            tenant=world.tenant,
            member=world.planner,
            stand_in=world.admin,
            starts_on=today,
            ends_on=today + dt.timedelta(days=3),
        ),
    )


NEW_TASK = {
    "title": "x",
    "assignee": "m1",
    "due_on": "2099-01-01",
    "phase": "1",
    "about": "1",
    "alert": "1",
    "checklist": "a",
}
ROUTES = [
    RouteCase("process:tasks"),
    RouteCase("process:task_new", methods=("GET", "POST"), data=NEW_TASK),
    RouteCase("process:task_status", methods=("POST",), data={"status": "done"}, external_ok=True),
    RouteCase(
        "process:task_edit",
        methods=("GET", "POST"),
        data={"title": "x", "description": "y", "due_on": "2099-01-01", "add_checklist": "a"},
    ),
    RouteCase("process:task_transfer", methods=("GET", "POST"), data={"assignee": "t1", "note": "n"}),
    RouteCase("process:task_check", methods=("POST",), data={"done": "1"}, external_ok=True),
    RouteCase("process:subject_tasks"),
    RouteCase(
        "process:away",
        methods=("GET", "POST"),
        data={"starts_on": "2099-01-01", "ends_on": "2099-01-02", "stand_in": "1", "note": "n"},
    ),
    RouteCase("process:away_end", methods=("POST",)),
    RouteCase("process_tasks_api:tasks", methods=("GET", "POST"), data={"title": "x"}),
    RouteCase("process_tasks_api:task_status", methods=("POST",), data={"status": "done"}),
]

KWARGS = {
    "item_id": lambda world: _item(world).pk,
    "absence_id": lambda world: _absence(world).pk,
}
