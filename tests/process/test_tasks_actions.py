"""Task edits, checklist ticks and hand-overs: audited with old -> new, notified, checked; and what a
partner user may see of tasks."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404

from feeds.models import Follow, Notification
from process.access import access_task, visible_tasks
from process.actions.tasks import (
    check_create_task,
    check_set_checklist_item,
    check_transfer_task,
    check_update_task,
)
from process.models import Absence
from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import create_subject, do_share_subject
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(tenant):
    return MembershipFactory(tenant=tenant, role="planner"), MembershipFactory(tenant=tenant, role="viewer")


def test_an_edit_is_audited_old_to_new_and_a_new_due_date_rearms_reminders(people):
    planner, sam = people
    task = check_create_task(planner, title="Check", assignee_member=sam, due_on=dt.date(2026, 12, 10))
    task.reminded_due_on = dt.date(2026, 12, 10)
    task.save()
    task = check_update_task(
        planner,
        task,
        title="Check Leeds",
        description="",
        due_on=dt.date(2026, 12, 14),
        add_checklist=["Call"],
    )
    event = AuditEvent.objects.get(verb="task.update", subject=task.subject)
    assert event.before == {"title": "Check", "due_on": "2026-12-10"}
    assert event.after == {"title": "Check Leeds", "due_on": "2026-12-14", "checklist_added": ["Call"]}
    task.refresh_from_db()
    assert task.reminded_due_on is None and task.subject.title == "Check Leeds"
    assert [c.text for c in task.checklist.all()] == ["Call"]
    with pytest.raises(ValidationError) as error:
        check_update_task(planner, task, title=" ", due_on=None)
    assert set(error.value.message_dict) == {"title"}
    outsider = MembershipFactory(tenant=planner.tenant, role="viewer")
    with pytest.raises(PermissionDenied):
        check_update_task(outsider, task, title="Mine now", due_on=None)


def test_ticking_and_unticking_is_audited_once_each(people):
    planner, sam = people
    task = check_create_task(planner, title="Check", assignee_member=sam, checklist=["Call the depot"])
    item = task.checklist.get()
    check_set_checklist_item(sam, task, item, True)
    check_set_checklist_item(sam, task, item, True)  # already ticked: nothing new
    check_set_checklist_item(sam, task, item, False)
    verbs = list(
        AuditEvent.objects.filter(subject=task.subject).values_list("verb", flat=True).order_by("seq")
    )
    assert verbs.count("task.check") == 1 and verbs.count("task.uncheck") == 1
    with pytest.raises(PermissionDenied):
        check_set_checklist_item(MembershipFactory(tenant=planner.tenant, role="viewer"), task, item, True)


def test_handing_over_notifies_the_new_assignee_and_goes_to_a_stand_in_while_away(people):
    planner, sam = people
    tenant = planner.tenant
    task = check_create_task(planner, title="Check", assignee_member=sam)
    jo, deputy = MembershipFactory(tenant=tenant), MembershipFactory(tenant=tenant)
    task = check_transfer_task(sam, task, to_member=jo, note="You know Leeds best")
    assert task.assignee_member == jo
    event = AuditEvent.objects.get(verb="task.transfer", subject=task.subject)
    assert event.before == {"assignee": sam.display_name}
    assert event.after == {"assignee": jo.display_name, "note": "You know Leeds best"}
    assert Notification.objects.filter(user=jo.user, verb="task", item__verb="task.transfer").exists()
    assert Follow.objects.filter(user=jo.user, subject=task.subject).exists()

    today = dt.date.today()
    Absence.objects.create(tenant=tenant, member=sam, stand_in=deputy, starts_on=today, ends_on=today)
    task = check_transfer_task(jo, task, to_member=sam)
    assert (task.assignee_member, task.standing_in_for) == (deputy, sam)


def test_handing_over_to_a_team_and_bad_hand_overs(people):
    planner, sam = people
    tenant = planner.tenant
    team = Team.objects.create(tenant=tenant, name="Demand planning", handle="demand")
    member = MembershipFactory(tenant=tenant)
    TeamMembership.objects.create(tenant=tenant, team=team, member=member)
    task = check_create_task(planner, title="Check", assignee_member=sam)
    task = check_transfer_task(planner, task, to_team=team)
    assert task.assignee_team == team and task.assignee_member is None
    assert Notification.objects.filter(user=member.user, item__verb="task.transfer").exists()
    for kwargs, field in (
        ({}, "assignee"),
        ({"to_team": team}, "assignee"),  # already theirs
        ({"to_member": MembershipFactory()}, "assignee"),  # another tenant's
        ({"to_member": sam, "note": "x" * 501}, "note"),
    ):
        with pytest.raises(ValidationError) as error:
            check_transfer_task(planner, task, **kwargs)
        assert field in error.value.message_dict


def test_a_partner_sees_a_task_only_when_theirs_and_about_something_shared(people):
    planner, _ = people
    tenant = planner.tenant
    partner = PartnerFactory(tenant=tenant)
    carrier = MembershipFactory(tenant=tenant, role="viewer", partner=partner)
    order = create_subject(tenant=tenant, kind="sales_order", title="SO-9001")
    theirs_unshared = check_create_task(planner, title="Unshared", assignee_member=carrier, about=order)
    someone_elses = check_create_task(planner, title="Not theirs", assignee_member=planner, about=order)
    with pytest.raises(Http404):
        access_task(carrier, theirs_unshared.pk)
    do_share_subject(planner, order, partner)
    assert access_task(carrier, theirs_unshared.pk) == theirs_unshared
    with pytest.raises(Http404):
        access_task(carrier, someone_elses.pk)
    assert list(visible_tasks(carrier)) == [theirs_unshared]
    with pytest.raises(Http404):
        access_task(carrier, "٣")
