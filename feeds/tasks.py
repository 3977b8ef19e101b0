"""Thin Celery wrappers: load by id, call the action. Queued by name on commit (sopsocial.queue)."""

from celery import shared_task

from . import fan_out, live, mail


@shared_task(name="feeds.fan_out_item")
def fan_out_item(item_id):
    """Inbox rows for one item, then a live push to each new recipient's own websocket group."""
    user_ids = fan_out.do_fan_out_item(item_id)
    if user_ids:
        live.push_item(item_id, user_ids)
    return len(user_ids)


@shared_task(name="feeds.sweep_fan_out")
def sweep_fan_out():
    """Beat: fan out items whose task message was lost (worker killed, Redis restarted). Late, not lost."""
    from django.conf import settings

    swept = 0
    for item_id in fan_out.items_awaiting_fan_out(settings.FEEDS_FAN_OUT_GRACE_SECONDS):
        fan_out_item(item_id)
        swept += 1
    return swept


@shared_task(name="feeds.send_notification_emails")
def send_notification_emails(notification_ids):
    return mail.do_send_notification_emails(notification_ids)


@shared_task(name="feeds.send_daily_digests")
def send_daily_digests():
    return mail.do_send_daily_digests()
