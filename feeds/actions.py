"""Every write in feeds. `check_*` validates input (raising ValidationError keyed by field, writing
nothing) and calls `do_*`, which writes the rows and the audit event in one transaction and queues
the fan-out (inbox rows, live pushes, e-mails) to run after commit.

The functions other apps call:
  check_create_post(member, *, subject, body, tagged=(), files=(), visibility="internal") -> Post
  do_create_system_item(*, tenant, subject, tagged=(), actor=None, verb, text, data=None, kind="system")
  do_follow(member, subject) / do_unfollow(member, subject) / do_auto_follow(tenant=, user=, subject=)
All work inside an outer transaction.atomic (their side effects wait for the outermost commit).
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.core.mail import send_mail
from django.db import IntegrityError, connection, transaction
from django.db.models import Q
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.queue import enqueue_on_commit
from sopsocial.subjects.models import Subject
from sopsocial.subjects.selectors import ancestor_ids, can_see_subject
from sopsocial.tenancy.models import Membership

from . import uploads
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
    Post,
    PostRevision,
    Reaction,
    Visibility,
)
from .rendering import mentioned_usernames, render_markdown
from .selectors import member_may_see_item_q, visible_items

MAX_TAGS = 10
MAX_FORWARD_RECIPIENTS = 20


# --- Helpers shared by the actions -----------------------------------------------------------------


def _members_named(tenant, usernames):
    """Active memberships of the tenant whose username is among `usernames` (lower-case)."""
    if not usernames:
        return []
    q = Q()
    for name in usernames:
        q |= Q(user__username__iexact=name)
    return list(Membership.objects.filter(q, tenant=tenant, is_active=True).select_related("user"))


def _update_search_vector(model, pk, field="body"):
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        model.objects.filter(pk=pk).update(search_vector=SearchVector(field, config="english"))


def _tagged_subjects(item):
    """The subjects an item is tagged with (not its ancestors): audit events about the item name them
    as related, so the trail of each tagged subject shows the conversation."""
    tagged = item.placements.filter(relation=FeedItemSubject.Relation.TAGGED)
    return list(Subject.objects.filter(pk__in=tagged.values("subject_id")))


def _place(item, subject, tagged):
    """FeedItemSubject rows: primary, tags, and every ancestor of them (resolved now, at write)."""
    direct = {subject.pk: FeedItemSubject.Relation.PRIMARY}
    for t in tagged:
        direct.setdefault(t.pk, FeedItemSubject.Relation.TAGGED)
    rows = dict(direct)
    for pid in ancestor_ids(list(direct)):
        rows.setdefault(pid, FeedItemSubject.Relation.ANCESTOR)
    FeedItemSubject.objects.bulk_create(
        [
            FeedItemSubject(
                tenant_id=item.tenant_id, item=item, subject_id=sid, relation=rel, created=item.created
            )
            for sid, rel in rows.items()
        ]
    )


def _store_uploads(item, checked, user, saved_names):
    for up in checked:
        stem = f"feeds/{item.tenant_id}/{uuid.uuid4().hex}"
        name = default_storage.save(f"{stem}.{up.extension}", ContentFile(up.content))
        saved_names.append(name)
        thumb = ""
        if up.thumbnail:
            thumb = default_storage.save(f"{stem}.thumb.{up.extension}", ContentFile(up.thumbnail))
            saved_names.append(thumb)
        Attachment.objects.create(
            tenant_id=item.tenant_id,
            item=item,
            uploaded_by=user,
            kind=up.kind,
            file=name,
            thumbnail=thumb,
            original_name=up.original_name,
            content_type=up.content_type,
            size=len(up.content),
            width=up.width,
            height=up.height,
            sha256=up.sha256,
        )


def _delete_files(names):
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def _prefs(tenant_id, user_ids):
    prefs = {
        p.user_id: p for p in NotificationPreference.objects.filter(tenant_id=tenant_id, user_id__in=user_ids)
    }
    return {
        uid: prefs.get(uid) or NotificationPreference(tenant_id=tenant_id, user_id=uid) for uid in user_ids
    }


def _notify(item, user_ids, verb, actor):
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
        enqueue_on_commit("feeds.send_notification_emails", notification_ids=emailed)
    return rows


def _record_mentions(item, members, comment=None):
    """Mention rows for the named members who may read the item; returns their user ids."""
    allowed = set(
        Membership.objects.filter(member_may_see_item_q(item), pk__in=[m.pk for m in members]).values_list(
            "user_id", flat=True
        )
    )
    Mention.objects.bulk_create(
        [
            Mention(tenant_id=item.tenant_id, item=item, comment=comment, user_id=uid)
            for uid in sorted(allowed)
        ]
    )
    return allowed


def _queue_fan_out(item):
    enqueue_on_commit("feeds.fan_out_item", item_id=item.pk)


# --- Posts ------------------------------------------------------------------------------------------------


def _clean_body(body, field="body"):
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: "Write something."})
    if len(body) > settings.FEEDS_POST_MAX_CHARS:
        raise ValidationError({field: f"Keep it under {settings.FEEDS_POST_MAX_CHARS} characters."})
    if "\x00" in body:  # PostgreSQL text cannot hold NUL; say so instead of failing with a 500
        raise ValidationError({field: "The text contains a NUL character; remove it."})
    return body


def check_create_post(member, *, subject, body, tagged=(), files=(), visibility=Visibility.INTERNAL):
    """Validate a new post and create it. Raises ValidationError keyed by field; writes nothing then."""
    errors = {}
    try:
        body = _clean_body(body)
    except ValidationError as e:
        errors.update(e.message_dict)
    if subject is None or not isinstance(subject, Subject) or not can_see_subject(member, subject):
        errors["subject"] = ["Choose something you can see to post on."]
    tags = []
    for t in tagged or ():
        if not isinstance(t, Subject) or not can_see_subject(member, t):
            errors["tagged"] = ["You can only tag things you can see."]
            break
        if subject is not None and t.pk != getattr(subject, "pk", None) and t.pk not in {x.pk for x in tags}:
            tags.append(t)
    if len(tags) > MAX_TAGS:
        errors["tagged"] = [f"Tag at most {MAX_TAGS} things."]
    if member.is_external:
        visibility = Visibility.PARTNERS  # a partner's post is, by nature, shared with their partner
    if visibility not in Visibility.values:
        errors["visibility"] = ["Choose internal or partners."]
    files = [f for f in (files or ()) if f]
    checked, file_errors = [], []
    if len(files) > settings.FEEDS_MAX_FILES_PER_POST:
        file_errors.append(f"Attach at most {settings.FEEDS_MAX_FILES_PER_POST} files.")
    else:
        for f in files:
            try:
                checked.append(uploads.inspect_upload(f))
            except ValidationError as e:
                file_errors.extend(e.messages)
    if file_errors:
        errors["files"] = file_errors
    if errors:
        raise ValidationError(errors)
    return do_create_post(
        member, subject=subject, body=body, tagged=tags, uploads=checked, visibility=visibility
    )


def do_create_post(member, *, subject, body, tagged=(), uploads=(), visibility=Visibility.INTERNAL):
    """Write the post, its placements, mentions, attachments (files stored now, removed again if the
    transaction fails here) and the audit event `feeds.post_create`; auto-follow the subject; fan out
    after commit."""
    saved = []
    try:
        with transaction.atomic():
            named = _members_named(member.tenant, mentioned_usernames(body))
            post = Post.objects.create(
                tenant=member.tenant,
                kind=FeedItem.Kind.POST,
                subject=subject,
                author=member.user,
                body=body,
                body_html=render_markdown(body, {m.user.username.lower() for m in named}),
                visibility=visibility,
            )
            _place(post, subject, tagged)
            _store_uploads(post, uploads, member.user, saved)
            mentioned = _record_mentions(post, named)
            _notify(post, mentioned, Notification.Verb.MENTION, member.user)
            _update_search_vector(FeedItem, post.pk)
            record(
                tenant=member.tenant,
                actor=member.user,
                verb="feeds.post_create",
                subject=subject,
                related=tagged,
                target=f"post #{post.pk}",
                after={
                    "body": body[:1000],
                    "visibility": visibility,
                    "tagged": [t.title for t in tagged],
                    "files": [u.original_name for u in uploads],
                },
            )
            do_auto_follow(tenant=member.tenant, user=member.user, subject=subject)
            _queue_fan_out(post)
    except Exception:
        _delete_files(saved)
        raise
    return post


@transaction.atomic
def do_create_system_item(
    *,
    tenant,
    subject,
    tagged=(),
    actor=None,
    verb,
    text,
    data=None,
    kind=FeedItem.Kind.SYSTEM,
    visibility=None,
):
    """A feed item written by the system: plan changes, approvals, publications (kind "system") and
    alerts (kind "alert": inbox rows flagged alert, bell notifications for recipients). `data` is kept
    as given (alerts put severity etc. there). Audited as `feeds.system_item`; fanned out after commit."""
    if kind not in (FeedItem.Kind.SYSTEM, FeedItem.Kind.ALERT):
        raise ValueError("system items are of kind 'system' or 'alert'")
    if subject.tenant_id != tenant.pk or any(t.tenant_id != tenant.pk for t in tagged):
        raise ValueError("a system item's subjects belong to its tenant")
    text = str(text or "").strip()[: settings.FEEDS_POST_MAX_CHARS]
    item = FeedItem.objects.create(
        tenant=tenant,
        kind=kind,
        subject=subject,
        author=actor,
        verb=verb[:80],
        body=text,
        body_html=render_markdown(text),
        data=data or {},
        visibility=visibility or Visibility.INTERNAL,
    )
    _place(item, subject, [t for t in tagged if t.pk != subject.pk])
    _update_search_vector(FeedItem, item.pk)
    record(
        tenant=tenant,
        actor=actor,
        verb="feeds.system_item" if kind == FeedItem.Kind.SYSTEM else "feeds.alert_item",
        subject=subject,
        related=[t for t in tagged if t.pk != subject.pk],
        target=f"{verb} #{item.pk}"[:300],
        after={"text": text[:500], **({"data": data} if data else {})},
    )
    _queue_fan_out(item)
    return item


def check_edit_post(member, post, *, body):
    if post.author_id != member.user_id or post.kind != FeedItem.Kind.POST or post.is_deleted:
        raise ValidationError({"body": "Only the author can edit this post."})
    body = _clean_body(body)
    if body == post.body:
        return post
    return do_edit_post(member, post, body=body)


@transaction.atomic
def do_edit_post(member, post, *, body):
    """Keep the old text as a PostRevision, write the new one, audit `feeds.post_edit` (old -> new),
    notify people newly mentioned."""
    PostRevision.objects.create(item=post, body=post.body, body_html=post.body_html, edited_by=member.user)
    already = set(Mention.objects.filter(item=post, comment__isnull=True).values_list("user_id", flat=True))
    named = _members_named(member.tenant, mentioned_usernames(body))
    before = {"body": post.body[:1000]}
    post.body = body
    post.body_html = render_markdown(body, {m.user.username.lower() for m in named})
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    new_mentions = _record_mentions(post, [m for m in named if m.user_id not in already])
    _notify(post, new_mentions, Notification.Verb.MENTION, member.user)
    if new_mentions:
        _queue_fan_out(post)  # the newly mentioned get the post in their feed (existing rows stay)
    _update_search_vector(FeedItem, post.pk)
    record(
        tenant=member.tenant,
        actor=member.user,
        verb="feeds.post_edit",
        subject=post.subject,
        target=f"post #{post.pk}",
        before=before,
        after={"body": body[:1000]},
    )
    return post


def check_delete_post(member, post):
    if post.kind != FeedItem.Kind.POST or post.is_deleted:
        raise ValidationError({"post": "This post cannot be deleted."})
    if post.author_id != member.user_id and not member.is_admin:
        raise ValidationError({"post": "Only the author or an admin can delete this post."})
    return do_delete_post(member, post)


@transaction.atomic
def do_delete_post(member, post):
    """Soft delete: the row stays (threads and the trail keep their shape), its text and files are no
    longer shown or served. Audited `feeds.post_delete` with the text that was removed."""
    post.deleted_at = timezone.now()
    post.deleted_by = member.user
    post.save(update_fields=["deleted_at", "deleted_by"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb="feeds.post_delete",
        subject=post.subject,
        target=f"post #{post.pk}",
        before={"body": post.body[:1000]},
    )
    return post


# --- Comments, reactions, forwards ------------------------------------------------------------------


def check_create_comment(member, item, *, body):
    if item.is_deleted or item.kind == FeedItem.Kind.FORWARD:
        raise ValidationError({"body": "You cannot comment on this item."})
    body = _clean_body(body)
    return do_create_comment(member, item, body=body)


@transaction.atomic
def do_create_comment(member, item, *, body):
    """A comment (one level) under an item. Notifies the item's author and anyone @mentioned;
    audited `feeds.comment_create`; pushed to the item's readers' open pages is left to reloads."""
    named = _members_named(member.tenant, mentioned_usernames(body))
    comment = Comment.objects.create(
        tenant=member.tenant,
        item=item,
        author=member.user,
        body=body,
        body_html=render_markdown(body, {m.user.username.lower() for m in named}),
    )
    mentioned = _record_mentions(item, named, comment=comment)
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
        verb="feeds.comment_create",
        subject=item.subject,
        related=_tagged_subjects(item),
        target=f"comment #{comment.pk} on item #{item.pk}",
        after={"body": body[:1000]},
    )
    if mentioned:
        enqueue_on_commit(
            "feeds.fan_out_item", item_id=item.pk
        )  # mentioned people get the item in their feed
    return comment


@transaction.atomic
def do_toggle_reaction(member, item, kind):
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
        verb=f"feeds.post_{kind}" + ("" if on else "_undo"),
        subject=item.subject,
        target=f"item #{item.pk}",
    )
    return on


def check_forward_post(member, item, *, recipients, note=""):
    """Forward an item to people (active internal members of the tenant) with an optional note."""
    errors = {}
    if item.is_deleted or item.kind == FeedItem.Kind.FORWARD:
        errors["post"] = ["This item cannot be forwarded."]
    if member.is_external:
        errors["recipients"] = ["Partner users cannot forward items."]
    note = (note or "").strip()
    if len(note) > settings.FEEDS_POST_MAX_CHARS:
        errors["note"] = [f"Keep it under {settings.FEEDS_POST_MAX_CHARS} characters."]
    elif "\x00" in note:
        errors["note"] = ["The note contains a NUL character; remove it."]
    ids = []
    for r in recipients or ():
        try:
            ids.append(int(getattr(r, "pk", r)))
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
def do_forward_post(member, item, *, recipients, note=""):
    """A forward item (the note plus the original) for the recipients and anyone @mentioned in the
    note: it enters their inbox as a mention and rings their bell. Audited `feeds.post_forward`."""
    named = _members_named(member.tenant, mentioned_usernames(note))
    forward = FeedItem.objects.create(
        tenant=member.tenant,
        kind=FeedItem.Kind.FORWARD,
        subject=item.subject,
        author=member.user,
        body=note,
        body_html=render_markdown(note, {m.user.username.lower() for m in named}),
        forwarded_item=item,
        visibility=Visibility.INTERNAL,
    )
    people = {m.pk: m for m in [*recipients, *named] if not m.is_external}
    mentioned = _record_mentions(forward, list(people.values()))
    _notify(forward, mentioned, Notification.Verb.FORWARD, member.user)
    record(
        tenant=member.tenant,
        actor=member.user,
        verb="feeds.post_forward",
        subject=item.subject,
        related=_tagged_subjects(item),
        target=f"item #{item.pk}",
        # Who it went to and the note are private to them (the forward itself holds them); the trail,
        # which every colleague can read, only says that it was forwarded and to how many people.
        after={"recipients": len(people)},
    )
    _queue_fan_out(forward)
    return forward


# --- Follows --------------------------------------------------------------------------------------------


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


# --- Reading state and preferences ----------------------------------------------------------------------


def do_mark_read(member, item_ids=None):
    """Mark inbox entries read (all of the member's when `item_ids` is None). Private: not audited."""
    rows = InboxEntry.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id, unread=True)
    if item_ids is not None:
        rows = rows.filter(item_id__in=list(item_ids))
    return rows.update(unread=False)


