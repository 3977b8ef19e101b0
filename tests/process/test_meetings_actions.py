"""Meetings: scheduling builds the agenda from what needs a decision; refreshing adds without
duplicating or dropping edits; closing posts the minutes and decisions on the cycle's feed."""

import datetime as dt
from unittest import mock

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feeds.models import FeedItem, FeedItemSubject, Follow, Notification
from process.actions import meetings as actions
from process.actions.decisions import DecisionInput, check_record_decision
from process.models import AgendaItem, MeetingStatus
from sopsocial.audit.models import AuditEvent

from ..alerts.factories import make_alert, make_rule
from .meeting_world import START, TODAY, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def details(world, **extra):
    values = {
        "title": "Executive S&OP",
        "starts_at": START,
        "ends_at": START + dt.timedelta(hours=1),
        "location": "Board room",
        "attendees": (world.sam, world.vic),
        **extra,
    }
    return actions.MeetingDetails(**values)


def schedule(world, **extra):
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        return actions.check_schedule_meeting(
            world.priya, cycle=world.cycle, phase=world.phase, details=details(world, **extra)
        )


def test_scheduling_builds_the_agenda_from_what_needs_a_decision(world):
    meeting = schedule(world)
    agenda = list(meeting.agenda.all())
    assert [(i.kind, i.link) for i in agenda] == [
        ("version", world.version.get_absolute_url()),
        ("alert", world.alert.get_absolute_url()),
        ("task", world.overdue_task.get_absolute_url()),
        ("decision", world.open_decision.get_absolute_url()),
    ]
    assert agenda[0].title.startswith("Approve Demand plan v2")
    assert "Confirm Leeds capacity" in agenda[2].title
    assert [i.position for i in agenda] == [1, 2, 3, 4]


def test_attendees_follow_the_meeting_and_get_a_bell(world, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False):
        meeting = schedule(world)
    followers = set(Follow.objects.filter(subject=meeting.subject).values_list("user_id", flat=True))
    assert followers == {world.priya.user_id, world.sam.user_id, world.vic.user_id}
    bells = Notification.objects.filter(verb="meeting")
    assert set(bells.values_list("user_id", flat=True)) == {world.sam.user_id, world.vic.user_id}
    event = AuditEvent.objects.get(verb="meeting.schedule", subject=meeting.subject)
    assert event.after["attendees"] == ["Sam Okafor", "Vic Lee"] and len(event.after["agenda"]) == 4


def test_refresh_adds_new_items_and_keeps_edited_moved_and_other_ones(world):
    meeting = schedule(world)
    first = meeting.agenda.get(kind="alert")
    actions.check_update_agenda_item(
        world.priya, meeting, first, title="The Leeds spike", note="Sam to call Contoso", outcome=""
    )
    actions.check_move_agenda_item(world.priya, meeting, first, "up")
    actions.check_add_agenda_item(world.priya, meeting, title="Any other business")
    later = make_alert(
        make_rule(world.tenant, name="Late", severity="high"), key="p9", title="Stock-out at York"
    )

    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        added = actions.check_refresh_agenda(world.priya, meeting)
        again = actions.check_refresh_agenda(world.priya, meeting)

    assert [i.link for i in added] == [later.get_absolute_url()] and again == []
    titles = list(meeting.agenda.values_list("title", flat=True))
    assert titles[0] == "The Leeds spike" and titles.count("The Leeds spike") == 1
    assert titles[-2:] == ["Any other business", "Stock-out at York"]
    assert meeting.agenda.count() == 6
    assert AuditEvent.objects.filter(verb="meeting.agenda", subject=meeting.subject).count() == 4


def test_moving_at_the_ends_changes_nothing_and_removing_takes_the_item_off(world):
    meeting = schedule(world)
    top = meeting.agenda.first()
    actions.check_move_agenda_item(world.priya, meeting, top, "up")
    assert meeting.agenda.first() == top
    actions.check_move_agenda_item(world.priya, meeting, top, "down")
    assert list(meeting.agenda.values_list("pk", flat=True))[1] == top.pk
    actions.check_remove_agenda_item(world.priya, meeting, top)
    assert not meeting.agenda.filter(pk=top.pk).exists()
    with pytest.raises(ValidationError) as error:
        actions.check_move_agenda_item(world.priya, meeting, meeting.agenda.first(), "sideways")
    assert "direction" in error.value.message_dict


