"""Queue a Celery task by name after the current transaction commits.

Apps use this to trigger work owned by another app without importing it (planning -> alerts). In the
embedded mode (CELERY_TASK_ALWAYS_EAGER) the task runs inline after commit; a task that is not
registered is skipped there with a log line, because the durable outbox row that triggered it is swept
later anyway. With a broker the message is sent by name, so the web process need not import the task.
"""

import logging
from typing import Any

from celery import Task
from celery import current_app as app
from django.conf import settings
from django.db import transaction

log = logging.getLogger(__name__)


def _registered(name: str) -> Task | None:
    # Task modules are discovered lazily (when a worker boots); the web process imports them on first use.
    if name not in app.tasks:
        app.loader.import_default_modules()
    return app.tasks.get(name)


def send_now(name: str, **kwargs: Any) -> None:
    if settings.CELERY_TASK_ALWAYS_EAGER:
        task = _registered(name)
        if task is None:
            log.info("task %s is not registered; skipped (embedded mode)", name)
            return
        task.apply(kwargs=kwargs, throw=True)
    else:
        app.send_task(name, kwargs=kwargs)


def enqueue_on_commit(name: str, **kwargs: Any) -> None:
    transaction.on_commit(lambda: send_now(name, **kwargs))
