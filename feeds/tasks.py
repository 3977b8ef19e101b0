"""Thin Celery wrappers: load by id, call the action. Queued by name on commit (sopsocial.queue); the
names are constants in `feeds.task_names`."""

from celery import shared_task

from . import fan_out, live, mail, push, task_names


@shared_task(name=task_names.FAN_OUT_ITEM)
def fan_out_item(item_id):
    """Inbox rows for one item, then a live push to each new recipient's own websocket group."""
    user_ids = fan_out.do_fan_out_item(item_id)
    if user_ids:
        live.push_item(item_id, user_ids)
    return len(user_ids)


@shared_task(name=task_names.SWEEP_FAN_OUT)
def sweep_fan_out():
    """Beat: fan out items whose task message was lost (worker killed, Redis restarted). Late, not lost."""
    from django.conf import settings

    swept = 0
    for item_id in fan_out.items_awaiting_fan_out(settings.FEEDS_FAN_OUT_GRACE_SECONDS):
        fan_out_item(item_id)
        swept += 1
    return swept


@shared_task(name=task_names.SEND_NOTIFICATION_EMAILS)
def send_notification_emails(notification_ids):
    return mail.do_send_notification_emails(notification_ids)


@shared_task(name=task_names.SWEEP_NOTIFICATION_EMAILS)
def sweep_notification_emails():
    """Beat: send the immediate e-mails whose task message was lost. Late, not lost; never twice."""
    from django.conf import settings

    return mail.do_send_notification_emails(
        mail.notifications_awaiting_email(settings.FEEDS_FAN_OUT_GRACE_SECONDS)
    )


@shared_task(name=task_names.SEND_DAILY_DIGESTS)
def send_daily_digests():
    return mail.do_send_daily_digests()


@shared_task(name=task_names.SEND_PUSH_NOTIFICATIONS)
def send_push_notifications(item_id, verb, actor_id, user_ids):
    """Phone notifications (Web Push) of one notification to its recipients' subscribed browsers."""
    return push.do_send_pushes(item_id, verb, actor_id, user_ids)
