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


@pytest.fixture
def broker_down(settings):
    """A real broker address where nothing listens (port 9 on loopback refuses at once)."""
    settings.CELERY_TASK_ALWAYS_EAGER = False
    saved = current_app.conf.broker_url

    def reconnect(url):  # Celery caches its connection and producer pools: start them afresh
        current_app.conf.broker_url = url
        current_app._pool = None
        current_app.amqp._producer_pool = None

    reconnect("redis://127.0.0.1:9/0")
    yield
    reconnect(saved)


@pytest.mark.django_db(transaction=True)  # real commits, so the on-commit publish runs in the request
def test_with_the_broker_down_a_committed_write_still_answers_success(client, tenant, broker_down):
    """The post is stored and the request answers its redirect (it used to be a 500 after commit,
    inviting a retry that stored it twice); its fan-out waits for the sweep."""
    from feeds.models import Post
    from sopsocial.subjects.actions import create_subject

    from ..factories import MembershipFactory

    alex = MembershipFactory(tenant=tenant, role="planner")
    subject = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    client.force_login(alex.user)
    client.raise_request_exception = False  # answer as a server would: a 500 page, not a test error
    response = client.post(f"/t/{tenant.slug}/s/{subject.pk}/post/", {"body": "Written while Redis is down"})
    assert response.status_code == 302
    assert Post.objects.filter(body__contains="Written while Redis is down").count() == 1


def test_with_the_broker_down_send_now_gives_up_quietly_after_a_short_retry(broker_down, caplog):
    send_now("tests.queue_probe", value=3)
    assert ran == []
    assert "broker unreachable; tests.queue_probe not queued" in caplog.text
