"""Reads shared by views, tasks and other apps: who sees which item, feed pages, follows, counts.

Feed pages are keyset pages (cursor = created + id, never OFFSET) followed by batch loads, so a page
costs the same fixed number of queries whatever its size.
"""

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.conf import settings
from django.contrib.auth.models import User
from django.db.models import Count, Exists, OuterRef, Q, QuerySet

from sopsocial.pages.keyset import keyset_page
from sopsocial.pages.params import ascii_int
from sopsocial.subjects.models import Subject, SubjectShare
from sopsocial.tenancy.models import Membership, Team, Tenant

from .models import (
    Attachment,
    Comment,
    FeedItem,
    FeedItemSubject,
    Follow,
    InboxEntry,
    Mention,
    Notification,
    NotificationPreference,
    Reaction,
    Visibility,
)

ITEM_RELATED = ("subject", "author", "forwarded_item", "forwarded_item__author", "forwarded_item__subject")
# Feed pages join only what every card shows. With the forwarded item, its author and subject as well the
# home page query joined 8 tables and PostgreSQL spent ~7 ms planning it (0.3 ms running it); the few
# forwarded originals on a page are loaded by hydrate() instead, in one query.
PAGE_RELATED = ("subject", "author")


def shared_with_partner_q(partner_id: int | None, prefix: str = "") -> Q:
    """Items visible to partners and posted on a subject shared with them. Being tagged with a shared
    subject is not enough: the item's page and card name its main subject, which must be theirs to see."""
    placed_on_shared = FeedItemSubject.objects.filter(  # type: ignore[misc]  # partner_id: only partners are asked about
        item_id=OuterRef("item_id" if prefix else "pk"),
        relation=FeedItemSubject.Relation.PRIMARY,
        subject__shares__partner_id=partner_id,
    )
    return Q(**{f"{prefix}visibility": Visibility.PARTNERS}) & Q(Exists(placed_on_shared))


def visible_items(member: Membership) -> QuerySet[FeedItem]:
    """The feed items the member may read (deleted ones included: pages show them as deleted)."""
    items = FeedItem.objects.filter(tenant_id=member.tenant_id)
    # A forward is a note to some people: only its author and recipients see it.
    is_recipient = Mention.objects.filter(item_id=OuterRef("pk"), user_id=member.user_id)
    items = items.filter(
        ~Q(kind=FeedItem.Kind.FORWARD) | Q(author_id=member.user_id) | Q(Exists(is_recipient))
    )
    if member.is_external:
        items = items.exclude(kind=FeedItem.Kind.FORWARD).filter(shared_with_partner_q(member.partner_id))
    return items


def member_may_see_item_q(item: FeedItem) -> Q:
    """For picking recipients: a Q over Membership rows of those who may read `item`."""
    q = Q(tenant_id=item.tenant_id, is_active=True)
    if item.kind == FeedItem.Kind.FORWARD:
        return q & Q(partner__isnull=True)
    if item.visibility != Visibility.PARTNERS:
        return q & Q(partner__isnull=True)
    shared_partners = SubjectShare.objects.filter(subject_id=item.subject_id).values("partner_id")
    return q & (Q(partner__isnull=True) | Q(partner_id__in=shared_partners))


# --- Cursors ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Cursor:
    created: datetime
    item_id: int

    def encode(self) -> str:
        return f"{self.created.isoformat()}_{self.item_id}"

    @classmethod
    def decode(cls, raw: object) -> "Cursor | None":
        """A cursor from a query string, or None when missing or malformed (treated as 'from the top')."""
        if not raw:
            return None
        try:
            stamp, item_id = str(raw).rsplit("_", 1)
            created = datetime.fromisoformat(stamp.replace(" ", "+"))
            if created.tzinfo is None:
                return None
            number = ascii_int(item_id)
            return None if number is None else cls(created, number)
        except (ValueError, TypeError):
            return None


def _before(cursor: Cursor, created: str = "created", item: str = "item_id") -> Q:
    return Q(**{f"{created}__lt": cursor.created}) | Q(
        **{created: cursor.created, f"{item}__lt": cursor.item_id}
    )


def _after(cursor: Cursor, created: str = "created", item: str = "item_id") -> Q:
    return Q(**{f"{created}__gt": cursor.created}) | Q(
        **{created: cursor.created, f"{item}__gt": cursor.item_id}
    )


# --- Home feed (the inbox) ------------------------------------------------------------------------

HOME_FILTERS = {
    "all": "Everything",
    "posts": "Posts",
    "alerts": "Alerts",
    "mentions": "Mentions & forwards",
    "unread": "Unread",
}


@dataclass
class FeedPage:
    entries: list  # InboxEntry rows (home) or FeedItemSubject rows (subject feed), each with .item hydrated
    next_cursor: str | None


