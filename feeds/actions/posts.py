"""Posts and system items: create (with placements on the subject, its tags and their ancestors, and
stored uploads), edit, delete."""

from __future__ import annotations

import datetime as dt
import uuid
from collections.abc import Collection, Iterable, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.base import File as StoredFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.db.models import Count, Sum
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.subjects.models import Subject
from sopsocial.subjects.selectors import ancestor_ids, can_see_subject
from sopsocial.tenancy.models import Membership, Tenant
from sopsocial.tenancy.policy import Perm, can

from .. import uploads
from ..models import (
    Attachment,
    FeedItem,
    FeedItemSubject,
    Mention,
    Notification,
    Post,
    PostRevision,
    Visibility,
)
from ..notifications import _notify
from ..rendering import render_markdown
from ..verbs import FeedsVerb
from ._common import _clean_body, _named_in, _queue_fan_out, _record_mentions, _update_search_vector
from .follows import do_auto_follow

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.core.files.base import File

    from ..uploads import CheckedUpload

MAX_TAGS = 10


def _place(item: FeedItem, subject: Subject, tagged: Iterable[Subject], by_person: int | None = None) -> None:
    """FeedItemSubject rows: primary, tags, and every ancestor of them (resolved now, at write); and,
    with `by_person`, the person subject of whoever wrote or did it, so their followers get it through
    the ordinary fan-out. That row is not a tag (cards do not show it); partner users still receive only
    partner-visible items placed on what is shared with them, whoever they follow."""
    direct = {subject.pk: FeedItemSubject.Relation.PRIMARY}
    for t in tagged:
        direct.setdefault(t.pk, FeedItemSubject.Relation.TAGGED)
    rows = dict(direct)
    for pid in ancestor_ids(list(direct)):
        rows.setdefault(pid, FeedItemSubject.Relation.ANCESTOR)
    if by_person is not None:
        rows.setdefault(by_person, FeedItemSubject.Relation.ANCESTOR)
    FeedItemSubject.objects.bulk_create(
        [
            FeedItemSubject(
                tenant_id=item.tenant_id, item=item, subject_id=sid, relation=rel, created=item.created
            )
            for sid, rel in rows.items()
        ]
    )


def _store_uploads(
    item: FeedItem, checked: Iterable[CheckedUpload], user: User, saved_names: list[str]
) -> None:
    for up in checked:
        stem = f"feeds/{item.tenant_id}/{uuid.uuid4().hex}"
        # Copied from the checked (temporary) file in chunks.
        name = default_storage.save(f"{stem}.{up.extension}", StoredFile(up.file))
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
            size=up.size,
            width=up.width,
            height=up.height,
            sha256=up.sha256,
        )


def _lock_upload_allowance(member: Membership) -> None:
    # FOR NO KEY UPDATE: serialises uploads per person and per tenant without blocking the inserts that
    # reference these rows (their foreign-key checks take KEY SHARE locks).
    list(get_user_model().objects.select_for_update(no_key=True).filter(pk=member.user_id).values_list("pk"))
    list(Tenant.objects.select_for_update(no_key=True).filter(pk=member.tenant_id).values_list("pk"))


def _delete_files(names: Iterable[str]) -> None:
    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass


def upload_allowance_errors(member: Membership, sizes: Sequence[int]) -> list[str]:
    """Why these files may not be attached now, if they may not: the person's hourly allowance (bytes
    and files, over every tenant) and the tenant's storage quota (bytes of attachments kept)."""
    if not sizes:
        return []
    errors = []
    new_bytes, new_files = sum(sizes), len(sizes)
    hour_ago = timezone.now() - dt.timedelta(hours=1)
    recent = Attachment.objects.filter(uploaded_by=member.user, created__gte=hour_ago).aggregate(
        bytes=Sum("size"), files=Count("id")
    )
    used_bytes, used_files = recent["bytes"] or 0, recent["files"]
    per_hour = settings.FEEDS_UPLOAD_BYTES_PER_HOUR
    if used_bytes + new_bytes > per_hour:
        errors.append(
            f"You can attach {uploads.size_label(per_hour)} of files per hour; you have attached "
            f"{uploads.size_label(used_bytes)} in the last hour and these files are "
            f"{uploads.size_label(new_bytes)}. Try again later."
        )
    files_per_hour = settings.FEEDS_UPLOAD_FILES_PER_HOUR
    if used_files + new_files > files_per_hour:
        errors.append(
            f"You can attach {files_per_hour} files per hour; you have attached {used_files} in the last "
            f"hour and this post has {new_files}. Try again later."
        )
    quota = settings.FEEDS_TENANT_STORAGE_BYTES
    stored = Attachment.objects.filter(tenant=member.tenant).aggregate(total=Sum("size"))["total"] or 0
    if stored + new_bytes > quota:
        errors.append(
            f"This workspace's file storage is full: {uploads.size_label(stored)} of "
            f"{uploads.size_label(quota)} used, and these files need {uploads.size_label(new_bytes)}. "
            "Delete old attachments or ask an admin to raise the limit."
        )
    return errors


