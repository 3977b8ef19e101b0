"""Phone notifications are sent, after commit, for what each person chose, to each browser they
subscribed: encrypted for that browser, signed with our VAPID key; a push service's refusal never
reaches the person who caused the notification."""

import logging

import pytest
import requests

from feeds import actions, task_names
from feeds.models import FeedItem, Notification, PushSubscription
from feeds.notifications import notify_users
from feeds.verbs import FeedsVerb
from sopsocial.audit.models import AuditEvent

from . import factories as f
from .push_fixtures import SUBJECT, subscribe
from .push_helpers import verify_vapid

pytestmark = pytest.mark.django_db


@pytest.fixture
def pair(tenant):
    alex = f.member(tenant, user__first_name="Alex", user__last_name="Ng")
    priya = f.member(tenant, user__username="priya")
    return alex, priya


@pytest.fixture
def queued(monkeypatch):
    """The names of the tasks queued after commit (and then run, as the worker would)."""
    from sopsocial import queue

    names, send_now = [], queue.send_now

    def record(name, **kwargs):
        names.append(name)
        return send_now(name, **kwargs)

    monkeypatch.setattr(queue, "send_now", record)
    return names


def _mention(run_on_commit, author, text="@priya can supply cover the promo?"):
    post, callbacks = run_on_commit(
        actions.check_create_post, author, subject=f.subject(author.tenant, "Contoso Retail"), body=text
    )
    return post


def test_a_mention_reaches_the_subscribed_phone_encrypted_and_signed(
    pair, vapid, push_service, run_on_commit
):
    alex, priya = pair
    subscription, phone = subscribe(priya)
    post = _mention(run_on_commit, alex)

    (push,) = push_service.received
    assert push.url == subscription.endpoint
    assert push.headers["Content-Encoding"] == "aes128gcm" and int(push.headers["TTL"]) > 0
    verify_vapid(push.headers["Authorization"], vapid.public_key, subscription.endpoint, SUBJECT)
    message = phone.decrypt(push.body)
    assert message["title"] == "Alex Ng mentioned you"
    assert message["body"].startswith(f"Contoso Retail · {alex.tenant.name}\n@priya can supply cover")
    assert message["url"] == f"/t/{alex.tenant.slug}/posts/{post.pk}/"
    assert message["tag"] == f"sopsocial-{alex.tenant.slug}-{post.pk}"
    subscription.refresh_from_db()
    assert subscription.last_success_at is not None and subscription.failure_count == 0


def test_each_subscribed_browser_gets_it_and_nobody_else(
    pair, tenant, vapid, push_service, run_on_commit, queued
):
    alex, priya = pair
    bystander = f.member(tenant)
    laptop, _ = subscribe(priya, "https://updates.push.services.mozilla.com/wpush/v2/laptop")
    phone, _ = subscribe(priya, "https://web.push.apple.com/phone")
    subscribe(bystander, "https://fcm.googleapis.com/fcm/send/bystander")
    subscribe(alex, "https://fcm.googleapis.com/fcm/send/author")  # the author is never notified
    _mention(run_on_commit, alex)
    assert queued.count(task_names.SEND_PUSH_NOTIFICATIONS) == 1  # one task for all of them
    assert sorted(p.url for p in push_service.received) == sorted([laptop.endpoint, phone.endpoint])