def _feed_page(
    rows: QuerySet[InboxEntry] | QuerySet[FeedItemSubject], size: int, member: Membership
) -> "FeedPage":
    """A keyset page of inbox or subject-feed rows (newest first) with their items hydrated."""
    entries: list[Any]
    entries, next_cursor = keyset_page(rows, size, lambda row: Cursor(row.created, row.item_id).encode())
    hydrate([r.item for r in entries], member)
    return FeedPage(entries=entries, next_cursor=next_cursor)


def _inbox_rows(
    member: Membership, *, filter_name: str = "all", subject_kind: str | None = None
) -> QuerySet[InboxEntry]:
    rows = InboxEntry.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id)
    if filter_name == "posts":
        rows = rows.filter(item__kind=FeedItem.Kind.POST)
    elif filter_name == "alerts":
        rows = rows.filter(alert=True)
    elif filter_name == "mentions":
        rows = rows.filter(mention=True)
    elif filter_name == "unread":
        rows = rows.filter(unread=True)
    if subject_kind:
        rows = rows.filter(item__subject__kind=subject_kind)
    if member.is_external:
        # Defence in depth: a share withdrawn after the fan-out hides the item again.
        rows = rows.filter(shared_with_partner_q(member.partner_id, prefix="item__"))
    return rows


def home_page(
    member: Membership,
    *,
    before: Cursor | None = None,
    after: Cursor | None = None,
    filter_name: str = "all",
    subject_kind: str | None = None,
    size: int | None = None,
) -> FeedPage:
    """One page of the member's home feed: the inbox rows (newest first) with hydrated items."""
    size = size or settings.FEEDS_PAGE_SIZE
    rows = _inbox_rows(member, filter_name=filter_name, subject_kind=subject_kind)
    if before:
        rows = rows.filter(_before(before))
    if after:
        rows = rows.filter(_after(after))
    rows = rows.select_related("reason_subject", *(f"item__{r}" for r in PAGE_RELATED)).order_by(
        "-created", "-item_id"
    )
    return _feed_page(rows, size, member)


def unread_count(member: Membership) -> int:
    return InboxEntry.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id, unread=True).count()


def unread_counts_for(tenant_id: int, user_ids: Iterable[int]) -> dict[int, int]:
    # COUNT(*), not COUNT(id): the inbox_unread index alone answers it (an index-only scan).
    rows = (
        InboxEntry.objects.filter(tenant_id=tenant_id, user_id__in=user_ids, unread=True)
        .values("user_id")
        .annotate(n=Count("*"))
    )
    counts = {r["user_id"]: r["n"] for r in rows}
    return {uid: counts.get(uid, 0) for uid in user_ids}


# --- Subject feed ------------------------------------------------------------------------------------


def subject_page(
    member: Membership, subject: Subject, *, before: Cursor | None = None, size: int | None = None
) -> FeedPage:
    """A subject's feed: items placed on it, its tags and (through ancestor rows) its descendants."""
    size = size or settings.FEEDS_PAGE_SIZE
    rows = FeedItemSubject.objects.filter(subject=subject).exclude(item__kind=FeedItem.Kind.FORWARD)
    if member.is_external:
        rows = rows.filter(shared_with_partner_q(member.partner_id, prefix="item__"))
    if before:
        rows = rows.filter(_before(before))
    rows = rows.select_related(*(f"item__{r}" for r in PAGE_RELATED)).order_by("-created", "-item_id")
    return _feed_page(rows, size, member)


# --- Batch loading -------------------------------------------------------------------------------------


def _attach_forwarded(items: Sequence[FeedItem]) -> None:
    """Set each forward's original (with its author and subject) where the caller did not join it: one
    query for all of them, none when there is no forward among the items."""
    missing = {
        i.forwarded_item_id for i in items if i.forwarded_item_id and not FeedItem.forwarded_item.is_cached(i)
    }
    if not missing:
        return
    originals = FeedItem.objects.select_related(*PAGE_RELATED).in_bulk(missing)
    for item in items:
        if item.forwarded_item_id in originals:
            item.forwarded_item = originals[item.forwarded_item_id]