def do_mark_notifications_read(member):
    now = timezone.now()
    Notification.objects.filter(
        user_id=member.user_id, tenant_id=member.tenant_id, read_at__isnull=True
    ).update(read_at=now)
    # Reading the bell also reads what it pointed at in the feed.
    return InboxEntry.objects.filter(
        user_id=member.user_id, tenant_id=member.tenant_id, unread=True, mention=True
    ).update(unread=False)


@transaction.atomic
def do_save_preferences(member, **values):
    prefs, _ = NotificationPreference.objects.get_or_create(tenant=member.tenant, user=member.user)
    for key in ("in_app", "email_immediate", "email_digest", "auto_follow"):
        if key in values:
            setattr(prefs, key, bool(values[key]))
    prefs.save()
    return prefs


# --- Fan-out and e-mail (run by tasks after commit) -----------------------------------------------------

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


def do_fan_out_item(item_id):
    """Write the inbox rows of one item with ONE `INSERT ... SELECT`: every follower of its subjects
    (primary, tags, ancestors) and everyone mentioned, once each, minus those who may not read it
    (partner users only see partner-visible items placed on subjects shared with them). Idempotent
    (a redelivered task inserts nothing twice). Returns the user ids that got a new row."""
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


def items_awaiting_fan_out(grace_seconds, limit=500):
    """Items whose fan-out has not happened `grace_seconds` after they were written: their task message
    was lost. The sweep runs them (fan-out is idempotent, so a late original run changes nothing)."""
    cutoff = timezone.now() - timezone.timedelta(seconds=grace_seconds)
    return list(
        FeedItem.objects.filter(fanned_out_at__isnull=True, created__lt=cutoff)
        .order_by("created")
        .values_list("pk", flat=True)[:limit]
    )


