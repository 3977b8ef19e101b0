"""Fetch-by-id for the process app, scoped to the member's tenant and what they may see: "not found" and
"not yours" are the same 404. Cycles, phases and their template (internal) in `cycles`; tasks (partners
see theirs on shared subjects) in `tasks`; meetings and decisions (internal only) in `meetings`."""

from .cycles import (
    access_cycle,
    access_phase,
    access_phase_template,
    access_plan_cycle,
    access_task_template,
)
from .meetings import access_agenda_item, access_decision, access_meeting
from .tasks import access_checklist_item, access_own_absence, access_task, mine_q, visible_tasks

__all__ = [
    "access_cycle",
    "access_phase",
    "access_phase_template",
    "access_plan_cycle",
    "access_task_template",
    "access_agenda_item",
    "access_checklist_item",
    "access_decision",
    "access_meeting",
    "access_own_absence",
    "access_task",
    "mine_q",
    "visible_tasks",
]
