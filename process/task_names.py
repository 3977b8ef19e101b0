"""The names the process app's Celery tasks are registered under (process.tasks), for whoever schedules
them (the beat schedule in config.settings). Plain strings, no imports of task code."""

REMIND_TASKS = "process.remind_tasks"
HAND_BACK_TASKS = "process.hand_back_tasks"

__all__ = ["HAND_BACK_TASKS", "REMIND_TASKS"]