def check_create_post(
    member: Membership,
    *,
    subject: Subject,
    body: str,
    tagged: Iterable[Subject] = (),
    files: Iterable[File] = (),
    visibility: str = Visibility.INTERNAL,
) -> Post:
    """Validate a new post and create it. Raises ValidationError keyed by field; writes nothing then."""
    errors: dict[str, list[str]] = {}
    try:
        body = _clean_body(body)
    except ValidationError as e:
        errors.update(e.message_dict)
    if subject is None or not isinstance(subject, Subject) or not can_see_subject(member, subject):
        errors["subject"] = ["Choose something you can see to post on."]
    tags: list[Subject] = []
    for t in tagged or ():
        if not isinstance(t, Subject) or not can_see_subject(member, t):
            errors["tagged"] = ["You can only tag things you can see."]
            break
        if subject is not None and t.pk != getattr(subject, "pk", None) and t.pk not in {x.pk for x in tags}:
            tags.append(t)
    if len(tags) > MAX_TAGS:
        errors["tagged"] = [f"Tag at most {MAX_TAGS} things."]
    if not can(member, Perm.CHOOSE_POST_VISIBILITY):
        visibility = Visibility.PARTNERS  # a partner's post is, by nature, shared with their partner
    if visibility not in Visibility.values:
        errors["visibility"] = ["Choose internal or partners."]
    files = [f for f in (files or ()) if f]
    checked: list[CheckedUpload] = []
    file_errors: list[str] = []
    if len(files) > settings.FEEDS_MAX_FILES_PER_POST:
        file_errors.append(f"Attach at most {settings.FEEDS_MAX_FILES_PER_POST} files.")
    elif allowance := upload_allowance_errors(member, [getattr(f, "size", 0) or 0 for f in files]):
        file_errors.extend(allowance)  # checked before reading a byte of them
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