def test_closing_posts_minutes_and_decisions_on_the_cycles_feed_and_tells_attendees(world):
    meeting = schedule(world)
    item = meeting.agenda.get(kind="version")
    actions.check_update_agenda_item(
        world.priya, meeting, item, title=item.title, note="", outcome="Approved"
    )
    check_record_decision(
        world.sam,
        DecisionInput(
            question="Approve demand v2?", choice="Yes, as submitted", meeting=meeting, owner=world.sam
        ),
        decide_now=True,
    )
    meeting = actions.check_close_meeting(world.priya, meeting, "Demand agreed; Leeds watched.")

    assert meeting.status == MeetingStatus.CLOSED and meeting.closed_by == world.priya.user
    post = FeedItem.objects.get(verb="meeting.close")
    assert post.subject == world.cycle.subject
    assert "Demand agreed; Leeds watched." in post.body
    assert "Approve demand v2? → Yes, as submitted (owner Sam Okafor)" in post.body
    assert "Approved" in post.body
    tagged = set(FeedItemSubject.objects.filter(item=post).values_list("subject_id", flat=True))
    assert {meeting.subject_id, world.phase.subject_id, world.cycle.subject_id} <= tagged
    assert set(Notification.objects.filter(verb="minutes", item=post).values_list("user_id", flat=True)) == {
        world.sam.user_id,
        world.vic.user_id,
    }
    assert AuditEvent.objects.filter(verb="meeting.close", subject=meeting.subject).exists()


def test_a_closed_meeting_refuses_changes_naming_its_status(world):
    meeting = schedule(world)
    actions.check_close_meeting(world.priya, meeting)
    for change in (
        lambda: actions.check_save_minutes(world.priya, meeting, "late"),
        lambda: actions.check_add_agenda_item(world.priya, meeting, title="late"),
        lambda: actions.check_close_meeting(world.priya, meeting),
        lambda: actions.check_cancel_meeting(world.priya, meeting),
    ):
        with pytest.raises(ValidationError) as error:
            change()
        assert "closed" in error.value.message_dict["status"][0]


def test_only_who_runs_the_cycle_schedules_and_partners_never(world):
    for who in (world.sam, world.vic):
        with pytest.raises(PermissionDenied):
            actions.check_schedule_meeting(who, cycle=world.cycle, phase=None, details=details(world))


def test_bad_input_names_every_field_and_writes_nothing(world):
    from ..factories import MembershipFactory

    stranger = MembershipFactory()
    with pytest.raises(ValidationError) as error:
        actions.check_schedule_meeting(
            world.priya,
            cycle=world.cycle,
            phase=None,
            details=details(world, title=" ", ends_at=START, attendees=(stranger,)),
        )
    assert set(error.value.message_dict) == {"title", "ends_at", "attendees"}
    assert not AuditEvent.objects.filter(verb="meeting.schedule").exists()
    assert not AgendaItem.objects.exists()


def test_moving_the_meeting_tells_followers_and_new_attendees_are_asked(world):
    from .meeting_world import person

    meeting = schedule(world, attendees=(world.sam,))
    newcomer = person(world.tenant, "planner", "Nia", "Brown")
    actions.check_update_meeting(
        world.priya,
        meeting,
        details(
            world,
            starts_at=START + dt.timedelta(days=1),
            ends_at=START + dt.timedelta(days=1, hours=1),
            attendees=(world.sam, newcomer),
        ),
    )
    assert FeedItem.objects.filter(subject=meeting.subject, verb="meeting.update").exists()
    assert Notification.objects.filter(user=newcomer.user, verb="meeting").exists()
    event = AuditEvent.objects.get(verb="meeting.update", subject=meeting.subject)
    assert "Nia Brown" in event.after["attendees"] and "starts_at" in event.before
