"""Bell notifications and the preferences that decide them. Shared by the actions (mentions, comments,
forwards), the fan-out (alerts) and the e-mails (digests); kept outside `feeds.actions` so the fan-out
and the e-mails, which that package re-exports, do not import it back."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from sopsocial.queue import enqueue_on_commit

from . import task_names
from .models import Notification, NotificationPreference

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from .models import FeedItem


def _prefs(tenant_id: int, user_ids: Collection[int]) -> dict[int, NotificationPreference]:
    prefs = {
        p.user_id: p for p in NotificationPreference.objects.filter(tenant_id=tenant_id, user_id__in=user_ids)
    }
    return {
        uid: prefs.get(uid) or NotificationPreference(tenant_id=tenant_id, user_id=uid) for uid in user_ids
    }


def notify_users(
    item: FeedItem, user_ids: Iterable[int], verb: str, actor: User | None
) -> list[Notification]:
    """Bell entries (and immediate e-mails, by each person's preferences) for `user_ids` about `item`,
    for other apps' work items: a task assigned or due, a version waiting for approval, a decision.
    `verb` is a `Notification.Verb`; the actor never notifies themselves."""
    return _notify(item, user_ids, Notification.Verb(verb), actor)


def _notify(item: FeedItem, user_ids: Iterable[int], verb: str, actor: User | None) -> list[Notification]:
    """Bell entries for the users who keep in-app notifications; immediate e-mails after commit."""
    user_ids = {uid for uid in user_ids if actor is None or uid != actor.pk}
    if not user_ids:
        return []
    prefs = _prefs(item.tenant_id, user_ids)
    rows = Notification.objects.bulk_create(
        [
            Notification(tenant_id=item.tenant_id, user_id=uid, item=item, actor=actor, verb=verb)
            for uid in sorted(user_ids)
            if prefs[uid].in_app or prefs[uid].email_immediate
        ]
    )
    emailed = [n.pk for n in rows if prefs[n.user_id].email_immediate]
    if emailed:
        enqueue_on_commit(task_names.SEND_NOTIFICATION_EMAILS, notification_ids=emailed)
    return rows