@pytest.mark.parametrize(
    ("verb", "data", "field", "pushed"),
    [
        ("task", {}, "push_tasks", True),
        ("approval", {}, "push_approvals", True),
        ("alert", {"severity": "high", "summary": "Oat milk demand up 60%"}, "push_high_alerts", True),
        ("alert", {"severity": "medium", "summary": "Small change"}, "push_high_alerts", False),
        ("comment", {}, None, False),
        ("decision", {}, None, False),
    ],
    ids=["task", "approval", "high-alert", "medium-alert-never", "comment-never", "decision-never"],
)
def test_each_category_is_pushed_only_when_chosen(
    pair, vapid, push_service, django_capture_on_commit_callbacks, verb, data, field, pushed
):
    alex, priya = pair
    subscribe(priya)
    subject = f.subject(alex.tenant, "Oat milk 1L")
    item = FeedItem.objects.create(
        tenant=alex.tenant,
        kind=FeedItem.Kind.SYSTEM,
        subject=subject,
        body="Review the oat milk forecast",
        data=data,
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(item, [priya.user_id], verb, alex.user)
    assert len(push_service.received) == (1 if pushed else 0)
    if field:
        actions.do_save_preferences(priya, **{field: False})
        push_service.received.clear()
        with django_capture_on_commit_callbacks(execute=True):
            notify_users(item, [priya.user_id], verb, alex.user)
        assert push_service.received == []


def test_a_high_alert_says_so_and_opens_the_alert(
    pair, vapid, push_service, django_capture_on_commit_callbacks
):
    _alex, priya = pair
    _sub, phone = subscribe(priya)
    item = FeedItem.objects.create(
        tenant=priya.tenant,
        kind=FeedItem.Kind.ALERT,
        subject=f.subject(priya.tenant, "Oat milk 1L"),
        body="Demand up 60% in week 12",
        data={"severity": "high", "summary": "Oat milk demand up 60%", "url": "/t/x/alerts/7/"},
    )
    with django_capture_on_commit_callbacks(execute=True):
        notify_users(item, [priya.user_id], Notification.Verb.ALERT, None)
    message = phone.decrypt(push_service.received[0].body)
    assert message["title"] == "High alert: Oat milk demand up 60%"
    assert message["url"] == "/t/x/alerts/7/"


def test_mentions_switched_off_also_stops_forwards(pair, vapid, push_service, run_on_commit):
    alex, priya = pair
    subscribe(priya)
    actions.do_save_preferences(priya, push_mentions=False)
    _mention(run_on_commit, alex)
    assert push_service.received == []


def test_no_push_task_is_queued_for_people_without_a_subscribed_browser(
    pair, vapid, push_service, run_on_commit, queued
):
    alex, _priya = pair
    _mention(run_on_commit, alex)
    assert Notification.objects.filter(verb="mention").exists()
    assert task_names.SEND_PUSH_NOTIFICATIONS not in queued and push_service.received == []


def test_without_keys_push_is_off_and_costs_nothing(pair, settings, push_service, run_on_commit, queued):
    alex, priya = pair
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = False
    PushSubscription.objects.create(
        tenant=priya.tenant,
        user=priya.user,
        endpoint="https://fcm.googleapis.com/fcm/send/old",
        p256dh="x",
        auth="y",
    )
    _mention(run_on_commit, alex)
    assert Notification.objects.filter(user=priya.user).exists()
    assert task_names.SEND_PUSH_NOTIFICATIONS not in queued and push_service.received == []


def test_a_push_service_that_forgot_the_browser_ends_its_subscription(
    pair, vapid, push_service, run_on_commit
):
    alex, priya = pair
    subscription, _ = subscribe(priya)
    push_service.status = 410
    _mention(run_on_commit, alex)
    assert not PushSubscription.objects.filter(pk=subscription.pk).exists()
    event = AuditEvent.objects.get(verb=FeedsVerb.PUSH_EXPIRED.value)
    assert event.target == "fcm.googleapis.com" and "phone-1" not in str(event.before)


@pytest.mark.parametrize(
    "failure",
    [500, 429, requests.ConnectionError("push service unreachable"), requests.Timeout("read timed out")],
    ids=["500", "429", "unreachable", "timeout"],
)
def test_other_failures_are_counted_and_logged_never_raised(
    pair, vapid, push_service, run_on_commit, caplog, failure
):
    alex, priya = pair
    subscription, _ = subscribe(priya)
    if isinstance(failure, int):
        push_service.status = failure
    else:
        push_service.error = failure
    with caplog.at_level(logging.WARNING, logger="feeds.push"):
        post = _mention(run_on_commit, alex)  # the author's post goes through
        _mention(run_on_commit, alex, "@priya and again?")
    assert FeedItem.objects.filter(pk=post.pk).exists()
    subscription.refresh_from_db()
    assert subscription.failure_count == 2 and subscription.last_success_at is None
    assert "web push to subscription" in caplog.text and "fcm.googleapis.com" in caplog.text
    push_service.status, push_service.error = 201, None
    _mention(run_on_commit, alex, "@priya third time lucky")
    subscription.refresh_from_db()
    assert subscription.failure_count == 0 and subscription.last_success_at is not None


def test_someone_no_longer_a_member_is_not_pushed(pair, vapid, push_service, run_on_commit):
    alex, priya = pair
    subscribe(priya)
    post = _mention(run_on_commit, alex)
    push_service.received.clear()
    priya.is_active = False
    priya.save()
    from feeds.push import do_send_pushes

    assert do_send_pushes(post.pk, "mention", alex.user_id, [priya.user_id]) == 0
    assert push_service.received == []


def test_a_deleted_post_is_not_pushed(pair, vapid, push_service, run_on_commit):
    alex, priya = pair
    subscribe(priya)
    post = _mention(run_on_commit, alex)
    push_service.received.clear()
    actions.check_delete_post(alex, post)
    from feeds.push import do_send_pushes

    assert do_send_pushes(post.pk, "mention", alex.user_id, [priya.user_id]) == 0
