"""E-mails, sent by tasks: immediate notification e-mails and daily digests, each checking read rights
again at sending time."""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.mail import send_mail
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from sopsocial.tenancy.models import Membership

from .models import InboxEntry, Notification, NotificationPreference
from .notifications import _prefs
from .selectors import visible_items

if TYPE_CHECKING:
    from sopsocial.subjects.models import Subject

    from .models import FeedItem

# Work notifications the system sends with no actor (task reminders, escalations, hand-backs): their
# e-mail's subject line is the item's own first line, not "sopsocial assigned you a task".
SYSTEM_WORK_VERBS = (Notification.Verb.TASK, Notification.Verb.APPROVAL, Notification.Verb.DECISION)


def do_send_notification_emails(notification_ids: Iterable[int]) -> int:
    """Send the immediate e-mails of these notifications (once each: emailed_at is set)."""
    rows = (
        Notification.objects.filter(pk__in=notification_ids, emailed_at__isnull=True)
        .select_related("user", "actor", "item", "item__subject", "tenant")
        .order_by("pk")
    )
    sent = 0
    for n in rows:
        # Read rights are checked again at sending time: the person may have been removed, the item
        # deleted or the subject unshared since the notification was written.
        if not n.user.email or not _still_readable(n.tenant_id, n.user_id, [n.item_id]):
            continue
        # claimed before sending: the task and the sweep (or a redelivered task) never both send it
        claim = Notification.objects.filter(pk=n.pk, emailed_at__isnull=True)
        if not claim.update(emailed_at=timezone.now()):
            continue
        if n.actor is None and n.verb in SYSTEM_WORK_VERBS:  # a reminder, an escalation: what it says
            first_line = (n.item.body.splitlines() or [n.item.subject.title])[0]
            subject = f"[{n.tenant.name}] {first_line}"[:200]
        else:
            who = (n.actor.get_full_name() or n.actor.username) if n.actor else "sopsocial"
            subject = f"[{n.tenant.name}] {who} {n.get_verb_display()} on {n.item.subject.title}"[:200]
        link = f"{settings.SITE_URL}/t/{n.tenant.slug}/posts/{n.item_id}/"
        try:
            send_mail(subject, f"{subject}\n\n{n.item.body[:2000]}\n\nOpen: {link}\n", None, [n.user.email])
        except Exception:
            Notification.objects.filter(pk=n.pk).update(emailed_at=None)  # the next sweep tries again
            raise
        sent += 1
    return sent


def notifications_awaiting_email(grace_seconds: int, window_hours: int = 24) -> list[int]:
    """Immediate-e-mail notifications written between `window_hours` and `grace_seconds` ago and not yet
    e-mailed: their task message was lost (broker down at commit, worker killed). Older ones are left:
    an e-mail a day late is noise, and the digest covers them."""
    now = timezone.now()
    return list(
        Notification.objects.filter(
            emailed_at__isnull=True,
            created__lt=now - datetime.timedelta(seconds=grace_seconds),
            created__gte=now - datetime.timedelta(hours=window_hours),
        )
        .filter(  # immediate e-mail is opt-in: a preference row that asks for it
            Exists(
                NotificationPreference.objects.filter(
                    tenant_id=OuterRef("tenant_id"), user_id=OuterRef("user_id"), email_immediate=True
                )
            )
        )
        .values_list("pk", flat=True)[:1000]
    )


def _still_readable(tenant_id: int, user_id: int, item_ids: Iterable[int]) -> set[int]:
    """The ids among `item_ids` that the user may read now (active member, item not deleted, and for a
    partner user still shared with their organisation)."""
    member = (
        Membership.objects.filter(
            tenant_id=tenant_id, user_id=user_id, is_active=True, tenant__suspended_at__isnull=True
        )
        .select_related("tenant", "partner")
        .first()
    )
    if member is None:
        return set()
    return set(
        visible_items(member).filter(pk__in=item_ids, deleted_at__isnull=True).values_list("pk", flat=True)
    )


def do_send_daily_digests(now: datetime.datetime | None = None) -> int:
    """One e-mail per user who wants a digest and has unread items since their last digest, grouped by
    subject. Safe to run often: a user gets at most one digest per FEEDS_DIGEST_INTERVAL_HOURS."""
    from django.template.loader import render_to_string

    now = now or timezone.now()
    due_before = now - datetime.timedelta(hours=settings.FEEDS_DIGEST_INTERVAL_HOURS)
    users_with_unread = InboxEntry.objects.filter(unread=True).values("user_id", "tenant_id").distinct()
    sent = 0
    for pair in users_with_unread:
        prefs = _prefs(pair["tenant_id"], [pair["user_id"]])[pair["user_id"]]
        if not prefs.email_digest or (prefs.last_digest_at and prefs.last_digest_at > due_before):
            continue
        since = prefs.last_digest_at or (now - datetime.timedelta(hours=settings.FEEDS_DIGEST_INTERVAL_HOURS))
        entries = list(
            InboxEntry.objects.filter(
                user_id=pair["user_id"], tenant_id=pair["tenant_id"], unread=True, created__gt=since
            )
            .select_related("item", "item__subject", "item__author", "user", "tenant")
            .order_by("item__subject__title", "-created")[:200]
        )
        readable = _still_readable(pair["tenant_id"], pair["user_id"], [e.item_id for e in entries])
        entries = [e for e in entries if e.item_id in readable]
        with transaction.atomic():
            prefs.last_digest_at = now
            prefs.save()
        if not entries or not entries[0].user.email:
            continue
        groups: dict[Subject, list[FeedItem]] = {}
        for e in entries:
            groups.setdefault(e.item.subject, []).append(e.item)
        tenant = entries[0].tenant
        body = render_to_string(
            "feeds/email/digest.txt",
            {"tenant": tenant, "groups": groups.items(), "site_url": settings.SITE_URL},
        )
        send_mail(
            f"[{tenant.name}] Your daily digest: {len(entries)} unread", body, None, [entries[0].user.email]
        )
        sent += 1
    return sent
