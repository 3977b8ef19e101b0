"""Helpers shared by the post and conversation actions: cleaning a body, finding the people and teams it
@mentions, recording their mentions, indexing for search, queueing the fan-out."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models import Q

from sopsocial.queue import enqueue_on_commit
from sopsocial.tenancy import people_pages
from sopsocial.tenancy.models import Membership, Team

from .. import task_names
from ..models import Mention
from ..rendering import mentioned_usernames, render_markdown
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


@dataclass(frozen=True)
class Named:
    """Whom a body's @names reach: `members`, each once (people named by username and the active members
    of teams named by handle); `usernames` (lower-case) become mention chips; `teams` maps each named
    team's lower-case handle to its page, for a linked chip. A name that is both a username and a
    handle names the person."""

    members: list[Membership]
    usernames: frozenset[str]
    teams: dict[str, str]

    def render(self, body: str) -> str:
        return render_markdown(body, self.usernames, self.teams)


def _named_in(tenant: Tenant, body: str) -> Named:
    """The people and teams of the tenant that `body` @mentions: one query for people, two more when a
    name is left over that may be a team's handle; none without any @name."""
    names = mentioned_usernames(body)
    people = _members_named(tenant, names)
    usernames = frozenset(m.user.username.lower() for m in people)
    handles = names - usernames
    if not handles:
        return Named(members=people, usernames=usernames, teams={})
    q = Q()
    for handle in handles:
        q |= Q(handle__iexact=handle)
    teams = list(Team.objects.filter(q, tenant=tenant).select_related("tenant"))
    reached = {m.pk: m for m in people}
    if teams:
        in_teams = Membership.objects.filter(tenant=tenant, is_active=True, team_memberships__team__in=teams)
        for m in in_teams.select_related("user").distinct():
            reached.setdefault(m.pk, m)
    return Named(
        members=list(reached.values()),
        usernames=usernames,
        teams={t.handle.lower(): people_pages.team_url(t) for t in teams},
    )


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
