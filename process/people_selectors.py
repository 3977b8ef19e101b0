"""Reads for the people and team pages: a person's teams, posts, decisions and completed tasks; the
teams of a tenant; who is in a team and which of its default follows each member still has. Each page
costs a fixed number of queries whatever the number of rows."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q

from feeds.models import FeedItem, Follow
from feeds.selectors import follower_count, is_following, visible_items
from sopsocial.subjects.models import Subject
from sopsocial.tenancy.models import Membership, Team

from .models import Decision, Task, TaskStatus, TeamDefaultFollow

RECENT = 10


@dataclass(frozen=True)
class PersonPage:
    person: Membership
    teams: list[Team]
    posts: list[FeedItem]
    decisions: list[Decision]
    completed_tasks: list[Task]
    following: bool
    followers: int


def person_page(viewer: Membership, person: Membership) -> PersonPage:
    """What `viewer` may see of `person`: their teams, their latest posts the viewer may read, the
    decisions they own and the tasks they completed. A partner user sees decisions on subjects shared
    with their partner and only the tasks assigned to themselves on such subjects."""
    posts = (
        visible_items(viewer)
        .filter(kind=FeedItem.Kind.POST, author_id=person.user_id, deleted_at__isnull=True)
        .select_related("subject", "tenant")
        .order_by("-created", "-id")[:RECENT]
    )
    decisions = Decision.objects.filter(tenant_id=viewer.tenant_id, owner=person).select_related("tenant")
    tasks = Task.objects.filter(
        tenant_id=viewer.tenant_id, status=TaskStatus.DONE, completed_by_id=person.user_id
    ).select_related("tenant")
    if viewer.is_external:
        decisions = decisions.filter(subject__shares__partner_id=viewer.partner_id)  # type: ignore[misc]  # external: partner_id is set
        tasks = tasks.filter(assignee_member=viewer, about__shares__partner_id=viewer.partner_id)  # type: ignore[misc]
    subject = person.subject
    return PersonPage(
        person=person,
        teams=list(person.teams.order_by("name")) if not viewer.is_external else [],
        posts=list(posts),
        decisions=list(decisions.order_by("status", "due_on", "-created")[:RECENT]),
        completed_tasks=list(tasks.order_by("-completed_at", "-id")[:RECENT]),
        following=subject is not None and is_following(viewer.user, subject),
        followers=follower_count(subject) if subject is not None else 0,
    )


def teams_of(tenant_id: int) -> list[Team]:
    """The tenant's teams with `n_members` (active) and `n_defaults` (default follows), one query."""
    return list(
        Team.objects.filter(tenant_id=tenant_id)
        .annotate(
            n_members=Count("memberships", filter=Q(memberships__member__is_active=True), distinct=True),
            n_defaults=Count("default_follows", distinct=True),
        )
        .order_by("name")
    )


@dataclass(frozen=True)
class TeamRow:
    """A member of a team and which of its default follows they follow now."""

    member: Membership
    follows: list[bool]  # one per TeamPage.defaults, in order


@dataclass(frozen=True)
class TeamPage:
    team: Team
    defaults: list[Subject]
    rows: list[TeamRow]
    candidates: list[Membership]  # active members not in the team, for the "add" picker


def team_page(team: Team) -> TeamPage:
    """The team's members (active first, by name), its default follows and who follows which: four
    queries whatever the size of the team."""
    members = list(
        Membership.objects.filter(team_memberships__team=team)
        .select_related("user", "partner", "subject")
        .order_by("-is_active", "user__first_name", "user__username")
    )
    defaults = list(
        Subject.objects.filter(pk__in=team.default_follows.values("subject_id"))
        .select_related("tenant")
        .order_by("title")
    )
    followed = set(
        Follow.objects.filter(
            user_id__in=[m.user_id for m in members], subject_id__in=[s.pk for s in defaults]
        ).values_list("user_id", "subject_id")
    )
    candidates = list(
        Membership.objects.filter(tenant_id=team.tenant_id, is_active=True)
        .exclude(team_memberships__team=team)
        .select_related("user", "partner")
        .order_by("user__first_name", "user__username")
    )
    rows = [TeamRow(member=m, follows=[(m.user_id, s.pk) in followed for s in defaults]) for m in members]
    return TeamPage(team=team, defaults=defaults, rows=rows, candidates=candidates)


@dataclass(frozen=True)
class TeamFollow:
    """A default follow of one of the member's teams: where that follow of theirs came from."""

    subject: Subject
    teams: list[Team]
    following: bool  # whether they still follow it (they may have dropped it)


def follows_from_teams(member: Membership) -> list[TeamFollow]:
    """The default follows of the member's teams, each with its teams and whether the member still
    follows it: two queries."""
    subjects: dict[int, Subject] = {}
    teams: dict[int, list[Team]] = {}
    for d in TeamDefaultFollow.objects.filter(team__memberships__member=member).select_related(
        "team", "subject__tenant"
    ):
        subjects[d.subject_id] = d.subject
        teams.setdefault(d.subject_id, []).append(d.team)
    if not subjects:
        return []
    followed = set(
        Follow.objects.filter(user_id=member.user_id, subject_id__in=list(subjects)).values_list(
            "subject_id", flat=True
        )
    )
    return [
        TeamFollow(subject=s, teams=sorted(teams[s.pk], key=lambda t: t.name), following=s.pk in followed)
        for s in sorted(subjects.values(), key=lambda s: s.title)
    ]
