"""The fan-out, run by a task after commit: one `INSERT ... SELECT` writes an item's inbox rows (in
PostgreSQL's or SQLite's dialect), and the sweep finds items whose task message was lost."""

from __future__ import annotations

import datetime

from django.db import connection, transaction
from django.utils import timezone

from .models import FeedItem, Notification, Visibility
from .notifications import _notify

_FAN_OUT_SELECT = """
    SELECT {distinct} c.user_id AS user_id, %(tenant)s AS tenant_id, %(created)s AS created,
           %(item)s AS item_id, c.reason AS reason, (c.user_id <> %(author)s) AS unread,
           EXISTS (SELECT 1 FROM feeds_mention mn WHERE mn.item_id = %(item)s AND mn.user_id = c.user_id)
               AS mention,
           %(alert)s AS alert {extra}
    FROM (
        SELECT f.user_id AS user_id, f.subject_id AS reason, p.relation AS rank
        FROM feeds_follow f
        JOIN feeds_feeditemsubject p ON p.subject_id = f.subject_id AND p.item_id = %(item)s
        WHERE %(kind)s <> 'forward'
        UNION ALL
        SELECT mn.user_id, NULL, 9 FROM feeds_mention mn WHERE mn.item_id = %(item)s
    ) c
    JOIN tenancy_membership m ON m.user_id = c.user_id AND m.tenant_id = %(tenant)s AND m.is_active
    WHERE m.partner_id IS NULL OR (
        %(partners)s AND EXISTS (
            SELECT 1 FROM feeds_feeditemsubject p2
            JOIN subjects_subjectshare s ON s.subject_id = p2.subject_id
            WHERE p2.item_id = %(item)s AND p2.relation = 0 AND s.partner_id = m.partner_id
        )
    )
"""


def do_fan_out_item(item_id: int) -> list[int]:
    """Write the inbox rows of one item with ONE `INSERT ... SELECT`: every follower of its subjects
    (primary, tags, ancestors) and everyone mentioned, once each, minus those who may not read it
    (partner users only see partner-visible items placed on subjects shared with them). Idempotent
    (a redelivered task inserts nothing twice). An alert also rings the bell of each new recipient. Returns
    the user ids that got a new row (the task pushes the item to them live)."""
    item = FeedItem.objects.filter(pk=item_id).first()
    if item is None:
        return []
    if item.is_deleted:
        FeedItem.objects.filter(pk=item.pk, fanned_out_at__isnull=True).update(fanned_out_at=timezone.now())
        return []
    params = {
        "tenant": item.tenant_id,
        "created": connection.ops.adapt_datetimefield_value(item.created),
        "item": item.pk,
        "author": item.author_id or -1,
        "alert": item.kind == FeedItem.Kind.ALERT,
        "kind": item.kind,
        "partners": item.visibility == Visibility.PARTNERS and item.kind != FeedItem.Kind.FORWARD,
    }
    columns = "(user_id, tenant_id, created, item_id, reason_subject_id, unread, mention, alert)"
    if connection.vendor == "postgresql":
        select = _FAN_OUT_SELECT.format(distinct="DISTINCT ON (c.user_id)", extra="")
        select += " ORDER BY c.user_id, c.rank, c.reason"
    else:
        # SQLite has no DISTINCT ON; with one MIN() aggregate its bare columns come from the MIN row.
        inner = _FAN_OUT_SELECT.format(distinct="", extra=", MIN(c.rank) AS best") + " GROUP BY c.user_id"
        columns_out = "user_id, tenant_id, created, item_id, reason, unread, mention, alert"
        select = f"SELECT {columns_out} FROM ({inner}) WHERE true"  # noqa: S608 - constant SQL, bound values
    sql = (
        f"INSERT INTO feeds_inboxentry {columns} {select} "  # noqa: S608 - constant SQL, bound parameters
        "ON CONFLICT (user_id, item_id) DO NOTHING RETURNING user_id"
    )
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(sql, params)
        user_ids = [row[0] for row in cursor.fetchall()]
        if item.kind == FeedItem.Kind.ALERT and user_ids:
            _notify(item, set(user_ids), Notification.Verb.ALERT, None)
        FeedItem.objects.filter(pk=item.pk).update(fanned_out_at=timezone.now())
    return user_ids


def items_awaiting_fan_out(grace_seconds: float, limit: int = 500) -> list[int]:
    """Items whose fan-out has not happened `grace_seconds` after they were written: their task message
    was lost. The sweep runs them (fan-out is idempotent, so a late original run changes nothing)."""
    cutoff = timezone.now() - datetime.timedelta(seconds=grace_seconds)
    return list(
        FeedItem.objects.filter(fanned_out_at__isnull=True, created__lt=cutoff)
        .order_by("created")
        .values_list("pk", flat=True)[:limit]
    )
