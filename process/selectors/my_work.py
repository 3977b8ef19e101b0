"""Reads of the process app that views, the navigation and the API share.

`my_work(member)`: the single point, one person's work in five sections, in a fixed number of queries
whatever the number of rows; `my_work_count(member)`: the same rows counted in one query, for the
navigation badge.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from typing import Any, ClassVar

from django.db import connection
from django.db.models import CharField, Exists, F, OuterRef, Q, QuerySet, Sum
from django.db.models.expressions import RawSQL
from django.db.models.fields.json import KeyTextTransform
from django.db.models.functions import Cast
from django.utils import timezone

from alerts.models import LIVE_STATUSES, Alert, AlertStatus, AlertSubject, Severity
from feeds.models import Comment, FeedItem, FeedItemSubject, Follow, Notification, Reaction
from planning.models import PlanEntry, PlanVersion, Product, VersionStatus
from planning.selectors import compare_versions
from sopsocial.tenancy.models import Membership, TeamMembership

from ..approvals import approver_roles, pairs_sql
from ..models import Absence, CyclePhase, Decision, DecisionStatus, PhaseStatus, Task
from ..models.tasks import OPEN_TASK_STATUSES

# Each section shows at most this many rows (the count in the navigation counts them all).
SECTION_ROWS = 100
# Decisions I own show when due within this many days, overdue or undated.
DECISION_DUE_DAYS = 7
MENTION_VERBS = (Notification.Verb.MENTION, Notification.Verb.FORWARD)


@dataclass(frozen=True)
class TaskRow:
    task: Task
    overdue: bool
    via_team: bool  # assigned to a team I am in
    covering_for: Membership | None = None  # assigned to someone away whose stand-in I am


@dataclass(frozen=True)
class AlertRow:
    alert: Alert
    assigned: bool  # assigned to me (else: a high alert on something I follow)


@dataclass(frozen=True)
class DecisionRow:
    decision: Decision
    overdue: bool


@dataclass(frozen=True)
class PhaseRow:
    phase: CyclePhase
    late: bool
    via_team: bool  # owned by a team I am in


@dataclass(frozen=True)
class MyWork:
    """One person's work: each section ordered as the page shows it."""

    today: dt.date
    tasks: tuple[TaskRow, ...] = ()
    approvals: tuple[PlanVersion, ...] = ()
    alerts: tuple[AlertRow, ...] = ()
    mentions: tuple[Notification, ...] = ()
    decisions: tuple[DecisionRow, ...] = ()
    phases: tuple[PhaseRow, ...] = ()

    SECTIONS: ClassVar[tuple[str, ...]] = ("phases", "tasks", "approvals", "alerts", "mentions", "decisions")

    @property
    def count(self) -> int:
        return (
            len(self.tasks)
            + len(self.approvals)
            + len(self.alerts)
            + len(self.mentions)
            + len(self.decisions)
            + len(self.phases)
        )


# --- the five sections as querysets (shared by the page and the count) ------------------------------


def my_tasks(member: Membership, today: dt.date) -> QuerySet[Task]:
    """Open tasks assigned to the member, to a team they belong to, or to someone away today for whom
    they stand in (tasks reach a stand-in when made, and those made before the absence meanwhile), by
    due date (undated last)."""
    my_team = TeamMembership.objects.filter(member=member, team_id=OuterRef("assignee_team_id"))
    covering = Absence.objects.filter(
        member_id=OuterRef("assignee_member_id"), stand_in=member, starts_on__lte=today, ends_on__gte=today
    )
    return (
        Task.objects.filter(tenant_id=member.tenant_id, status__in=OPEN_TASK_STATUSES)
        .annotate(via_my_team=Exists(my_team), covering_absence=Exists(covering))
        .filter(Q(assignee_member=member) | Q(via_my_team=True) | Q(covering_absence=True))
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def my_approvals(member: Membership, today: dt.date) -> QuerySet[PlanVersion]:
    """Submitted versions waiting for this member's approval (`process.approvals`), oldest first."""
    if member.is_external or member.role not in approver_roles():
        return PlanVersion.objects.none()
    sql, params = pairs_sql(member.tenant, member_id=member.pk, day=today)
    positional_sql, positional = _positional(f"SELECT version_id FROM ({sql}) approver_pairs", params)  # noqa: S608
    return PlanVersion.objects.filter(pk__in=RawSQL(positional_sql, positional)).order_by(
        F("submitted_at").asc(nulls_last=True), "id"
    )


def my_alerts(member: Membership) -> QuerySet[Alert]:
    """Live alerts assigned to the member, and open (unacknowledged) high alerts on subjects they follow
    directly or through an ancestor. The ancestors are read as feeds reads them: an alert's feed item is
    placed on its subjects and all their ancestors when it is written, so a follow of any placement is a
    follow of the alert."""
    if member.is_external:
        return Alert.objects.none()
    followed = FeedItemSubject.objects.annotate(alert_ref=KeyTextTransform("alert_id", "item__data")).filter(
        tenant_id=member.tenant_id,
        item__kind=FeedItem.Kind.ALERT,
        alert_ref=Cast(OuterRef("pk"), CharField()),
        subject_id__in=Follow.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id).values(
            "subject_id"
        ),
    )
    return (
        Alert.objects.filter(tenant_id=member.tenant_id)
        .filter(
            Q(owner_id=member.user_id, status__in=LIVE_STATUSES)
            | Q(severity=Severity.HIGH, status=AlertStatus.OPEN) & Exists(followed)
        )
        .order_by("-raised_at", "-id")
    )


