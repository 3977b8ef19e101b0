"""Decisions: recording and deciding are audited, posted on the decision tagged with its meeting, cycle
and subject (so their followers see it), and ring the owner's bell; follow-up tasks carry them out."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feeds.models import FeedItem, FeedItemSubject, Follow, InboxEntry, Notification
from process.actions import decisions as actions
from process.models import DecisionStatus, TaskSource
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory, PartnerFactory
from .factories import make_meeting
from .meeting_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def proposal(world, **extra):
    values = {
        "question": "Do we build stock ahead of the Contoso promotion?",
        "options": ("Build two weeks ahead", " ", "Ship from Leeds as is"),
        "owner": world.sam,
        "due_on": dt.date(2026, 12, 4),
        "expected_kpi": "fill rate",
        "expected_direction": "up",
        "expected_size": Decimal("3"),
        "expected_unit": "%",
        "horizon_weeks": 6,
        "about": world.version.subject,
        "meeting": make_meeting(world.cycle, phase=world.phase),
        **extra,
    }
    return actions.DecisionInput(**values)


def test_recording_is_audited_followed_posted_tagged_and_rings_the_owner(
    world, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=False):
        decision = actions.check_record_decision(world.priya, proposal(world))
    assert decision.status == DecisionStatus.OPEN
    assert decision.options == ["Build two weeks ahead", "Ship from Leeds as is"]
    assert decision.cycle == world.cycle  # from its meeting
    assert actions.effect_text(decision) == "fill rate up 3 % within 6 weeks"
    event = AuditEvent.objects.get(verb="decision.record", subject=decision.subject)
    assert event.after["owner"] == "Sam Okafor"
    assert set(Follow.objects.filter(subject=decision.subject).values_list("user_id", flat=True)) == {
        world.priya.user_id,
        world.sam.user_id,
    }
    item = FeedItem.objects.get(subject=decision.subject, verb="decision.record")
    tagged = set(FeedItemSubject.objects.filter(item=item).values_list("subject_id", flat=True))
    assert {decision.meeting.subject_id, world.cycle.subject_id, world.version.subject_id} <= tagged
    assert Notification.objects.filter(user=world.sam.user, verb="decision", item=item).exists()


def test_deciding_reaches_the_followers_of_its_meeting_and_subject(world, django_capture_on_commit_callbacks):
    decision = actions.check_record_decision(world.priya, proposal(world, owner=None))
    watcher = MembershipFactory(tenant=world.tenant, role="viewer")
    Follow.objects.create(user=watcher.user, tenant=world.tenant, subject=world.version.subject)
    with django_capture_on_commit_callbacks(execute=True):
        decided = actions.check_decide(
            world.sam, decision, choice="Build two weeks ahead", rationale="Leeds is full"
        )
    assert decided.status == DecisionStatus.DECIDED and decided.decided_by == world.sam.user
    item = FeedItem.objects.get(subject=decision.subject, verb="decision.decide")
    assert "Build two weeks ahead" in item.body and "Leeds is full" in item.body
    assert InboxEntry.objects.filter(user=watcher.user, item=item).exists()
    event = AuditEvent.objects.get(verb="decision.decide", subject=decision.subject)
    assert event.before["status"] == "open" and event.after["choice"] == "Build two weeks ahead"


def test_a_decision_is_decided_once(world):
    decision = actions.check_record_decision(world.priya, proposal(world))
    actions.check_decide(world.sam, decision, choice="Ship from Leeds as is")
    decision.refresh_from_db()
    with pytest.raises(ValidationError) as error:
        actions.check_decide(world.sam, decision, choice="Build")
    assert "status" in error.value.message_dict
    with pytest.raises(ValidationError):
        actions.check_cancel_decision(world.sam, decision)


def test_who_may_record_decide_and_cancel(world):
    decision = actions.check_record_decision(world.sam, proposal(world, owner=world.vic))  # executives record
    with pytest.raises(PermissionDenied):
        actions.check_record_decision(world.vic, proposal(world))  # a viewer does not
    partner = MembershipFactory(tenant=world.tenant, partner=PartnerFactory(tenant=world.tenant))
    with pytest.raises(PermissionDenied):
        actions.check_decide(partner, decision, choice="x")
    cancelled = actions.check_cancel_decision(world.vic, decision, "Overtaken by events")  # its owner may
    assert cancelled.status == DecisionStatus.CANCELLED
    assert AuditEvent.objects.get(verb="decision.cancel").after["reason"] == "Overtaken by events"


def test_bad_input_names_every_field_and_writes_nothing(world):
    other = MembershipFactory()
    with pytest.raises(ValidationError) as error:
        actions.check_record_decision(
            world.priya,
            proposal(
                world,
                question="",
                owner=other,
                expected_kpi="",
                expected_direction="sideways",
                horizon_weeks=500,
            ),
        )
    assert set(error.value.message_dict) == {
        "question",
        "owner",
        "expected_kpi",
        "expected_direction",
        "horizon_weeks",
    }
    with pytest.raises(ValidationError) as error:
        actions.check_record_decision(world.priya, proposal(world), decide_now=True)
    assert "choice" in error.value.message_dict
    assert not AuditEvent.objects.filter(verb="decision.record").exists()


def test_follow_up_tasks_come_from_the_decision(world):
    decision = actions.check_record_decision(world.priya, proposal(world))
    task = actions.check_add_follow_up_task(
        world.sam,
        decision,
        title="Book overtime at Leeds",
        assignee_member=world.priya,
        due_on=dt.date(2026, 12, 7),
    )
    assert task.decision == decision and task.source == TaskSource.DECISION
    assert task.about == decision.subject and task.phase == world.phase
    assert list(decision.follow_up_tasks.all()) == [task]
