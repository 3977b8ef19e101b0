"""Builders for the people and teams tests: members with their person subject (as every real way in
makes them), teams written straight to the table."""

from sopsocial.subjects.actions import create_subject
from sopsocial.tenancy.actions import ensure_person_subject
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import MembershipFactory, UserFactory


def person(tenant, username=None, first_name="", role="planner", **kwargs):
    user = UserFactory(
        **({"username": username} if username else {}), **({"first_name": first_name} if first_name else {})
    )
    m = MembershipFactory(tenant=tenant, user=user, role=role, **kwargs)
    ensure_person_subject(m)
    return m


def team(tenant, name="Demand planning", handle="demand-planning", members=()):
    t = Team.objects.create(tenant=tenant, name=name, handle=handle)
    for m in members:
        TeamMembership.objects.create(tenant=tenant, team=t, member=m)
    return t


def subject(tenant, title="Contoso Retail", kind="customer"):
    return create_subject(tenant=tenant, kind=kind, title=title)
