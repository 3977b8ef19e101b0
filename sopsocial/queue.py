"""Queue a Celery task by name after the current transaction commits.

Apps use this to trigger work owned by another app without importing it (planning -> alerts); names are
constants beside the tasks (`<app>/task_names.py`, planning's outbox task in `planning.outbox`). In the
embedded mode (CELERY_TASK_ALWAYS_EAGER) the task runs inline after commit, and a name no task is
registered under is an error (`UnknownTask`): it is a typo or a renamed task, and with a broker the same
message would wait for a worker that never takes it. With a broker the message is sent by name, so the
web process need not import the task.
"""

from typing import Any

from celery import Task
from celery import current_app as app
from django.conf import settings
from django.db import transaction


class UnknownTask(LookupError):
    """No Celery task is registered under this name."""

    def __init__(self, name: str) -> None:
        super().__init__(f"No Celery task is registered as {name!r}; queue it by its constant.")
        self.name = name


def _registered(name: str) -> Task | None:
    # Task modules are discovered lazily (when a worker boots); the web process imports them on first use.
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks.get(name)


def send_now(name: str, **kwargs: Any) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task = _registered(name)
        if task is None:
            raise UnknownTask(name)
        task.apply(kwargs=kwargs, throw=True)
    else:
        app.send_task(name, kwargs=kwargs)


def enqueue_on_commit(name: str, **kwargs: Any) -> None:
    transaction.on_commit(lambda: send_now(name, **kwargs))
