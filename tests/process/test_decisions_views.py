"""The decisions register (filters, CSV, a fixed number of queries), recording from a meeting's agenda
item, and the decision page (decide, cancel, follow-up tasks)."""

import csv
import io

import pytest
from django.urls import reverse

from feeds.models import Notification
from process.actions import decisions as actions
from process.models import Decision, DecisionStatus, Task
from sopsocial.audit.models import AuditEvent

from ..queries import assert_queries
from .factories import make_meeting
from .meeting_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


def url(world, name, **kwargs):
    return reverse(f"process:{name}", kwargs={"tenant_slug": world.tenant.slug, **kwargs})


def record(world, question, **extra):
    return actions.check_record_decision(world.priya, actions.DecisionInput(question=question, **extra))


# session, user, membership (guard), the register's rows (owner, cycle, meeting... joined), the owner
# choices, the cycle choices, memberships (nav), the My work count in the menu. The same for 2 rows or 12.
REGISTER_QUERIES = 8


def test_the_register_takes_the_same_queries_whatever_the_number_of_rows(world, client):
    meeting = make_meeting(world.cycle)
    client.force_login(world.sam.user)

    def add(n, start):
        for i in range(start, start + n):
            record(
                world,
                f"Question {i}",
                owner=world.sam,
                meeting=meeting,
                expected_kpi="fill rate",
                about=world.version.subject,
            )

    add(2, 0)
    client.get(url(world, "decisions"))  # the first visit stores the last tenant in the session
    with assert_queries(REGISTER_QUERIES):
        assert client.get(url(world, "decisions")).status_code == 200
    add(10, 2)
    with assert_queries(REGISTER_QUERIES):
        page = client.get(url(world, "decisions")).content.decode()
    assert page.count("Question ") == 12


def test_the_register_filters_by_status_owner_cycle_kpi_and_text(world, client):
    a = record(
        world, "Build stock ahead of Contoso?", owner=world.sam, cycle=world.cycle, expected_kpi="fill rate"
    )
    b = record(world, "Drop the York promotion?", owner=world.priya, expected_kpi="forecast accuracy")
    actions.check_decide(world.sam, b, choice="Yes, drop it")
    client.force_login(world.vic.user)

    def shown(**query):
        page = client.get(url(world, "decisions"), query).content.decode()
        return {q for q in (a.question, b.question, world.open_decision.question) if q in page}

    assert shown() == {a.question, b.question, world.open_decision.question}
    assert shown(status="decided") == {b.question}
    assert shown(owner=world.sam.pk) == {a.question}
    assert shown(cycle=world.cycle.pk) == {a.question}
    assert shown(kpi="ACCURACY") == {b.question}
    assert shown(q="york") == {b.question}
    assert shown(q="drop it") == {b.question}  # the choice is searched too
    assert shown(status="nonsense", owner="²") == {a.question, b.question, world.open_decision.question}