def my_mentions(member: Membership) -> QuerySet[Notification]:
    """Mentions of the member and posts forwarded to them that they have not answered yet, newest first.

    Answered means: after the notification, the member commented on its item (for a forward: on the
    forwarded post), reacted to it, or posted on the item's subject. Deleted items drop out."""
    later = {"created__gt": OuterRef("created")}
    # a forward is answered on the post it forwards (a forward itself takes no comments)
    on_item = Q(item_id=OuterRef("item_id")) | Q(item_id=OuterRef("item__forwarded_item_id"))
    commented = Comment.objects.filter(on_item, author_id=member.user_id, deleted_at__isnull=True, **later)
    reacted = Reaction.objects.filter(on_item, user_id=member.user_id, **later)
    posted = FeedItem.objects.filter(
        tenant_id=member.tenant_id,
        kind=FeedItem.Kind.POST,
        subject_id=OuterRef("item__subject_id"),
        author_id=member.user_id,
        deleted_at__isnull=True,
        **later,
    )
    return (
        Notification.objects.filter(
            tenant_id=member.tenant_id,
            user_id=member.user_id,
            verb__in=MENTION_VERBS,
            item__deleted_at__isnull=True,
        )
        .exclude(Exists(commented) | Exists(reacted) | Exists(posted))
        .order_by("-created", "-id")
    )


def my_decisions(member: Membership, today: dt.date) -> QuerySet[Decision]:
    """Open decisions the member owns that are due within a week, overdue or undated; soonest first."""
    return (
        Decision.objects.filter(tenant_id=member.tenant_id, owner=member, status=DecisionStatus.OPEN)
        .filter(Q(due_on__isnull=True) | Q(due_on__lte=today + dt.timedelta(days=DECISION_DUE_DAYS)))
        .order_by(F("due_on").asc(nulls_last=True), "id")
    )


def my_phases(member: Membership, today: dt.date) -> QuerySet[CyclePhase]:
    """Cycle phases I own (in person or through a team) that are running and not closed: started, or
    due to have started by today. Their owner closes them, from here, once their criteria are met."""
    if member.is_external:
        return CyclePhase.objects.none()
    my_teams = TeamMembership.objects.filter(member=member).values("team_id")
    return (
        CyclePhase.objects.filter(tenant_id=member.tenant_id)
        .exclude(status=PhaseStatus.DONE)
        .filter(Q(status=PhaseStatus.IN_PROGRESS) | Q(starts_on__lte=today))
        .filter(Q(owner_member=member) | Q(owner_team_id__in=my_teams))
        .order_by("due_on", "position", "id")
    )


# --- the page and the badge -------------------------------------------------------------------------


def my_work(member: Membership, today: dt.date | None = None) -> MyWork:
    """The member's work, each section loaded with what its rows show: five queries whatever the number
    of rows (one per section: phases, tasks, approvals, alerts, mentions, decisions)."""
    today = today or timezone.localdate()
    tasks = list(
        my_tasks(member, today).select_related(
            "assignee_member__user", "assignee_team", "phase", "about", "standing_in_for__user"
        )[:SECTION_ROWS]
    )
    approvals = list(
        my_approvals(member, today).select_related("plan", "cycle", "subject", "based_on")[:SECTION_ROWS]
    )
    alerts = list(my_alerts(member).select_related("subject")[:SECTION_ROWS])
    mentions = list(my_mentions(member).select_related("item__subject", "actor")[:SECTION_ROWS])
    decisions = list(my_decisions(member, today).select_related("cycle__plan_cycle")[:SECTION_ROWS])
    phases = list(my_phases(member, today).select_related("cycle__plan_cycle", "owner_team")[:SECTION_ROWS])
    return MyWork(
        today=today,
        phases=tuple(
            PhaseRow(phase=p, late=p.is_late(today), via_team=p.owner_team_id is not None) for p in phases
        ),
        tasks=tuple(
            TaskRow(
                task=t,
                overdue=t.is_overdue(today),
                via_team=t.assignee_team_id is not None,
                covering_for=(
                    t.assignee_member
                    if t.assignee_member_id not in (None, member.pk) and getattr(t, "covering_absence", False)
                    else None
                ),
            )
            for t in tasks
        ),
        approvals=tuple(approvals),
        alerts=tuple(AlertRow(alert=a, assigned=a.owner_id == member.user_id) for a in alerts),
        mentions=tuple(mentions),
        decisions=tuple(
            DecisionRow(decision=d, overdue=d.due_on is not None and d.due_on < today) for d in decisions
        ),
    )


