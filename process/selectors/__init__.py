"""Reads of the process app that views, the navigation, the reminder sweep and the API share:
`my_work` (one person's single point and its navigation count), `tasks` (task lists and filters),
`decisions` (the register's filters) and `cycles` (the cycle calendar's phases, meetings and locks)."""

from .cycles import (
    PhaseRow,
    cycles_for,
    locks_of,
    meetings_of,
    phase_rows,
    phases_of,
    plan_cycles_without_process,
)
from .decisions import DecisionFilters, decisions_for, decisions_in
from .my_work import (
    ApprovalPreview,
    MyWork,
    approval_preview,
    comparison_base,
    my_alerts,
    my_approvals,
    my_decisions,
    my_mentions,
    my_tasks,
    my_work,
    my_work_count,
)
from .tasks import TaskFilters, tasks_about, tasks_for, tasks_matching

__all__ = [
    "PhaseRow",
    "cycles_for",
    "locks_of",
    "meetings_of",
    "phase_rows",
    "phases_of",
    "plan_cycles_without_process",
    "ApprovalPreview",
    "DecisionFilters",
    "MyWork",
    "TaskFilters",
    "approval_preview",
    "comparison_base",
    "decisions_for",
    "decisions_in",
    "my_alerts",
    "my_approvals",
    "my_decisions",
    "my_mentions",
    "my_tasks",
    "my_work",
    "my_work_count",
    "tasks_about",
    "tasks_for",
    "tasks_matching",
]