def test_the_csv_has_every_field_and_no_formula(world, client):
    record(
        world,
        "=HYPERLINK(evil)",
        owner=world.sam,
        options=("A", "B"),
        expected_kpi="fill rate",
        expected_direction="up",
    )
    client.force_login(world.vic.user)
    response = client.get(url(world, "decisions_csv"), {"q": "HYPERLINK"})
    assert response["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(response.content.decode())))
    assert len(rows) == 1
    row = rows[0]
    assert (
        row["question"] == "'=HYPERLINK(evil)" and row["options"] == "A | B" and row["owner"] == "Sam Okafor"
    )
    assert row["url"].startswith("http://testserver/t/")


def test_recording_from_an_agenda_item_goes_back_to_the_meeting(world, client):
    from process.actions.meetings import MeetingDetails, check_schedule_meeting

    from .meeting_world import START

    meeting = check_schedule_meeting(
        world.priya,
        cycle=world.cycle,
        phase=world.phase,
        details=MeetingDetails(title="Exec", starts_at=START, ends_at=START.replace(hour=10)),
    )
    item = meeting.agenda.get(kind="alert")
    client.force_login(world.sam.user)
    form = client.get(url(world, "decision_new"), {"meeting": meeting.pk, "agenda_item": item.pk})
    assert item.title in form.content.decode()
    response = client.post(
        url(world, "decision_new"),
        {
            "meeting": meeting.pk,
            "agenda_item": item.pk,
            "question": "Expedite from York?",
            "options": "Expedite\nWait",
            "choice": "Expedite",
            "owner": world.priya.pk,
            "decide_now": "on",
        },
    )
    assert response.status_code == 302 and response["Location"] == meeting.get_absolute_url()
    decision = Decision.objects.get(question="Expedite from York?")
    assert decision.status == DecisionStatus.DECIDED and decision.agenda_item == item
    assert decision.about == world.alert.subject and decision.cycle == world.cycle
    assert "Expedite from York?" in client.get(meeting.get_absolute_url()).content.decode()


def test_a_viewer_may_not_record_and_bad_input_is_named(world, client):
    client.force_login(world.vic.user)
    assert client.get(url(world, "decision_new")).status_code == 403
    client.force_login(world.priya.user)
    response = client.post(
        url(world, "decision_new"), {"question": "Raise prices?", "expected_direction": "up"}
    )
    assert (
        response.status_code == 400 and "Name the KPI the decision should move." in response.content.decode()
    )
    assert not Decision.objects.filter(question="Raise prices?").exists()


def test_the_decision_page_decides_and_adds_follow_up_tasks(world, client):
    decision = record(world, "Build stock ahead of Contoso?", options=("Build", "Wait"), owner=world.sam)
    client.force_login(world.sam.user)
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Build stock ahead of Contoso?" in page and "Decide" in page and "No follow-up task yet" in page
    refused = client.post(url(world, "decision_decide", decision_id=decision.pk), {"choice": " "})
    assert refused.status_code == 400 and "Say what was decided." in refused.content.decode()
    client.post(
        url(world, "decision_decide", decision_id=decision.pk), {"choice": "Build", "rationale": "Leeds full"}
    )
    client.post(
        url(world, "decision_task", decision_id=decision.pk),
        {"title": "Book overtime", "assignee": world.priya.pk, "due_on": "2026-12-04"},
    )
    decision.refresh_from_db()
    assert decision.status == DecisionStatus.DECIDED and decision.rationale == "Leeds full"
    task = Task.objects.get(decision=decision)
    assert task.assignee_member == world.priya
    page = client.get(decision.get_absolute_url()).content.decode()
    assert "Book overtime" in page and "Leeds full" in page
    missing = client.post(url(world, "decision_task", decision_id=decision.pk), {"title": ""})
    assert missing.status_code == 400


def test_editing_an_open_decision_is_audited_and_tells_a_new_owner(world, client):
    decision = record(world, "Build stock ahead of Contoso?", options=("Build", "Wait"), owner=world.sam)
    client.force_login(world.priya.user)
    form = client.get(url(world, "decision_edit", decision_id=decision.pk)).content.decode()
    assert "Build\nWait" in form and "Decided now" not in form
    response = client.post(
        url(world, "decision_edit", decision_id=decision.pk),
        {"question": "Build stock ahead of Contoso?", "options": "Build\nWait\nSplit", "owner": world.vic.pk},
    )
    assert response.status_code == 302
    decision.refresh_from_db()
    assert decision.options == ["Build", "Wait", "Split"] and decision.owner == world.vic
    event = AuditEvent.objects.get(verb="decision.update", subject=decision.subject)
    assert event.before["owner"] == "Sam Okafor" and event.after["owner"] == "Vic Lee"
    assert Notification.objects.filter(user=world.vic.user, verb="decision").exists()
    actions.check_decide(world.sam, decision, choice="Split")
    refused = client.post(url(world, "decision_edit", decision_id=decision.pk), {"question": "Again?"})
    assert refused.status_code == 400 and "already decided" in refused.content.decode()
    client.force_login(world.vic.user)  # the owner may edit; a viewer who does not own it may not
    other = record(world, "Another?")
    assert client.get(url(world, "decision_edit", decision_id=other.pk)).status_code == 403
