"""A member's reading state and notification preferences (private to them: not audited)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils import timezone

from ..models import InboxEntry, Notification, NotificationPreference
from ..push import PUSH_PREFERENCE_FIELDS

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Membership


def do_mark_read(member: Membership, item_ids: Iterable[int] | None = None) -> int:
    """Mark inbox entries read (all of the member's when `item_ids` is None). Private: not audited."""
    rows = InboxEntry.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id, unread=True)
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    return rows.update(unread=False)


def do_mark_notifications_read(member: Membership) -> int:
    """Mark the member's bell notifications read, and the inbox entries that mention them. Private: not
    audited."""
    now = timezone.now()
    Notification.objects.filter(
        user_id=member.user_id, tenant_id=member.tenant_id, read_at__isnull=True
    ).update(read_at=now)
    # Reading the bell also reads what it pointed at in the feed.
    return InboxEntry.objects.filter(
        user_id=member.user_id, tenant_id=member.tenant_id, unread=True, mention=True
    ).update(unread=False)


@transaction.atomic
def do_save_preferences(member: Membership, **values: object) -> NotificationPreference:
    """Write the member's notification preferences (the keys given; the rest keep their value). Private:
    not audited."""
    prefs, _ = NotificationPreference.objects.get_or_create(tenant=member.tenant, user=member.user)
    for key in ("in_app", "email_immediate", "email_digest", "auto_follow", *PUSH_PREFERENCE_FIELDS):
        if key in values:
            setattr(prefs, key, bool(values[key]))
    prefs.save()
    return prefs
