"""Who approves a submitted plan version: the one rule, read by My work, its navigation count and the
approval requests sent when a version is submitted.

The rule, for a version in status "submitted":
1. If the version's cycle has an S&OP phase that locks the version's plan type and has an owner (a
   person, a team, or both), the approvers are those owners (every member of an owning team), each
   replaced by their stand-in while away (`process.standins.receiver_for`: the stand-in of the latest
   absence covering the day, when that stand-in is active), kept only when they are active internal
   members holding `Perm.APPROVE_VERSIONS`.
2. Otherwise (no such phase, or none of its owners' receivers may approve, so that a version never
   waits on nobody) every active internal member holding `Perm.APPROVE_VERSIONS` approves.
3. With the tenant's four-eyes setting on, the person who submitted the version (the actor of its
   latest `version.submit` audit event, `planning.actions.versions.submitter_id`) is never an approver.

It is one SQL statement (`_PAIRS`) giving (version, member) pairs, filtered by version or by member,
so that the page, the navigation count and the notifications cannot disagree, and each costs one query.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import connection
from django.utils import timezone

from feeds.actions import notify_users
from feeds.models import FeedItem, Notification
from planning.models import Plan, PlanVersion, VersionStatus
from planning.verbs import PlanningVerb
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Membership, TeamMembership, Tenant
from sopsocial.tenancy.policy import GRANTS, Perm

from .models import Absence, CyclePhase, SopCycle


def approver_roles() -> list[str]:
    """The roles whose internal members hold APPROVE_VERSIONS (from the one role table)."""
    return sorted(role for role, perms in GRANTS.items() if Perm.APPROVE_VERSIONS in perms)


def _tables() -> dict[str, str]:
    return {
        "version": PlanVersion._meta.db_table,
        "plan": Plan._meta.db_table,
        "sopcycle": SopCycle._meta.db_table,
        "phase": CyclePhase._meta.db_table,
        "teammember": TeamMembership._meta.db_table,
        "absence": Absence._meta.db_table,
        "membership": Membership._meta.db_table,
        "audit": AuditEvent._meta.db_table,
    }


# {version_filter}, {roles} and {four_eyes} are filled by `pairs_sql` with constant SQL; every value is
# a bound parameter. Plain SQL that PostgreSQL and SQLite both run (CTEs, scalar subqueries, UNION).
_PAIRS = """
WITH submitted AS (
    SELECT v.id AS version_id, v.cycle_id AS plan_cycle_id, pl.plan_type AS plan_type,
        (SELECT ae.actor_id FROM {audit} ae
         WHERE ae.tenant_id = v.tenant_id AND ae.subject_id = v.subject_id AND ae.verb = %(submit_verb)s
         ORDER BY ae.seq DESC LIMIT 1) AS submitter_id
    FROM {version} v JOIN {plan} pl ON pl.id = v.plan_id
    WHERE v.tenant_id = %(tenant)s AND v.status = %(submitted)s {version_filter}
),
owning AS (
    SELECT s.version_id, p.owner_member_id, p.owner_team_id
    FROM submitted s
    JOIN {sopcycle} c ON c.plan_cycle_id = s.plan_cycle_id
    JOIN {phase} p ON p.cycle_id = c.id AND p.locks_plan_type = s.plan_type
    WHERE p.owner_member_id IS NOT NULL OR p.owner_team_id IS NOT NULL
),
owners AS (
    SELECT o.version_id, o.owner_member_id AS member_id FROM owning o WHERE o.owner_member_id IS NOT NULL
    UNION
    SELECT o.version_id, tm.member_id FROM owning o JOIN {teammember} tm ON tm.team_id = o.owner_team_id
),
away AS (
    SELECT ow.version_id, ow.member_id,
        (SELECT a.stand_in_id FROM {absence} a
         WHERE a.member_id = ow.member_id AND a.starts_on <= %(day)s AND a.ends_on >= %(day)s
         ORDER BY a.created DESC, a.id DESC LIMIT 1) AS stand_in_id
    FROM owners ow
),
receivers AS (
    SELECT aw.version_id,
        CASE WHEN si.is_active = %(true)s THEN aw.stand_in_id ELSE aw.member_id END AS member_id
    FROM away aw LEFT JOIN {membership} si ON si.id = aw.stand_in_id
),
eligible AS (
    SELECT m.id AS member_id, m.user_id AS user_id FROM {membership} m
    WHERE m.tenant_id = %(tenant)s AND m.is_active = %(true)s AND m.partner_id IS NULL
      AND m.role IN ({roles})
),
owner_approvers AS (
    SELECT r.version_id, e.member_id, e.user_id FROM receivers r JOIN eligible e ON e.member_id = r.member_id
),
pairs AS (
    SELECT version_id, member_id, user_id FROM owner_approvers
    UNION
    SELECT s.version_id, e.member_id, e.user_id FROM submitted s, eligible e
    WHERE NOT EXISTS (SELECT 1 FROM owner_approvers oa WHERE oa.version_id = s.version_id)
)
SELECT pr.version_id, pr.member_id FROM pairs pr JOIN submitted s ON s.version_id = pr.version_id
WHERE {four_eyes} {member_filter}
"""


def pairs_sql(
    tenant: Tenant,
    *,
    version_id: int | None = None,
    member_id: int | None = None,
    day: dt.date | None = None,
) -> tuple[str, dict[str, Any]]:
    """The (version_id, member_id) approver pairs of the tenant's submitted versions, as SQL and its
    parameters (to run, or to embed as a subquery): optionally for one version or one member."""
    roles = approver_roles()
    params: dict[str, Any] = {
        "tenant": tenant.pk,
        "submitted": VersionStatus.SUBMITTED.value,
        "submit_verb": PlanningVerb.VERSION_SUBMIT.value,
        "day": day or timezone.localdate(),
        "true": True,
        **{f"role{i}": role for i, role in enumerate(roles)},
    }
    if version_id is not None:
        params["version"] = version_id
    if member_id is not None:
        params["member"] = member_id
    sql = _PAIRS.format(
        **_tables(),
        version_filter="AND v.id = %(version)s" if version_id is not None else "",
        member_filter="AND pr.member_id = %(member)s" if member_id is not None else "",
        roles=", ".join(f"%(role{i})s" for i in range(len(roles))) or "NULL",
        four_eyes=(
            "(s.submitter_id IS NULL OR s.submitter_id <> pr.user_id)" if tenant.four_eyes else "1 = 1"
        ),
    )
    return sql, params


def _run(sql: str, params: dict[str, Any]) -> list[tuple[int, int]]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [(int(v), int(m)) for v, m in cursor.fetchall()]


def approvers_for(version: PlanVersion, day: dt.date | None = None) -> list[Membership]:
    """The members who may approve `version` now (empty unless it is submitted). One query for the
    rule, one for the members."""
    sql, params = pairs_sql(version.tenant, version_id=version.pk, day=day)
    member_ids = {m for _, m in _run(sql, params)}
    if not member_ids:
        return []
    return list(Membership.objects.filter(pk__in=member_ids).select_related("user").order_by("pk"))


def approvable_version_ids(member: Membership, day: dt.date | None = None) -> list[int]:
    """The submitted versions of the member's tenant waiting for this member's approval (one query;
    none when the member may not approve at all)."""
    if member.is_external or member.role not in approver_roles():
        return []
    sql, params = pairs_sql(member.tenant, member_id=member.pk, day=day)
    return sorted({v for v, _ in _run(sql, params)})


def request_approval(*, version: PlanVersion, item: FeedItem, member: Membership) -> None:
    """`planning.hooks.on_version_submitted`: ring the bell (and e-mail, by preference) of everyone who
    may approve the version now, on the submit's feed item. Runs in the submit's transaction."""
    user_ids = [approver.user_id for approver in approvers_for(version)]
    notify_users(item, user_ids, Notification.Verb.APPROVAL, member.user)