def do_send_notification_emails(notification_ids):
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
        who = (n.actor.get_full_name() or n.actor.username) if n.actor else "sopsocial"
        subject = f"[{n.tenant.name}] {who} {n.get_verb_display()} on {n.item.subject.title}"[:200]
        link = f"{settings.SITE_URL}/t/{n.tenant.slug}/posts/{n.item_id}/"
        send_mail(subject, f"{subject}\n\n{n.item.body[:2000]}\n\nOpen: {link}\n", None, [n.user.email])
        Notification.objects.filter(pk=n.pk).update(emailed_at=timezone.now())
        sent += 1
    return sent


def _still_readable(tenant_id, user_id, item_ids):
    """The ids among `item_ids` that the user may read now (active member, item not deleted, and for a
    partner user still shared with their organisation)."""
    member = (
        Membership.objects.filter(tenant_id=tenant_id, user_id=user_id, is_active=True)
        .select_related("tenant", "partner")
        .first()
    )
    if member is None:
        return set()
    return set(
        visible_items(member).filter(pk__in=item_ids, deleted_at__isnull=True).values_list("pk", flat=True)
    )


def do_send_daily_digests(now=None):
    """One e-mail per user who wants a digest and has unread items since their last digest, grouped by
    subject. Safe to run often: a user gets at most one digest per FEEDS_DIGEST_INTERVAL_HOURS."""
    from django.template.loader import render_to_string

    now = now or timezone.now()
    due_before = now - timezone.timedelta(hours=settings.FEEDS_DIGEST_INTERVAL_HOURS)
    users_with_unread = InboxEntry.objects.filter(unread=True).values("user_id", "tenant_id").distinct()
    sent = 0
    for pair in users_with_unread:
        prefs = _prefs(pair["tenant_id"], [pair["user_id"]])[pair["user_id"]]
        if not prefs.email_digest or (prefs.last_digest_at and prefs.last_digest_at > due_before):
            continue
        since = prefs.last_digest_at or (now - timezone.timedelta(hours=settings.FEEDS_DIGEST_INTERVAL_HOURS))
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
        groups = {}
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
