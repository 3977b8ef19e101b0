"""The cycle calendar's routes (cycles list, phase lifecycle, .ics, template settings)."""

from process.models import PhaseTaskTemplate, PhaseTemplate

from .registry import RouteCase


def _phase_template(world):
    return world.once(
        "phase_template",
        lambda: PhaseTemplate.objects.create(
            tenant=world.tenant, position=1, key="victim-review", name="Victim review", due_offset_days=5
        ),
    )


def _task_template(world):
    return world.once(
        "task_template",
        lambda: PhaseTaskTemplate.objects.create(
            tenant=world.tenant, phase=_phase_template(world), title="Victim task", due_offset_days=2
        ),
    )


_PHASE = {
    "name": "x",
    "position": "1",
    "owner": "",
    "starts_offset_days": "0",
    "due_offset_days": "3",
    "criteria": "phase_tasks_done",
    "locks_plan_type": "",
}

ROUTES = [
    RouteCase("process:cycles"),
    RouteCase("process:cycle_start", methods=("POST",), data={"plan_cycle": "1"}),
    RouteCase("process:cycle_ics"),
    RouteCase("process:phase_start", methods=("POST",)),
    RouteCase("process:phase_close", methods=("POST",), data={"reason": "because"}),
    RouteCase("process:phase_reopen", methods=("POST",), data={"reason": "because"}),
    RouteCase(
        "process:phase_edit",
        methods=("POST",),
        data={"owner": "", "starts_on": "2026-12-01", "due_on": "2026-12-05", "locks_plan_type": ""},
    ),
    RouteCase(
        "process:cycle_settings",
        methods=("GET", "POST"),
        data={"remind_days_before": "1", "escalate_after_days": "2"},
    ),
    RouteCase("process:phase_template_new", methods=("GET", "POST"), data=_PHASE),
    RouteCase("process:phase_template_edit", methods=("GET", "POST"), data=_PHASE),
    RouteCase("process:phase_template_delete", methods=("POST",)),
    RouteCase(
        "process:task_template_new",
        methods=("POST",),
        data={"title": "x", "description": "", "due_offset_days": "1", "assignee": ""},
    ),
    RouteCase("process:task_template_delete", methods=("POST",)),
]

KWARGS = {
    "phase_template_id": lambda world: _phase_template(world).pk,
    "task_template_id": lambda world: _task_template(world).pk,
}

ROUTES += [
    RouteCase("process_cycles_api:cycles"),
    RouteCase("process_cycles_api:cycle"),
    RouteCase("process_cycles_api:phases"),
    RouteCase("process_cycles_api:phase_close", methods=("POST",), data={"reason": "x"}),
    RouteCase("process_cycles_api:phase_reopen", methods=("POST",), data={"reason": "x"}),
]
