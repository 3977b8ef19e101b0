"""An immediate notification e-mail whose task message was lost (broker down at commit) is sent by the
sweep, late but once; one the original task already sent is never sent again."""

import datetime as dt

from django.core import mail
from django.utils import timezone

from feeds import actions, notifications
from feeds import mail as feed_mail
from feeds.models import Notification
from feeds.tasks import sweep_notification_emails

from . import factories as f


def test_a_lost_email_is_sent_by_the_sweep_once(tenant, run_on_commit, monkeypatch):
    alex, priya, sam = f.member(tenant), f.member(tenant), f.member(tenant)
    priya.user.username, sam.user.username = "priya", "sam"
    priya.user.save()
    sam.user.save()
    actions.do_save_preferences(priya, in_app=True, email_immediate=True)  # sam keeps the default: no e-mail
    lost = []
    monkeypatch.setattr(notifications, "enqueue_on_commit", lambda name, **kw: lost.append(kw))
    subject = f.subject(tenant, "Fjord Bakery")
    run_on_commit(actions.check_create_post, alex, subject=subject, body="@priya @sam rye is short this week")
    assert lost and not mail.outbox  # the message never reached the worker

    assert sweep_notification_emails() == 0  # within the grace period: the task may still come
    Notification.objects.update(created=timezone.now() - dt.timedelta(minutes=5))
    assert sweep_notification_emails() == 1
    assert [m.to for m in mail.outbox] == [[priya.user.email]] and "Fjord Bakery" in mail.outbox[0].subject

    # the original task arriving late, and later sweeps, send nothing more
    assert feed_mail.do_send_notification_emails(lost[0]["notification_ids"]) == 0
    assert sweep_notification_emails() == 0 and len(mail.outbox) == 1


def test_a_day_old_notification_is_left_to_the_digest(tenant, run_on_commit, monkeypatch):
    alex, priya = f.member(tenant), f.member(tenant)
    priya.user.username = "priya"
    priya.user.save()
    actions.do_save_preferences(priya, in_app=True, email_immediate=True)
    monkeypatch.setattr(notifications, "enqueue_on_commit", lambda name, **kw: None)
    run_on_commit(
        actions.check_create_post, alex, subject=f.subject(tenant, "Oven 2"), body="@priya down again"
    )
    Notification.objects.update(created=timezone.now() - dt.timedelta(hours=25))
    assert sweep_notification_emails() == 0 and not mail.outbox
