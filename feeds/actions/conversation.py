"""The conversation around an item: comments, reactions, forwards (with the mentions and bell
notifications they cause)."""

from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from sopsocial.audit.actions import record
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership
from sopsocial.tenancy.policy import Perm, can

from ..models import Comment, FeedItem, FeedItemSubject, Notification, Reaction, Visibility
from ..notifications import _notify
from ..selectors import member_may_see_item_q
from ..verbs import FeedsVerb, reaction_verb
from ._common import _clean_body, _named_in, _queue_fan_out, _record_mentions, _update_search_vector

MAX_FORWARD_RECIPIENTS = 20


def _tagged_subjects(item: FeedItem) -> list[Subject]:
    """The subjects an item is tagged with (not its ancestors): audit events about the item name them
    as related, so the trail of each tagged subject shows the conversation."""
    tagged = item.placements.filter(relation=FeedItemSubject.Relation.TAGGED)
    return list(Subject.objects.filter(pk__in=tagged.values("subject_id")))


def check_create_comment(member: Membership, item: FeedItem, *, body: str) -> Comment:
    if item.is_deleted or item.kind == FeedItem.Kind.FORWARD:
        raise ValidationError({"body": "You cannot comment on this item."})
    body = _clean_body(body)
    return do_create_comment(member, item, body=body)


@transaction.atomic
def do_create_comment(member: Membership, item: FeedItem, *, body: str) -> Comment:
    """A comment (one level) under an item. Notifies the item's author and anyone @mentioned;
    audited `feeds.comment_create`; pushed to the item's readers' open pages is left to reloads."""
    named = _named_in(member.tenant, body)
    comment = Comment.objects.create(
        tenant=member.tenant,
        item=item,
        author=member.user,
        body=body,
        body_html=named.render(body),
    )
    mentioned = _record_mentions(item, named.members, comment=comment)
    _notify(item, mentioned, Notification.Verb.MENTION, member.user)
    if item.author_id and item.author_id not in mentioned:
        author_can_read = Membership.objects.filter(
            member_may_see_item_q(item), user_id=item.author_id
        ).exists()
        if author_can_read:
            _notify(item, {item.author_id}, Notification.Verb.COMMENT, member.user)
    _update_search_vector(Comment, comment.pk)
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=FeedsVerb.COMMENT_CREATE,
        subject=item.subject,
        related=_tagged_subjects(item),
        target=f"comment #{comment.pk} on item #{item.pk}",
        after={"body": body[:1000]},
    )
    if mentioned:
        _queue_fan_out(item)  # mentioned people get the item in their feed
    return comment


@transaction.atomic
def do_toggle_reaction(member: Membership, item: FeedItem, kind: str) -> bool:
    """Acknowledge or like (or take it back). Audited `feeds.post_ack` / `feeds.post_like` (and _undo)."""
    if kind not in Reaction.Kind.values:
        raise ValidationError({"kind": "Unknown reaction."})
    if item.is_deleted:
        raise ValidationError({"kind": "This item was deleted."})
    existing = Reaction.objects.filter(item=item, user=member.user, kind=kind).first()
    if existing:
        existing.delete()
        on = False
    else:
        try:  # a double click races its twin to the unique constraint: the loser finds it already on
            with transaction.atomic():
                Reaction.objects.create(tenant=member.tenant, item=item, user=member.user, kind=kind)
        except IntegrityError:
            return True
        on = True
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=reaction_verb(kind, on),
        subject=item.subject,
        target=f"item #{item.pk}",
    )
    return on


def check_forward_post(
    member: Membership,
    item: FeedItem,
    *,
    recipients: Iterable[Membership | int | str] | None,
    note: str | None = "",
) -> FeedItem:
    """Forward an item to people (active internal members of the tenant) with an optional note."""
    errors: dict[str, list[str]] = {}
    if item.is_deleted or item.kind == FeedItem.Kind.FORWARD:
        errors["post"] = ["This item cannot be forwarded."]
    if not can(member, Perm.FORWARD_POSTS):
        errors["recipients"] = ["Partner users cannot forward items."]
    note = (note or "").strip()
    if len(note) > settings.FEEDS_POST_MAX_CHARS:
        errors["note"] = [f"Keep it under {settings.FEEDS_POST_MAX_CHARS} characters."]
    elif "\x00" in note:
        errors["note"] = ["The note contains a NUL character; remove it."]
    ids: list[int] = []
    for r in recipients or ():
        try:
            ids.append(int(getattr(r, "pk", r)))  # type: ignore[arg-type]  # a Membership gives its pk
        except (TypeError, ValueError):
            errors["recipients"] = ["Choose people from the list."]
    people = list(
        Membership.objects.filter(
            tenant=member.tenant, is_active=True, partner__isnull=True, pk__in=ids
        ).select_related("user")
    )
    if not ids:
        errors.setdefault("recipients", ["Choose at least one person."])
    elif len(people) != len(set(ids)):
        errors["recipients"] = ["Choose people from the list."]
    elif len(people) > MAX_FORWARD_RECIPIENTS:
        errors["recipients"] = [f"Forward to at most {MAX_FORWARD_RECIPIENTS} people."]
    if errors:
        raise ValidationError(errors)
    return do_forward_post(member, item, recipients=people, note=note)


@transaction.atomic
def do_forward_post(
    member: Membership, item: FeedItem, *, recipients: Iterable[Membership], note: str = ""
) -> FeedItem:
    """A forward item (the note plus the original) for the recipients and anyone @mentioned in the
    note: it enters their inbox as a mention and rings their bell. Audited `feeds.post_forward`."""
    named = _named_in(member.tenant, note)
    forward = FeedItem.objects.create(
        tenant=member.tenant,
        kind=FeedItem.Kind.FORWARD,
        subject=item.subject,
        author=member.user,
        body=note,
        body_html=named.render(note),
        forwarded_item=item,
        visibility=Visibility.INTERNAL,
    )
    people = {m.pk: m for m in [*recipients, *named.members] if not m.is_external}
    mentioned = _record_mentions(forward, list(people.values()))
    _notify(forward, mentioned, Notification.Verb.FORWARD, member.user)
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=FeedsVerb.POST_FORWARD,
        subject=item.subject,
        related=_tagged_subjects(item),
        target=f"item #{item.pk}",
        # The trail names who it went to (colleagues asked "to whom?"); the note stays private to them
        # (the forward itself holds it). Partner users never receive forwards, so no partner is named.
        after={"recipients": sorted(m.display_name for m in people.values())},
    )
    _queue_fan_out(forward)
    return forward
