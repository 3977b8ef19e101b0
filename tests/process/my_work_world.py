"""A tenant with `n` rows in every section of Sam's My work (and some that must stay out), for the
section and query-count tests."""

import datetime as dt

from django.db import transaction

from feeds.actions import do_create_system_item, do_follow
from feeds.models import FeedItem, Notification
from planning.actions.versions import check_transition
from process.models import DecisionStatus, TaskStatus
from sopsocial.subjects.actions import create_subject
from sopsocial.tenancy.models import Team, TeamMembership

from ..alerts.factories import make_alert, make_rule
from ..factories import MembershipFactory
from ..planning.factories import make_version
from .factories import make_decision, make_task

TODAY = dt.date(2026, 11, 25)


def alert_item(alert):
    """The alert's feed item, as the evaluator writes it (placed on its subject and ancestors)."""
    return do_create_system_item(
        tenant=alert.tenant,
        subject=alert.subject,
        verb="alert.new",
        text=alert.title,
        kind=FeedItem.Kind.ALERT,
        data={"alert_id": alert.pk, "severity": alert.severity},
    )


def build(tenant, n):
    """Sam (executive) with n rows per section; Priya (planner) writes; Vic gets the noise."""
    sam = MembershipFactory(tenant=tenant, role="executive", user__username="sam", user__first_name="Sam")
    priya = MembershipFactory(tenant=tenant, role="planner", user__username="priya", user__first_name="Priya")
    vic = MembershipFactory(tenant=tenant, role="viewer", user__username="vic")
    team = Team.objects.create(tenant=tenant, name="Executive team", handle="exec")
    TeamMembership.objects.create(tenant=tenant, team=team, member=sam)
    rule = make_rule(tenant, severity="high")
    low_rule = make_rule(tenant, name="Small dip", severity="low")
    with transaction.atomic():
        for i in range(n):
            # tasks: mine and my team's; not Vic's, not done ones
            make_task(tenant, title=f"Mine {i}", assignee_member=sam, due_on=TODAY + dt.timedelta(days=i - 1))
            make_task(tenant, title=f"Team {i}", assignee_team=team)
            make_task(tenant, title=f"Vic's {i}", assignee_member=vic)
            make_task(tenant, title=f"Done {i}", assignee_member=sam, status=TaskStatus.DONE)
            # approvals: submitted versions (no phase owns the plan, so every approver)
            check_transition(priya, make_version(tenant), "submit")
            # alerts: one assigned to me, one high and open on a product I follow, one low on it
            product = create_subject(tenant=tenant, kind="product", title=f"Product {i}")
            do_follow(sam, product)
            mine = make_alert(rule, key=f"mine{i}", title=f"Assigned {i}")
            mine.owner = sam.user
            mine.save(update_fields=["owner"])
            alert_item(make_alert(rule, subject=product, key=f"followed{i}", title=f"Followed {i}"))
            alert_item(make_alert(low_rule, subject=product, key=f"low{i}", title=f"Low {i}"))
            # mentions: one unanswered
            post = FeedItem.objects.create(
                tenant=tenant,
                kind=FeedItem.Kind.POST,
                subject=product,
                author=priya.user,
                body=f"@sam look {i}",
            )
            Notification.objects.create(
                tenant=tenant, user=sam.user, item=post, actor=priya.user, verb="mention"
            )
            # decisions: due soon, and one far off that stays out
            make_decision(tenant, question=f"Soon {i}?", owner=sam, due_on=TODAY + dt.timedelta(days=3))
            make_decision(tenant, question=f"Later {i}?", owner=sam, due_on=TODAY + dt.timedelta(days=30))
            make_decision(tenant, question=f"Decided {i}?", owner=sam, status=DecisionStatus.DECIDED)
    return sam, priya, vic
