"""The task pages as people use them: the list (filters, a fixed number of queries), a new task made from
an alert, a subject or a phase, the task page (checklist, status, edit, hand-over, conversation), the
htmx status contract My work relies on, and "away"."""

import datetime as dt

import pytest
from django.urls import reverse

from feeds.models import Notification
from process.actions.tasks import check_create_task
from process.models import Absence, Task, TaskStatus
from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import create_subject
from sopsocial.tenancy.models import Team, TeamMembership

from ..alerts.factories import make_alert, make_rule
from ..factories import MembershipFactory
from ..queries import assert_queries
from .factories import make_cycle, make_phase, make_task

pytestmark = pytest.mark.django_db


def url(name, tenant, **kwargs):
    return reverse(f"process:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


@pytest.fixture
def planner(planner_member):
    return planner_member


def test_the_list_shows_my_and_my_teams_tasks_and_filters(tenant, planner, client_for):
    team = Team.objects.create(tenant=tenant, name="Supply planning", handle="supply")
    TeamMembership.objects.create(tenant=tenant, team=team, member=planner)
    other = MembershipFactory(tenant=tenant)
    make_task(tenant, title="Mine in person", assignee_member=planner, due_on=dt.date(2020, 1, 1))
    make_task(tenant, title="My team's", assignee_team=team)
    make_task(tenant, title="Someone else's", assignee_member=other, created_by=planner.user)
    make_task(tenant, title="Finished", assignee_member=planner, status=TaskStatus.DONE)
    client = client_for(planner)
    page = client.get(url("tasks", tenant), {"mine": "1"}).content.decode()
    assert "Mine in person" in page and "My team&#x27;s" in page
    assert "Someone else" not in page and "Finished" not in page
    assert "overdue" in page
    by_me = client.get(url("tasks", tenant), {"by_me": "1"}).content.decode()
    assert "Someone else" in by_me and "Mine in person" not in by_me
    overdue = client.get(url("tasks", tenant), {"overdue": "1"}).content.decode()
    assert "Mine in person" in overdue and "My team" not in overdue
    done = client.get(url("tasks", tenant), {"status": "done"}).content.decode()
    assert "Finished" in done and "Mine in person" not in done
    empty = client.get(url("tasks", tenant), {"status": "cancelled"}).content.decode()
    assert "No tasks match" in empty
    # hostile filter values are ignored, never a 500
    assert (
        client.get(url("tasks", tenant), {"phase": "٣", "page": "²", "status": "nonsense"}).status_code == 200
    )
    assert client.get(url("tasks", tenant), {"status": "\x00"}).status_code == 400


def test_the_list_runs_the_same_number_of_queries_whatever_the_number_of_tasks(tenant, planner, client_for):
    phase = make_phase(make_cycle(tenant))
    team = Team.objects.create(tenant=tenant, name="Demand", handle="demand")
    subject = create_subject(tenant=tenant, kind="product", title="Oat Crunch")
    client = client_for(planner)

    def add(n):
        for i in range(n):
            task = make_task(
                tenant,
                title=f"Task {i}",
                assignee_member=planner if i % 2 else None,
                assignee_team=None if i % 2 else team,
                phase=phase,
                about=subject,
                due_on=dt.date(2026, 12, 1 + i % 20),
            )
            task.checklist.create(tenant=tenant, text="step", done=bool(i % 3))

    add(2)
    client.get(url("tasks", tenant))  # warm the session and the caches
    # 7 for the page itself, plus one for the menu's My work count
    with assert_queries(8) as few:
        assert client.get(url("tasks", tenant)).status_code == 200
    add(30)
    with assert_queries(len(few)):
        page = client.get(url("tasks", tenant))
    assert page.content.decode().count('class="task-row') == 32


def test_make_this_a_task_from_an_alert(tenant, planner, client_for):
    alert = make_alert(make_rule(tenant))
    client = client_for(planner)
    alert_page = client.get(
        reverse("alerts:alert", kwargs={"tenant_slug": tenant.slug, "alert_id": alert.pk})
    )
    assert f"{url('task_new', tenant)}?alert={alert.pk}" in alert_page.content.decode()
    form = client.get(url("task_new", tenant), {"alert": alert.pk}).content.decode()
    assert "Follow up: Demand spike: Oat Crunch 500g" in form and f'value="{alert.pk}"' in form
    response = client.post(
        url("task_new", tenant),
        {
            "title": "Follow up: Demand spike",
            "alert": alert.pk,
            "about": alert.subject_id,
            "assignee": f"m{planner.pk}",
            "due_on": "2026-12-11",
            "checklist": "Call Contoso\n\nCheck the promo calendar",
        },
    )
    task = Task.objects.get()
    assert response.status_code == 302 and response["Location"] == task.get_absolute_url()
    assert (task.about_alert, task.about, task.source) == (alert, alert.subject, "alert")
    assert [c.text for c in task.checklist.all()] == ["Call Contoso", "Check the promo calendar"]


def test_a_new_task_about_a_subject_or_in_a_phase_is_prefilled(tenant, planner, client_for):
    subject = create_subject(tenant=tenant, kind="sales_order", title="SO-9001")
    phase = make_phase(make_cycle(tenant), name="Supply review")
    client = client_for(planner)
    page = client.get(url("task_new", tenant), {"about": subject.pk, "phase": phase.pk}).content.decode()
    assert "About" in page and "SO-9001" in page
    assert f'<option value="{phase.pk}" selected>' in page and phase.due_on.isoformat() in page
    panel = client.get(url("subject_tasks", tenant, subject_id=subject.pk)).content.decode()
    assert f"?about={subject.pk}" in panel and "New task about this" in panel
    # another tenant's subject, or nonsense, is a 404 (never a 500)
    foreign = create_subject(tenant=MembershipFactory().tenant, kind="product", title="x")
    assert client.get(url("task_new", tenant), {"about": foreign.pk}).status_code == 404
    assert client.get(url("task_new", tenant), {"phase": "٣"}).status_code == 404


def test_bad_new_tasks_are_form_errors_and_write_nothing(tenant, planner, client_for):
    client = client_for(planner)
    foreign = MembershipFactory()
    response = client.post(
        url("task_new", tenant),
        {"title": "", "assignee": f"m{foreign.pk}", "due_on": "2026-02-30", "about": "abc"},
    )
    assert response.status_code == 400
    errors = response.context["form"].errors
    assert {"title", "assignee", "due_on", "about"} <= set(errors)
    assert not Task.objects.exists()
    too_many = "\n".join(f"step {i}" for i in range(51))
    response = client.post(url("task_new", tenant), {"title": "ok", "checklist": too_many})
    assert response.status_code == 400 and "checklist" in response.context["form"].errors
    assert not Task.objects.exists()


def test_the_task_page_ticks_its_checklist_and_changes_status_through_htmx(tenant, planner, client_for):
    sam = MembershipFactory(tenant=tenant, role="executive")
    task = check_create_task(planner, title="Confirm capacity", assignee_member=sam, checklist=["Call"])
    item = task.checklist.get()
    client = client_for(sam)
    page = client.get(task.get_absolute_url()).content.decode()
    assert "Confirm capacity" in page and "Mark done" in page and "Conversation" in page
    assert url("task_check", tenant, task_id=task.pk, item_id=item.pk) in page
    ticked = client.post(
        url("task_check", tenant, task_id=task.pk, item_id=item.pk), {"done": "1"}, HTTP_HX_REQUEST="true"
    )
    assert ticked.status_code == 200 and "Untick: Call" in ticked.content.decode()
    assert (
        client.post(url("task_check", tenant, task_id=task.pk, item_id=item.pk), {"done": "x"}).status_code
        == 400
    )
    row = client.post(url("task_status", tenant, task_id=task.pk), {"status": "done"}, HTTP_HX_REQUEST="true")
    assert row.status_code == 200
    html = row.content.decode()
    assert html.lstrip().startswith('<li class="task-row') and f'id="task-row-{task.pk}"' in html
    assert "Done" in html
    task.refresh_from_db()
    assert task.status == "done" and task.completed_by == sam.user
    refused = client.post(
        url("task_status", tenant, task_id=task.pk), {"status": "finished"}, HTTP_HX_REQUEST="true"
    )
    assert refused.status_code == 422 and "One of:" in refused.content.decode()
    plain = client.post(url("task_status", tenant, task_id=task.pk), {"status": "open"})
    assert plain.status_code == 302 and plain["Location"] == task.get_absolute_url()


def test_someone_who_may_not_work_on_a_task_gets_403_not_a_change(tenant, planner, client_for):
    task = check_create_task(planner, title="Confirm capacity", assignee_member=planner)
    viewer = MembershipFactory(tenant=tenant, role="viewer")
    client = client_for(viewer)
    assert client.post(url("task_status", tenant, task_id=task.pk), {"status": "done"}).status_code == 403
    in_place = client.post(
        url("task_status", tenant, task_id=task.pk), {"status": "done"}, HTTP_HX_REQUEST="true"
    )
    assert in_place.status_code == 422 and "Only the task" in in_place.content.decode()  # shown in the row
    assert 'aria-label="Done: Confirm capacity"' not in client.get(url("tasks", tenant)).content.decode()
    assert client.get(url("task_edit", tenant, task_id=task.pk)).status_code == 403
    task.refresh_from_db()
    assert task.status == "open"


def test_edit_and_hand_over_from_the_page(tenant, planner, client_for):
    jo = MembershipFactory(tenant=tenant)
    task = check_create_task(planner, title="Confirm capacity", assignee_member=planner)
    client = client_for(planner)
    edited = client.post(
        url("task_edit", tenant, task_id=task.pk),
        {
            "title": "Confirm Leeds capacity",
            "description": "Week 50",
            "due_on": "2026-12-12",
            "add_checklist": "Call",
        },
    )
    assert edited.status_code == 302
    assert client.post(url("task_edit", tenant, task_id=task.pk), {"title": ""}).status_code == 400
    handed = client.post(
        url("task_transfer", tenant, task_id=task.pk), {"assignee": f"m{jo.pk}", "note": "Yours"}
    )
    assert handed.status_code == 302
    task.refresh_from_db()
    assert task.title == "Confirm Leeds capacity" and task.assignee_member == jo
    assert Notification.objects.filter(user=jo.user, item__verb="task.transfer").exists()
    refused = client.post(url("task_transfer", tenant, task_id=task.pk), {"assignee": ""})
    assert refused.status_code == 400 and "assignee" in refused.context["form"].errors
    trail = client.get(task.get_absolute_url()).content.decode()
    assert "handed a task to someone else" in trail and "changed a task" in trail


def test_away_hands_tasks_to_the_stand_in_and_back(tenant, planner, client_for):
    deputy = MembershipFactory(tenant=tenant, role="planner")
    today = dt.date.today()
    task = make_task(tenant, title="Due soon", assignee_member=planner, due_on=today + dt.timedelta(days=1))
    client = client_for(planner)
    form = client.get(url("away", tenant)).content.decode()
    assert deputy.display_name in form
    response = client.post(
        url("away", tenant),
        {
            "starts_on": today.isoformat(),
            "ends_on": (today + dt.timedelta(days=3)).isoformat(),
            "stand_in": deputy.pk,
        },
    )
    assert response.status_code == 302
    task.refresh_from_db()
    assert task.assignee_member == deputy
    page = client.get(url("away", tenant)).content.decode()
    assert "You are away until" in page
    absence = Absence.objects.get()
    assert client.post(url("away_end", tenant, absence_id=absence.pk)).status_code == 302
    task.refresh_from_db()
    assert task.assignee_member == planner
    bad = client.post(url("away", tenant), {"starts_on": "2026-13-01", "stand_in": planner.pk})
    assert bad.status_code == 400 and {"starts_on", "ends_on", "stand_in"} <= set(bad.context["form"].errors)
    assert AuditEvent.objects.filter(verb="absence.set").count() == 1


def test_a_partner_sees_their_shared_task_without_the_internal_conversation(tenant, planner, client_for):
    from sopsocial.subjects.actions import do_share_subject

    from ..factories import PartnerFactory

    partner = PartnerFactory(tenant=tenant)
    carrier = MembershipFactory(tenant=tenant, role="viewer", partner=partner)
    order = create_subject(tenant=tenant, kind="sales_order", title="SO-9001")
    do_share_subject(planner, order, partner)
    task = check_create_task(planner, title="Confirm pickup", assignee_member=carrier, about=order)
    client = client_for(carrier)
    page = client.get(task.get_absolute_url())
    assert page.status_code == 200 and "Confirm pickup" in page.content.decode()
    assert "subject-panel" not in page.content.decode()
    assert client.post(url("task_status", tenant, task_id=task.pk), {"status": "done"}).status_code == 302
    assert client.get(url("tasks", tenant)).status_code == 404  # the list is internal


def test_system_reminders_read_well_in_the_notifications(tenant, planner, client_for):
    from process.actions.reminders import do_remind_tasks

    make_task(tenant, title="Confirm capacity", assignee_member=planner, due_on=dt.date(2026, 12, 10))
    do_remind_tasks(today=dt.date(2026, 12, 12))
    page = client_for(planner).get(reverse("feeds:notifications", kwargs={"tenant_slug": tenant.slug}))
    html = page.content.decode()
    assert "Overdue by 2 days" in html and "assigned you a task" not in html and "None" not in html
