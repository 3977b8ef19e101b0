"""Follows: follow (backfilling the inbox), unfollow, and the auto-follow other apps call."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from sopsocial.audit.actions import record
from sopsocial.subjects.selectors import can_see_subject
from sopsocial.tenancy.models import Membership

from ..models import FeedItem, FeedItemSubject, Follow, InboxEntry
from ..notifications import _prefs
from ..selectors import visible_items


def do_follow(member, subject, *, source=Follow.Source.MANUAL):
    """Follow a subject the member can see; backfill the inbox with its latest items (read). Audited
    `feeds.follow`. Returns True when a new follow was made."""
    if not can_see_subject(member, subject):
        raise ValidationError({"subject": "You cannot follow this."})
    with transaction.atomic():
        _, created = Follow.objects.get_or_create(
            user=member.user, subject=subject, defaults={"tenant": member.tenant, "source": source}
        )
        if not created:
            return False
        record(
            tenant=member.tenant,
            actor=member.user,
            verb="feeds.follow",
            subject=subject,
            target=subject.title,
            after={"source": source},
        )
        _backfill(member, subject)
    return True


def _backfill(member, subject):
    latest = (
        FeedItemSubject.objects.filter(subject=subject, item__in=visible_items(member))
        .exclude(item__kind=FeedItem.Kind.FORWARD)
        .order_by("-created", "-item_id")
        .values_list("item_id", "created", "item__kind")[: settings.FEEDS_FOLLOW_BACKFILL]
    )
    InboxEntry.objects.bulk_create(
        [
            InboxEntry(
                user=member.user,
                tenant=member.tenant,
                created=created,
                item_id=item_id,
                reason_subject=subject,
                unread=False,
                alert=kind == FeedItem.Kind.ALERT,
            )
            for item_id, created, kind in latest
        ],
        ignore_conflicts=True,
    )


@transaction.atomic
def do_unfollow(member, subject):
    """Stop following (the inbox keeps what it already holds). Audited `feeds.unfollow` when there was
    a follow. Returns True when one was removed."""
    deleted, _ = Follow.objects.filter(user=member.user, subject=subject).delete()
    if deleted:
        record(
            tenant=member.tenant,
            actor=member.user,
            verb="feeds.unfollow",
            subject=subject,
            target=subject.title,
        )
    return bool(deleted)


def do_auto_follow(*, tenant, user, subject):
    """Follow what the user created or owns, unless they turned auto-follow off. Other apps call this
    from their create actions (a planner who creates a plan follows it)."""
    member = (
        Membership.objects.filter(tenant=tenant, user=user, is_active=True).select_related("tenant").first()
    )
    if member is None or not _prefs(tenant.pk, [user.pk])[user.pk].auto_follow:
        return False
    if Follow.objects.filter(user=user, subject=subject).exists():
        return False
    return do_follow(member, subject, source=Follow.Source.AUTO)
