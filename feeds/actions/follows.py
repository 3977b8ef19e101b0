"""Follows: follow (backfilling the inbox), unfollow, and the auto-follow other apps call."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction

from sopsocial.audit.actions import record
from sopsocial.subjects.selectors import can_see_subject
from sopsocial.tenancy.models import Membership

from ..models import FeedItem, FeedItemSubject, Follow, InboxEntry
from ..notifications import _prefs
from ..selectors import visible_items
from ..verbs import FeedsVerb

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Tenant


def do_follow(member: Membership, subject: Subject, *, source: str = Follow.Source.MANUAL) -> bool:
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
            verb=FeedsVerb.FOLLOW,
            subject=subject,
            target=subject.title,
            after={"source": source},
        )
        _backfill(member, subject)
    return True


def _backfill(member: Membership, subject: Subject) -> None:
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
def do_unfollow(member: Membership, subject: Subject) -> bool:
    """Stop following (the inbox keeps what it already holds). Audited `feeds.unfollow` when there was
    a follow. Returns True when one was removed."""
    deleted, _ = Follow.objects.filter(user=member.user, subject=subject).delete()
    if deleted:
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=FeedsVerb.UNFOLLOW,
            subject=subject,
            target=subject.title,
        )
    return bool(deleted)


def do_auto_follow(*, tenant: Tenant, user: User, subject: Subject) -> bool:
    """Follow what the user created or owns, unless they turned auto-follow off. Other apps call this
    from their create actions (a planner who creates a plan follows it). Returns True when a new
    follow was made."""
    return bool(do_auto_follow_many(tenant=tenant, pairs=[(user, subject)]))


def do_auto_follow_many(*, tenant: Tenant, pairs: Iterable[tuple[User, Subject]]) -> int:
    """Auto-follow for a whole batch of (user, subject) pairs (a 10k-row import whose customers have
    account managers) in a fixed number of queries: people without an active membership or with
    auto-follow off are passed over, existing follows are kept, the new ones are inserted at once.
    Audited `feeds.follow` once per person (on the subject when there is one, else naming every subject
    as related, so each trail shows it). Subjects that already have items backfill the inbox; a subject
    created in this batch has none. Returns the number of follows made. Runs in the caller's
    transaction (or its own)."""
    wanted = {(user.pk, subject.pk): (user, subject) for user, subject in pairs}
    if not wanted:
        return 0
    with transaction.atomic():
        user_ids = {uid for uid, _ in wanted}
        members = {
            m.user_id: m
            for m in Membership.objects.filter(
                tenant=tenant, user_id__in=user_ids, is_active=True
            ).select_related("tenant", "user")
        }
        prefs = _prefs(tenant.pk, list(members))
        allowed = {uid for uid in members if prefs[uid].auto_follow}
        existing = set(
            Follow.objects.filter(
                tenant=tenant, user_id__in=allowed, subject_id__in={sid for _, sid in wanted}
            ).values_list("user_id", "subject_id")
        )
        new = [key for key in wanted if key[0] in allowed and key not in existing]
        if not new:
            return 0
        Follow.objects.bulk_create(
            [
                Follow(tenant=tenant, user_id=uid, subject_id=sid, source=Follow.Source.AUTO)
                for uid, sid in new
            ],
            ignore_conflicts=True,
        )
        with_items = set(
            FeedItemSubject.objects.filter(subject_id__in={sid for _, sid in new})
            .values_list("subject_id", flat=True)
            .distinct()
        )
        by_user: dict[int, list[Subject]] = {}
        for uid, sid in new:
            by_user.setdefault(uid, []).append(wanted[(uid, sid)][1])
        for uid, subjects in by_user.items():
            member = members[uid]
            one = subjects[0] if len(subjects) == 1 else None
            record(
                tenant=tenant,
                actor=member.user,
                verb=FeedsVerb.FOLLOW,
                subject=one,
                target=one.title if one else f"{len(subjects):,} subjects",
                after={"source": Follow.Source.AUTO},
                related=() if one else subjects,
            )
            for subject in subjects:
                if subject.pk in with_items:
                    _backfill(member, subject)
    return len(new)
