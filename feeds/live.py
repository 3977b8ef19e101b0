"""Live push: one message per recipient to that user's own group `t<tenant>.u<user>`.

The message carries ready-to-swap HTML (htmx out-of-band swaps): the new item for the top of the home
feed and the recipient's unread and bell badges. Best effort: the inbox in the database is the truth,
and a page that reconnects asks for everything after the newest item it shows.
"""

import logging

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.template.loader import render_to_string

from sopsocial.tenancy.live import member_group
from sopsocial.tenancy.models import Membership

from .live_send import send_to_groups
from .models import FeedItem, InboxEntry, Notification
from .selectors import PAGE_RELATED, hydrate, unread_counts_for

log = logging.getLogger(__name__)


def group_name(tenant_id, user_id):
    return member_group(tenant_id, user_id)


def push_item(item_id, user_ids):
    item = FeedItem.objects.select_related("tenant", *PAGE_RELATED).filter(pk=item_id).first()
    if item is None or not user_ids:
        return 0
    # Only the audience (partner or staff) is read off these rows: no related rows joined.
    members = {
        m.user_id: m
        for m in Membership.objects.filter(
            tenant_id=item.tenant_id, user_id__in=user_ids, is_active=True, tenant__suspended_at__isnull=True
        )
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
    cards, badges = {}, {}
    messages = []
    hydrated_for = None
    # Attachments and tags depend on the audience (staff / one partner organisation), the "why you see
    # this" line on the recipient's inbox row: render once per distinct combination, so a fan-out to
    # thousands renders a handful of templates. Recipients are taken audience by audience and the item
    # is hydrated for each audience just before its cards are rendered: hydrating mutates the one item
    # object, so a card rendered after another audience's hydration would show that audience's tags.
    for user_id, member in sorted(members.items(), key=lambda um: (um[1].partner_id or 0, um[0])):
        entry = entries.get(user_id)
        if entry is None:
            continue
        audience = member.partner_id or 0
        if audience != hydrated_for:
            hydrate([item], member)
            hydrated_for = audience
        # The card's actions depend on the viewer only through staff/partner (Forward) and authorship (Edit).
        is_author = user_id == item.author_id
        card_key = (audience, entry.reason_subject_id, entry.mention, entry.unread, is_author)
        if card_key not in cards:
            cards[card_key] = render_to_string(
                "feeds/partials/_push.html",
                {"entry": entry, "item": item, "tenant": item.tenant, "member": member},
            )
        badge_key = (unread.get(user_id, 0), bells.get(user_id, 0))
        if badge_key not in badges:
            badges[badge_key] = render_to_string(
                "feeds/partials/_badges.html",
                {"unread": badge_key[0], "bell": badge_key[1], "tenant": item.tenant, "oob": True},
            )
        messages.append((group_name(item.tenant_id, user_id), cards[card_key] + badges[badge_key]))
    # One event loop for all the sends (a loop per send costs about a millisecond each).
    return async_to_sync(_send_all)(layer, messages)


async def _send_all(layer, messages):
    """Best effort: the inbox rows are committed, and a page that reconnects catches up from them."""
    try:
        dropped = await send_to_groups(layer, [(g, {"type": "feed.push", "html": h}) for g, h in messages])
    except Exception:  # noqa: BLE001 - a push is best effort; the inbox row is already committed
        log.exception("live push to %d groups failed", len(messages))
        return 0
    if dropped:
        log.warning("live push: %d of %d messages dropped, their channels were full", dropped, len(messages))
    return len(messages) - dropped


def _bell_counts(tenant_id, user_ids):
    from django.db.models import Count

    rows = (
        Notification.objects.filter(tenant_id=tenant_id, user_id__in=user_ids, read_at__isnull=True)
        .values("user_id")
        .annotate(n=Count("id"))
    )
    return {r["user_id"]: r["n"] for r in rows}