def hydrate(items: Sequence[Any], member: Membership | None) -> Sequence[Any]:
    """Attach attachments, tags, reaction counts, the member's reactions and comments to each item,
    in a fixed number of queries (four, five for partner users; one more when forwards need their
    originals) whatever the number of items."""
    if not items:
        return items
    _attach_forwarded(items)
    ids = {i.pk for i in items} | {i.forwarded_item_id for i in items if i.forwarded_item_id}
    attachments: defaultdict[int, list[Attachment]] = defaultdict(list)
    for a in Attachment.objects.filter(item_id__in=ids):
        attachments[a.item_id].append(a)
    placements: dict[int, list[Subject]] = defaultdict(list)
    for p in FeedItemSubject.objects.filter(
        item_id__in=ids, relation=FeedItemSubject.Relation.TAGGED
    ).select_related("subject"):
        placements[p.item_id].append(p.subject)
    if member is not None and member.is_external:
        all_tags = {s.pk for subjects in placements.values() for s in subjects}
        shared = set(
            SubjectShare.objects.filter(subject_id__in=all_tags, partner_id=member.partner_id).values_list(  # type: ignore[misc]
                "subject_id", flat=True
            )
        )
        placements = {k: [s for s in v if s.pk in shared] for k, v in placements.items()}
    counts: defaultdict[int, dict[str, int]] = defaultdict(dict)
    mine: defaultdict[int, set[str]] = defaultdict(set)
    user_id = member.user_id if member is not None else None
    for r in (
        Reaction.objects.filter(item_id__in=ids)
        .values("item_id", "kind")
        .annotate(n=Count("id"), m=Count("id", filter=Q(user_id=user_id)))
    ):
        counts[r["item_id"]][r["kind"]] = r["n"]
        if r["m"]:
            mine[r["item_id"]].add(r["kind"])
    comments: defaultdict[int, list[Comment]] = defaultdict(list)
    for c in Comment.objects.filter(item_id__in=ids, deleted_at__isnull=True).select_related("author"):
        comments[c.item_id].append(c)
    for item in list(items) + [i.forwarded_item for i in items if i.forwarded_item_id]:
        item.attachment_list = attachments.get(item.pk, [])
        item.tag_list = placements.get(item.pk, [])
        item.reaction_counts = counts.get(item.pk, {})
        item.my_reactions = mine.get(item.pk, set())
        item.comment_list = comments.get(item.pk, [])
    return items


# --- Follows ----------------------------------------------------------------------------------------


def is_following(user: User, subject: Subject) -> bool:
    return Follow.objects.filter(user=user, subject=subject).exists()


def follower_count(subject: Subject) -> int:
    return Follow.objects.filter(subject=subject).count()


def followers_of(subject: Subject) -> QuerySet[Membership]:
    """Members following the subject (the followers view narrows it for a partner user to their
    colleagues and staff)."""
    return (
        Membership.objects.filter(tenant_id=subject.tenant_id, is_active=True, user__follows__subject=subject)
        .select_related("user", "partner")
        .order_by("user__first_name", "user__username")
    )


def followed_subjects(member: Membership) -> QuerySet[Subject]:
    subjects = Subject.objects.filter(tenant_id=member.tenant_id, follows__user_id=member.user_id)
    if member.is_external:
        subjects = subjects.filter(shares__partner_id=member.partner_id)  # type: ignore[misc]  # external: partner_id is set
    return subjects.order_by("kind", "title")


# --- Notifications -----------------------------------------------------------------------------------


def preferences_for(user: User, tenant: Tenant) -> NotificationPreference:
    """The user's preferences in the tenant (defaults when never saved; not written here)."""
    return NotificationPreference.objects.filter(user=user, tenant=tenant).first() or NotificationPreference(
        user=user, tenant=tenant
    )


def unread_notification_count(member: Membership) -> int:
    return Notification.objects.filter(
        user_id=member.user_id, tenant_id=member.tenant_id, read_at__isnull=True
    ).count()


def notifications_for(member: Membership, limit: int = 50) -> list[Notification]:
    return list(
        Notification.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id)
        .select_related("actor", "item", "item__subject")
        .order_by("-created", "-id")[:limit]
    )


def mention_candidates(member: Membership, query: str | None, limit: int = 8) -> list[Membership]:
    """People the member can @mention: the tenant's active members (partner users see only staff and
    their own colleagues), matched on username or name."""
    people = Membership.objects.filter(tenant_id=member.tenant_id, is_active=True).select_related("user")
    if member.is_external:
        people = people.filter(Q(partner__isnull=True) | Q(partner_id=member.partner_id))
    query = (query or "").strip().lstrip("@")[:50]
    if query:
        people = people.filter(
            Q(user__username__istartswith=query)
            | Q(user__first_name__istartswith=query)
            | Q(user__last_name__istartswith=query)
        )
    return list(people.order_by("user__username")[:limit])


def team_mention_candidates(member: Membership, query: str | None, limit: int = 5) -> list[Team]:
    """Teams the member can @mention (every member of the team is told), matched on handle or name.
    Offered to staff only: teams are the tenant's own structure, and a partner user's @team would
    reach only those of its members who may read the post anyway."""
    if member.is_external:
        return []
    teams = Team.objects.filter(tenant_id=member.tenant_id)
    query = (query or "").strip().lstrip("@")[:50]
    if query:
        teams = teams.filter(Q(handle__istartswith=query) | Q(name__istartswith=query))
    return list(teams.order_by("handle")[:limit])
