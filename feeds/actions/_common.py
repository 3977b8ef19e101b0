"""Helpers shared by the post and conversation actions: cleaning a body, finding the people it
@mentions, recording their mentions, indexing for search, queueing the fan-out."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from sopsocial.queue import enqueue_on_commit
from sopsocial.tenancy.models import Membership

from .. import task_names
from ..models import Mention
from ..selectors import member_may_see_item_q

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Tenant

    from ..models import Comment, FeedItem


def _members_named(tenant: Tenant, usernames: Collection[str]) -> list[Membership]:
    """Active memberships of the tenant whose username is among `usernames` (lower-case)."""
    if not usernames:
        return []
    q = Q()
    for name in usernames:
        q |= Q(user__username__iexact=name)
    return list(Membership.objects.filter(q, tenant=tenant, is_active=True).select_related("user"))


def _update_search_vector(model: type[FeedItem] | type[Comment], pk: int, field: str = "body") -> None:
    if connection.vendor == "postgresql":
        from django.contrib.postgres.search import SearchVector

        model.objects.filter(pk=pk).update(search_vector=SearchVector(field, config="english"))


def _record_mentions(
    item: FeedItem, members: Iterable[Membership], comment: Comment | None = None
) -> set[int]:
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


def _queue_fan_out(item: FeedItem) -> None:
    enqueue_on_commit(task_names.FAN_OUT_ITEM, item_id=item.pk)


def _clean_body(body: str | None, field: str = "body") -> str:
    body = (body or "").strip()
    if not body:
        raise ValidationError({field: "Write something."})
    if len(body) > settings.FEEDS_POST_MAX_CHARS:
        raise ValidationError({field: f"Keep it under {settings.FEEDS_POST_MAX_CHARS} characters."})
    if "\x00" in body:  # PostgreSQL text cannot hold NUL; say so instead of failing with a 500
        raise ValidationError({field: "The text contains a NUL character; remove it."})
    return body
