"""Fetch feed objects by id, scoped to what the member may read. Missing and forbidden are one 404."""

from django.http import Http404

from sopsocial.tenancy.models import Membership

from .models import Attachment, FeedItem
from .selectors import ITEM_RELATED, visible_items


def access_item(member: Membership, item_id: int | str) -> FeedItem:
    try:
        return visible_items(member).select_related("tenant", *ITEM_RELATED).get(pk=item_id)
    except (FeedItem.DoesNotExist, ValueError, TypeError):
        raise Http404 from None


def access_post(member: Membership, post_id: int | str) -> FeedItem:
    """A post or forward the member can read and act on (comment, react, forward)."""
    item = access_item(member, post_id)
    if item.kind not in (
        FeedItem.Kind.POST,
        FeedItem.Kind.FORWARD,
        FeedItem.Kind.SYSTEM,
        FeedItem.Kind.ALERT,
    ):
        raise Http404
    return item


def access_own_post(member: Membership, post_id: int | str) -> FeedItem:
    """A live post the member wrote (editing and deleting); admins may delete any post."""
    item = access_item(member, post_id)
    if item.kind != FeedItem.Kind.POST or item.is_deleted:
        raise Http404
    return item


def access_attachment(member: Membership, attachment_id: int | str) -> Attachment:
    try:
        attachment = Attachment.objects.select_related("item").get(
            pk=attachment_id, tenant_id=member.tenant_id
        )
    except (Attachment.DoesNotExist, ValueError, TypeError):
        raise Http404 from None
    if attachment.item.is_deleted or not visible_items(member).filter(pk=attachment.item_id).exists():
        raise Http404
    return attachment
