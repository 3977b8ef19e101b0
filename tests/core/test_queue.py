"""sopsocial.queue in the embedded mode: registered tasks run inline after commit, and a name that no
task is registered under is an error naming it (it used to be skipped with a log line)."""

import pytest
from celery import current_app

from sopsocial.queue import UnknownTask, enqueue_on_commit, send_now

ran = []


@current_app.task(name="tests.queue_probe")
def queue_probe(value):
    ran.append(value)


@pytest.fixture(autouse=True)
def eager(settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    ran.clear()


def test_a_registered_task_runs_inline():
    send_now("tests.queue_probe", value=1)
    assert ran == [1]


def test_an_unknown_task_name_is_an_error_naming_it():
    with pytest.raises(UnknownTask, match="alerts.evaluate_pendnig") as refused:
        send_now("alerts.evaluate_pendnig", tenant_id=1)
    assert refused.value.name == "alerts.evaluate_pendnig"


@pytest.mark.django_db
def test_an_unknown_task_queued_on_commit_fails_at_commit(django_capture_on_commit_callbacks):
    with pytest.raises(UnknownTask), django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("feeds.no_such_task", item_id=1)
    with django_capture_on_commit_callbacks(execute=True):
        enqueue_on_commit("tests.queue_probe", value=2)
    assert ran == [2]