def my_work_count(member: Membership, today: dt.date | None = None) -> int:
    """How many rows `my_work` has (every row, not only those a section shows), in ONE query: each
    section's count as a scalar subquery of a single SELECT."""
    today = today or timezone.localdate()
    parts: list[str] = []
    params: list[Any] = []
    for queryset in (
        my_phases(member, today),
        my_tasks(member, today),
        my_approvals(member, today),
        my_alerts(member),
        my_mentions(member),
        my_decisions(member, today),
    ):
        if queryset.query.is_empty():
            continue
        sql, qparams = queryset.order_by().values("pk").query.sql_with_params()
        parts.append(f"(SELECT COUNT(*) FROM ({sql}) AS section)")  # noqa: S608 - ORM-compiled, bound values
        params.extend(qparams)
    if not parts:
        return 0
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + " + ".join(parts), params)  # noqa: S608 - ORM-compiled, bound values
        row = cursor.fetchone()
    return int(row[0]) if row else 0


_NAMED = re.compile(r"%\((\w+)\)s")


def _positional(sql: str, params: dict[str, Any]) -> tuple[str, list[Any]]:
    """Named `%(x)s` placeholders as positional `%s` (what the ORM's raw expressions take)."""
    values: list[Any] = []

    def replace(match: re.Match[str]) -> str:
        values.append(params[match.group(1)])
        return "%s"

    return _NAMED.sub(replace, sql), values


# --- approving a version: what the approver sees before confirming -----------------------------------

APPROVAL_CHANGE_ROWS = 8
APPROVAL_ALERT_ROWS = 10


@dataclass(frozen=True)
class ChangeRow:
    product: str
    week: dt.date
    new: float
    base: float

    @property
    def delta(self) -> float:
        return self.new - self.base


@dataclass(frozen=True)
class ApprovalPreview:
    """A submitted version against the plan's published version (or the version it was based on):
    totals, the largest changes per product and week, and the open alerts on it or its products."""

    version: PlanVersion
    base: PlanVersion | None
    total_new: float = 0.0
    total_base: float = 0.0
    changed_cells: int = 0
    changes: tuple[ChangeRow, ...] = ()
    alerts: tuple[Alert, ...] = ()

    @property
    def total_delta(self) -> float:
        return self.total_new - self.total_base

    @property
    def total_delta_pct(self) -> float | None:
        return None if not self.total_base else 100.0 * self.total_delta / self.total_base


def comparison_base(version: PlanVersion) -> PlanVersion | None:
    """What an approver compares a version with: the plan's published version, else its based_on."""
    published = (
        PlanVersion.objects.filter(plan_id=version.plan_id, status=VersionStatus.PUBLISHED)
        .exclude(pk=version.pk)
        .first()
    )
    return published or version.based_on


def approval_preview(version: PlanVersion, *, changes: int = APPROVAL_CHANGE_ROWS) -> ApprovalPreview:
    base = comparison_base(version)
    product_subjects = PlanEntry.objects.filter(version=version).values("product__subject_id")
    alerts = tuple(
        Alert.objects.filter(tenant_id=version.tenant_id, status__in=LIVE_STATUSES)
        .filter(
            Exists(
                AlertSubject.objects.filter(alert_id=OuterRef("pk")).filter(
                    Q(subject_id=version.subject_id) | Q(subject_id__in=product_subjects)
                )
            )
        )
        .order_by("-raised_at", "-id")[:APPROVAL_ALERT_ROWS]
    )
    if base is None:
        total = PlanEntry.objects.filter(version=version).aggregate(total=Sum("qty"))["total"] or 0
        return ApprovalPreview(version=version, base=None, total_new=float(total), alerts=alerts)
    delta, _dims = compare_versions(version, base)
    if delta.empty:
        return ApprovalPreview(version=version, base=base, alerts=alerts)
    by_week = delta.groupby(["product_id", "week"], as_index=False)[["qty", "qty_prev"]].sum()
    by_week["abs_delta"] = (by_week["qty"] - by_week["qty_prev"]).abs()
    largest = by_week[by_week["abs_delta"] > 0].sort_values("abs_delta", ascending=False).head(changes)
    names = dict(Product.objects.filter(pk__in=list(largest["product_id"])).values_list("pk", "name"))
    return ApprovalPreview(
        version=version,
        base=base,
        total_new=float(delta["qty"].sum()),
        total_base=float(delta["qty_prev"].sum()),
        changed_cells=int(delta["changed"].sum()),
        changes=tuple(
            ChangeRow(
                product=names.get(int(r.product_id), "?"),
                week=r.week.date() if hasattr(r.week, "date") else r.week,
                new=float(r.qty),
                base=float(r.qty_prev),
            )
            for r in largest.itertuples()
        ),
        alerts=alerts,
    )
