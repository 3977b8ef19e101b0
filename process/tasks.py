"""Celery tasks: thin wrappers over the actions; the names are constants in `process.task_names`."""

from celery import shared_task

from . import task_names
from .actions.absences import do_hand_back_after_absences
from .actions.reminders import do_remind_tasks


@shared_task(name=task_names.REMIND_TASKS)
def remind_tasks():
    """Beat, hourly: reminders before the due date and when overdue, escalation to the phase owner.
    Idempotent: each reminder goes out once, however often it runs."""
    return do_remind_tasks().as_dict()


@shared_task(name=task_names.HAND_BACK_TASKS)
def hand_back_tasks():
    """Beat, hourly: tasks a stand-in holds for someone whose absence is over go back to them."""
    return do_hand_back_after_absences()
