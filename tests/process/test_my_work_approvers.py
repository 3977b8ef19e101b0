"""Who approves a submitted version (process.approvals): the phase owner or team, stand-ins while away,
everyone who may approve when no phase owns the plan, never the submitter under four eyes; and the bell
rings for exactly them when the version is submitted."""

import datetime as dt

import pytest

from feeds.models import Notification
from planning.actions.versions import check_transition
from planning.models import PlanType
from process.approvals import approvable_version_ids, approvers_for
from process.models import Absence
from process.selectors import my_work
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import MembershipFactory, PartnerFactory
from ..planning.factories import make_version
from .factories import make_cycle, make_phase

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 11, 25)


@pytest.fixture
def people(tenant):
    return {
        "priya": MembershipFactory(tenant=tenant, role="planner", user__first_name="Priya"),
        "sam": MembershipFactory(tenant=tenant, role="executive", user__first_name="Sam"),
        "ada": MembershipFactory(tenant=tenant, role="admin", user__first_name="Ada"),
        "vic": MembershipFactory(tenant=tenant, role="viewer", user__first_name="Vic"),
        "partner": MembershipFactory(
            tenant=tenant, role="admin", partner=PartnerFactory(tenant=tenant), user__first_name="Pat"
        ),
    }


def _submitted(tenant, submitter, plan_type=PlanType.DEMAND):
    version = make_version(tenant, plan_type)
    return check_transition(submitter, version, "submit")


def _names(members):
    return sorted(m.user.first_name for m in members)


def _agrees_with_my_work(version, members):
    """The page (and the count) read the same rule: each member sees the version iff they approve it."""
    approvers = {m.pk for m in approvers_for(version, day=TODAY)}
    for member in members:
        assert (version.pk in approvable_version_ids(member, day=TODAY)) == (member.pk in approvers)
        assert (version in my_work(member, today=TODAY).approvals) == (member.pk in approvers)


def test_without_an_owning_phase_everyone_who_may_approve_approves(tenant, people):
    version = _submitted(tenant, people["priya"])
    # the viewer lacks the permission; a partner's user never approves
    assert _names(approvers_for(version, day=TODAY)) == ["Ada", "Priya", "Sam"]
    _agrees_with_my_work(version, people.values())


def test_four_eyes_keeps_the_submitter_out(tenant, people):
    tenant.four_eyes = True
    tenant.save(update_fields=["four_eyes"])
    version = _submitted(tenant, people["priya"])
    assert _names(approvers_for(version, day=TODAY)) == ["Ada", "Sam"]
    _agrees_with_my_work(version, people.values())


def test_the_owner_of_the_phase_that_locks_the_plan_approves_it(tenant, people):
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    make_phase(cycle, key="demand-review", locks_plan_type=PlanType.DEMAND, owner_member=people["sam"])
    make_phase(cycle, key="supply-review", name="Supply review", position=3, locks_plan_type=PlanType.SUPPLY)
    demand = _submitted(tenant, people["priya"])
    supply = _submitted(tenant, people["priya"], PlanType.SUPPLY)
    assert _names(approvers_for(demand, day=TODAY)) == ["Sam"]
    # the supply phase has no owner: everyone who may approve does
    assert _names(approvers_for(supply, day=TODAY)) == ["Ada", "Priya", "Sam"]
    _agrees_with_my_work(demand, people.values())
    _agrees_with_my_work(supply, people.values())


def test_an_owning_team_approves_through_its_members_who_may(tenant, people):
    team = Team.objects.create(tenant=tenant, name="Executive team", handle="exec")
    for name in ("sam", "vic"):
        TeamMembership.objects.create(tenant=tenant, team=team, member=people[name])
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    make_phase(cycle, locks_plan_type=PlanType.DEMAND, owner_team=team)
    version = _submitted(tenant, people["priya"])
    assert _names(approvers_for(version, day=TODAY)) == ["Sam"]  # Vic, a viewer, may not approve
    _agrees_with_my_work(version, people.values())


def test_an_owner_away_is_replaced_by_their_stand_in_while_away(tenant, people):
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    make_phase(cycle, locks_plan_type=PlanType.DEMAND, owner_member=people["sam"])
    Absence.objects.create(
        tenant=tenant,
        member=people["sam"],
        stand_in=people["ada"],
        starts_on=TODAY,
        ends_on=TODAY + dt.timedelta(days=3),
    )
    version = _submitted(tenant, people["priya"])
    assert _names(approvers_for(version, day=TODAY)) == ["Ada"]
    assert _names(approvers_for(version, day=TODAY + dt.timedelta(days=4))) == ["Sam"]  # back
    assert _names(approvers_for(version, day=TODAY - dt.timedelta(days=1))) == ["Sam"]  # not yet away
    _agrees_with_my_work(version, people.values())


def test_a_stand_in_who_may_not_approve_leaves_it_to_everyone_who_may(tenant, people):
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    make_phase(cycle, locks_plan_type=PlanType.DEMAND, owner_member=people["sam"])
    Absence.objects.create(
        tenant=tenant, member=people["sam"], stand_in=people["vic"], starts_on=TODAY, ends_on=TODAY
    )
    version = _submitted(tenant, people["priya"])
    # the version never waits on nobody
    assert _names(approvers_for(version, day=TODAY)) == ["Ada", "Priya", "Sam"]


def test_an_inactive_stand_in_does_not_receive(tenant, people):
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    make_phase(cycle, locks_plan_type=PlanType.DEMAND, owner_member=people["sam"])
    Absence.objects.create(
        tenant=tenant, member=people["sam"], stand_in=people["ada"], starts_on=TODAY, ends_on=TODAY
    )
    people["ada"].is_active = False
    people["ada"].save(update_fields=["is_active"])
    version = _submitted(tenant, people["priya"])
    assert _names(approvers_for(version, day=TODAY)) == ["Sam"]


def test_only_submitted_versions_have_approvers(tenant, people):
    draft = make_version(tenant)
    assert approvers_for(draft, day=TODAY) == []
    approved = check_transition(people["ada"], _submitted(tenant, people["priya"]), "approve")
    assert approvers_for(approved, day=TODAY) == []


def test_submitting_rings_the_bell_of_its_approvers_only(tenant, people):
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    make_phase(cycle, locks_plan_type=PlanType.DEMAND, owner_member=people["sam"])
    version = _submitted(tenant, people["priya"])
    rung = Notification.objects.filter(verb=Notification.Verb.APPROVAL, item__subject=version.subject)
    assert [n.user_id for n in rung] == [people["sam"].user_id]
    assert rung[0].actor_id == people["priya"].user_id
    assert rung[0].item.verb == "plan submit"


def test_the_submitter_is_not_asked_to_approve_their_own_version(tenant, people):
    version = _submitted(tenant, people["priya"])
    asked = set(
        Notification.objects.filter(
            verb=Notification.Verb.APPROVAL, item__subject=version.subject
        ).values_list("user_id", flat=True)
    )
    # everyone who may approve, but the actor never notifies themselves
    assert asked == {people["sam"].user_id, people["ada"].user_id}
