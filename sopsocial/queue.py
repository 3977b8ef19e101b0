"""Queue a Celery task by name after the current transaction commits.

Apps use this to trigger work owned by another app without importing it (planning -> alerts); names are
constants beside the tasks (`<app>/task_names.py`, planning's outbox task in `planning.outbox`). In the
embedded mode (CELERY_TASK_ALWAYS_EAGER) the task runs inline after commit, and a name no task is
registered under is an error (`UnknownTask`): it is a typo or a renamed task, and with a broker the same
message would wait for a worker that never takes it. With a broker the message is sent by name, so the
web process need not import the task.

A broker outage must not turn a write that already committed into an error page: the person would
retry and store it twice. Publishing retries briefly (a blip loses nothing); if the broker is still
away the message is dropped with a warning, because the work is durable without it: beat sweeps
evaluation requests and items not yet fanned out once the broker is back.
"""

import logging
from typing import Any

from celery import Task
from celery import current_app as app
from django.conf import settings
from django.db import transaction
from kombu.exceptions import OperationalError

log = logging.getLogger(__name__)

# At most ~0.75 s more for a request when the broker is down.
PUBLISH_RETRY = {"max_retries": 2, "interval_start": 0.25, "interval_step": 0.25, "interval_max": 0.5}


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
        try:
            app.send_task(name, kwargs=kwargs, retry=True, retry_policy=PUBLISH_RETRY)
        except (OperationalError, OSError) as error:
            log.warning(
                "broker unreachable; %s not queued (the sweep will pick the work up): %s", name, error
            )


def enqueue_on_commit(name: str, **kwargs: Any) -> None:
    transaction.on_commit(lambda: send_now(name, **kwargs))
