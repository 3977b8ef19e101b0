"""The demo's meeting: scheduled with its agenda and two decisions in the register; a second run
changes nothing."""

import io

import pytest

from process import meeting_demo
from process.models import Decision, DecisionStatus, Meeting

from ..factories import MembershipFactory, UserFactory
from .factories import make_cycle, make_phase
from .meeting_world import TODAY

pytestmark = pytest.mark.django_db


def test_the_demo_schedules_the_executive_meeting_with_its_agenda_and_two_decisions():
    priya = MembershipFactory(role="planner", user=UserFactory(username="priya", first_name="Priya"))
    tenant = priya.tenant
    for username, role in (("sam", "executive"), ("dana", "planner"), ("morgan", "admin")):
        MembershipFactory(tenant=tenant, role=role, user=UserFactory(username=username))
    cycle = make_cycle(tenant)
    phase = make_phase(cycle, key="executive-sop", name="Executive S&OP", days=(20, 24))
    out = io.StringIO()

    meeting = meeting_demo.load(cycle, phase, out, today=TODAY)

    assert meeting.phase == phase and meeting.attendees.count() == 3
    assert sorted(Decision.objects.values_list("status", flat=True)) == [
        DecisionStatus.DECIDED,
        DecisionStatus.OPEN,
    ]
    assert meeting.agenda.filter(kind="decision", title__contains="York promotion").exists()
    assert meeting_demo.load(cycle, phase, out, today=TODAY) is None
    assert Meeting.objects.count() == 1 and Decision.objects.count() == 2