def do_create_post(
    member: Membership,
    *,
    subject: Subject,
    body: str,
    tagged: Sequence[Subject] = (),
    uploads: Sequence[CheckedUpload] = (),
    visibility: str = Visibility.INTERNAL,
) -> Post:
    """Write the post, its placements, mentions, attachments (files stored now, removed again if the
    transaction fails here) and the audit event `feeds.post_create`; auto-follow the subject; fan out
    after commit. With uploads, the person's and the tenant's rows are locked and the upload allowance
    checked again, so concurrent posts cannot together pass the quota (ValidationError on "files")."""
    saved: list[str] = []
    try:
        with transaction.atomic():
            if uploads:
                _lock_upload_allowance(member)
                if errors := upload_allowance_errors(member, [u.size for u in uploads]):
                    raise ValidationError({"files": errors})
            named = _named_in(member.tenant, body)
            post = Post.objects.create(
                tenant=member.tenant,
                kind=FeedItem.Kind.POST,
                subject=subject,
                author=member.user,
                body=body,
                body_html=named.render(body),
                visibility=visibility,
            )
            _place(post, subject, tagged, by_person=member.subject_id)
            _store_uploads(post, uploads, member.user, saved)
            mentioned = _record_mentions(post, named.members)
            _notify(post, mentioned, Notification.Verb.MENTION, member.user)
            _update_search_vector(FeedItem, post.pk)
            record(
                tenant=member.tenant,
                actor=member.user,
                verb=FeedsVerb.POST_CREATE,
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


def is_by_person(verb: str) -> bool:
    """System items that also reach the followers of the person who acted: a task they completed and
    what they did to a decision."""
    return verb == "task.complete" or verb.startswith("decision.")


def _person_subject_id(tenant: Tenant, user: User) -> int | None:
    return Membership.objects.filter(tenant=tenant, user=user).values_list("subject_id", flat=True).first()


@transaction.atomic
def do_create_system_item(
    *,
    tenant: Tenant,
    subject: Subject,
    tagged: Collection[Subject] = (),
    actor: User | None = None,
    verb: str,
    text: str,
    data: dict[str, Any] | None = None,
    kind: str = FeedItem.Kind.SYSTEM,
    visibility: str | None = None,
) -> FeedItem:
    """A feed item written by the system: plan changes, approvals, publications (kind "system") and
    alerts (kind "alert": inbox rows flagged alert, bell notifications for recipients). `data` is kept
    as given (alerts put severity etc. there). Audited as `feeds.system_item` (`feeds.alert_item` for an
    alert); fanned out after commit."""
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
    by_person = _person_subject_id(tenant, actor) if actor is not None and is_by_person(verb) else None
    _place(item, subject, [t for t in tagged if t.pk != subject.pk], by_person=by_person)
    _update_search_vector(FeedItem, item.pk)
    record(
        tenant=tenant,
        actor=actor,
        verb=FeedsVerb.SYSTEM_ITEM if kind == FeedItem.Kind.SYSTEM else FeedsVerb.ALERT_ITEM,
        subject=subject,
        related=[t for t in tagged if t.pk != subject.pk],
        target=f"{verb} #{item.pk}"[:300],
        after={"text": text[:500], **({"data": data} if data else {})},
    )
    _queue_fan_out(item)
    return item


def check_edit_post(member: Membership, post: FeedItem, *, body: str) -> FeedItem:
    if post.author_id != member.user_id or post.kind != FeedItem.Kind.POST or post.is_deleted:
        raise ValidationError({"body": "Only the author can edit this post."})
    body = _clean_body(body)
    if body == post.body:
        return post
    return do_edit_post(member, post, body=body)


@transaction.atomic
def do_edit_post(member: Membership, post: FeedItem, *, body: str) -> FeedItem:
    """Keep the old text as a PostRevision, write the new one, audit `feeds.post_edit` (old -> new),
    notify people newly mentioned."""
    PostRevision.objects.create(item=post, body=post.body, body_html=post.body_html, edited_by=member.user)
    already = set(Mention.objects.filter(item=post, comment__isnull=True).values_list("user_id", flat=True))
    named = _named_in(member.tenant, body)
    before = {"body": post.body[:1000]}
    post.body = body
    post.body_html = named.render(body)
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "body_html", "edited_at"])
    new_mentions = _record_mentions(post, [m for m in named.members if m.user_id not in already])
    _notify(post, new_mentions, Notification.Verb.MENTION, member.user)
    if new_mentions:
        _queue_fan_out(post)  # the newly mentioned get the post in their feed (existing rows stay)
    _update_search_vector(FeedItem, post.pk)
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=FeedsVerb.POST_EDIT,
        subject=post.subject,
        target=f"post #{post.pk}",
        before=before,
        after={"body": body[:1000]},
    )
    return post


def check_delete_post(member: Membership, post: FeedItem) -> FeedItem:
    if post.kind != FeedItem.Kind.POST or post.is_deleted:
        raise ValidationError({"post": "This post cannot be deleted."})
    if post.author_id != member.user_id and not can(member, Perm.DELETE_ANY_POST):
        raise ValidationError({"post": "Only the author or an admin can delete this post."})
    return do_delete_post(member, post)


@transaction.atomic
def do_delete_post(member: Membership, post: FeedItem) -> FeedItem:
    """Soft delete: the row stays (threads and the trail keep their shape), its text and files are no
    longer shown or served. Audited `feeds.post_delete` with the text that was removed."""
    post.deleted_at = timezone.now()
    post.deleted_by = member.user
    post.save(update_fields=["deleted_at", "deleted_by"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=FeedsVerb.POST_DELETE,
        subject=post.subject,
        target=f"post #{post.pk}",
        before={"body": post.body[:1000]},
    )
    return post
