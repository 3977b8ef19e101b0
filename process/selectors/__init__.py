"""Reads of the process app that views, the navigation, the reminder sweep and the API share: `my_work`
(one person's single point and its navigation count) and `tasks` (task lists and filters)."""

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
    "ApprovalPreview",
    "MyWork",
    "TaskFilters",
    "approval_preview",
    "comparison_base",
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
