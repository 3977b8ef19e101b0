"""Meeting pages: schedule from a cycle, the meeting page with its agenda and feed, agenda edits with
the keyboard-only forms, closing, and the meeting pack as a page and a PDF."""

import datetime as dt
from unittest import mock

import pytest
from django.db import connection
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from process.actions import meetings as actions
from process.models import Meeting, MeetingStatus
from process.views.meetings import _pack_context

from .meeting_world import START, TODAY, build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(world, name, **kwargs):
    return reverse(f"process:{name}", kwargs={"tenant_slug": world.tenant.slug, **kwargs})


def scheduled(world):
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        return actions.check_schedule_meeting(
            world.priya,
            cycle=world.cycle,
            phase=world.phase,
            details=actions.MeetingDetails(
                title="Executive S&OP",
                starts_at=START,
                ends_at=START + dt.timedelta(hours=1),
                attendees=(world.sam,),
            ),
        )


def test_scheduling_from_the_cycle_opens_the_meeting_with_its_agenda(world, client):
    client.force_login(world.priya.user)
    page = client.get(url(world, "meeting_new") + f"?cycle={world.cycle.pk}&phase={world.phase.pk}")
    assert page.status_code == 200 and "Executive S&amp;OP" in page.content.decode()
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        response = client.post(
            url(world, "meeting_new"),
            {
                "cycle": world.cycle.pk,
                "phase": world.phase.pk,
                "title": "Executive S&OP",
                "starts_at": "2026-11-27T09:00",
                "ends_at": "2026-11-27T10:30",
                "location": "Board room",
                "attendees": [world.sam.pk, world.vic.pk],
            },
        )
    meeting = Meeting.objects.get()
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    assert meeting.phase == world.phase and meeting.attendees.count() == 2
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Approve Demand plan v2" in page and world.alert.title in page and "Confirm Leeds capacity" in page
    assert "Refresh agenda" in page and "Close the meeting" in page


def test_bad_times_are_named_and_nothing_is_scheduled(world, client):
    client.force_login(world.priya.user)
    response = client.post(
        url(world, "meeting_new"),
        {
            "cycle": world.cycle.pk,
            "title": "Exec",
            "starts_at": "2026-11-27T10:00",
            "ends_at": "2026-11-27T09:00",
        },
    )
    assert response.status_code == 400
    assert "It must end after it starts." in response.content.decode()
    assert not Meeting.objects.exists()


def test_viewers_see_the_meeting_but_cannot_change_it(world, client):
    meeting = scheduled(world)
    client.force_login(world.vic.user)
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "Approve Demand plan v2" in page and "Refresh agenda" not in page
    assert client.post(url(world, "agenda_refresh", meeting_id=meeting.pk)).status_code == 403
    assert client.get(url(world, "meeting_new")).status_code == 403


def test_agenda_edits_and_closing_through_the_page(world, client):
    meeting = scheduled(world)
    client.force_login(world.priya.user)
    last = meeting.agenda.last()
    client.post(
        url(world, "agenda_item_move", meeting_id=meeting.pk, agenda_item_id=last.pk), {"direction": "up"}
    )
    assert list(meeting.agenda.values_list("pk", flat=True))[-2] == last.pk
    client.post(url(world, "agenda_add", meeting_id=meeting.pk), {"title": "Any other business", "note": ""})
    refused = client.post(url(world, "agenda_add", meeting_id=meeting.pk), {"title": "  ", "note": ""})
    assert refused.status_code == 400 and "Title: An agenda item needs a title." in refused.content.decode()
    response = client.post(url(world, "meeting_close", meeting_id=meeting.pk), {"minutes": "All agreed."})
    assert response.status_code == 302
    meeting.refresh_from_db()
    assert meeting.status == MeetingStatus.CLOSED and meeting.minutes == "All agreed."
    page = client.get(meeting.get_absolute_url()).content.decode()
    assert "All agreed." in page and "Refresh agenda" not in page


def test_the_pack_page_shows_the_numbers_behind_each_item_with_absolute_links(world, client):
    meeting = scheduled(world)
    client.force_login(world.sam.user)
    page = client.get(url(world, "meeting_pack", meeting_id=meeting.pk)).content.decode()
    assert "<svg" in page  # the version's weekly totals, as a server-side chart
    assert "Total before" in page and "+40 (+20.0%)" in page  # 240 vs 200
    assert "4,800 vs 1,200, +300%" in page  # the alert's numbers
    assert f"http://testserver{world.alert.get_absolute_url()}" in page


def test_the_pack_pdf_is_a_pdf_with_the_agenda_titles(world, client):
    from weasyprint import HTML

    meeting = scheduled(world)
    client.force_login(world.sam.user)
    response = client.get(url(world, "meeting_pack_pdf", meeting_id=meeting.pk))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF-") and b"%%EOF" in response.content[-1024:]

    # The PDF's streams are compressed: lay the same template out with WeasyPrint and read the text
    # of the boxes on its pages, which holds every agenda title.
    html = render_to_string("process/pack_pdf.html", _pack_context(response.wsgi_request, world.sam, meeting))
    document = HTML(string=html).render()
    words = " ".join(
        box.text for page in document.pages for box in page._page_box.descendants() if hasattr(box, "text")
    ).split()
    text = " ".join(words)
    assert len(document.pages) >= 1
    for title in meeting.agenda.values_list("title", flat=True):
        assert " ".join(title.split()) in text


def test_the_meeting_page_takes_the_same_queries_whatever_its_agenda_decisions_and_attendees(world, client):
    from process.actions.decisions import DecisionInput, check_record_decision

    from .meeting_world import person

    meeting = scheduled(world)
    client.force_login(world.priya.user)
    client.get(meeting.get_absolute_url())  # the first visit stores the last tenant in the session

    def count():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(meeting.get_absolute_url()).status_code == 200
        return len(captured)

    before = count()
    people = [person(world.tenant, "viewer", f"Guest{i}", "Smith") for i in range(5)]
    actions.check_update_meeting(
        world.priya,
        meeting,
        actions.MeetingDetails(
            title=meeting.title,
            starts_at=meeting.starts_at,
            ends_at=meeting.ends_at,
            attendees=(world.sam, *people),
        ),
    )
    for i in range(5):
        actions.check_add_agenda_item(world.priya, meeting, title=f"Point {i}")
        check_record_decision(
            world.priya, DecisionInput(question=f"Question {i}", meeting=meeting, owner=world.sam)
        )
    # the trail grows by rows, not by queries
    assert count() == before
