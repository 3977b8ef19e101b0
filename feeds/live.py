"""Live push: one message per recipient to that user's own group `t<tenant>.u<user>`.

The message carries ready-to-swap HTML (htmx out-of-band swaps): the new item for the top of the home
feed and the recipient's unread and bell badges. Best effort: the inbox in the database is the truth,
and a page that reconnects asks for everything after the newest item it shows.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.template.loader import render_to_string

from sopsocial.tenancy.models import Membership

from .models import FeedItem, InboxEntry, Notification
from .selectors import ITEM_RELATED, hydrate, unread_counts_for

log = logging.getLogger(__name__)


def group_name(tenant_id, user_id):
    return f"t{tenant_id}.u{user_id}"


def push_item(item_id, user_ids):
    item = FeedItem.objects.select_related("tenant", *ITEM_RELATED).filter(pk=item_id).first()
    if item is None or not user_ids:
        return 0
    members = {
        m.user_id: m
        for m in Membership.objects.filter(
            tenant_id=item.tenant_id, user_id__in=user_ids, is_active=True
        ).select_related("tenant", "user", "partner")
    }
    entries = {
        e.user_id: e
        for e in InboxEntry.objects.filter(item_id=item_id, user_id__in=user_ids).select_related(
            "reason_subject"
        )
    }
    unread = unread_counts_for(item.tenant_id, list(members))
    bells = _bell_counts(item.tenant_id, list(members))
    layer = get_channel_layer()
    hydrated = set()
    sent = 0
    for user_id, member in members.items():
        entry = entries.get(user_id)
        if entry is None:
            continue
        # What is attached to the item (tags, files) depends on the audience (staff / one partner
        # organisation); the "why you see this" line depends on the recipient's own inbox row.
        audience = member.partner_id or 0
        if audience not in hydrated:
            hydrate([item], member)
            hydrated.add(audience)
        card = render_to_string(
            "feeds/partials/_push.html",
            {"entry": entry, "item": item, "tenant": item.tenant},
        )
        html = card + render_to_string(
            "feeds/partials/_badges.html",
            {
                "unread": unread.get(user_id, 0),
                "bell": bells.get(user_id, 0),
                "tenant": item.tenant,
                "oob": True,
            },
        )
        try:
            async_to_sync(layer.group_send)(
                group_name(item.tenant_id, user_id), {"type": "feed.push", "html": html}
            )
            sent += 1
        except Exception:  # noqa: BLE001 - a push is best effort; the inbox row is already committed
            log.exception("live push to user %s failed", user_id)
    return sent


def _bell_counts(tenant_id, user_ids):
    from django.db.models import Count

    rows = (
        Notification.objects.filter(tenant_id=tenant_id, user_id__in=user_ids, read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {r["user_id"]: r["n"] for r in rows}
