"""The task actions every process area builds on: create (with stand-ins) and complete."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feeds.models import FeedItem, Follow, Notification
from process.actions.tasks import check_create_task, check_set_task_status
from process.models import Absence, TaskStatus
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory, PartnerFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(db):
    planner = MembershipFactory(role="planner")
    sam = MembershipFactory(tenant=planner.tenant, role="executive")
    return planner, sam


def test_a_new_task_is_audited_followed_posted_and_notified(people, django_capture_on_commit_callbacks):
    planner, sam = people
    with django_capture_on_commit_callbacks(execute=False):
        task = check_create_task(
            planner,
            title="  Confirm Leeds capacity ",
            assignee_member=sam,
            due_on=dt.date(2026, 12, 10),
            checklist=["Call the depot", " ", "Update the plan"],
        )
    assert task.title == "Confirm Leeds capacity"
    assert [c.text for c in task.checklist.all()] == ["Call the depot", "Update the plan"]
    assert AuditEvent.objects.filter(verb="task.create", subject=task.subject).exists()
    assert set(Follow.objects.filter(subject=task.subject).values_list("user_id", flat=True)) == {
        planner.user_id,
        sam.user_id,
    }
    item = FeedItem.objects.get(subject=task.subject, verb="task.create")
    assert "Sam" in item.body or sam.display_name in item.body
    assert Notification.objects.filter(user=sam.user, verb="task", item=item).exists()


def test_a_task_for_someone_away_goes_to_their_stand_in(people):
    planner, sam = people
    deputy = MembershipFactory(tenant=planner.tenant, role="planner")
    today = dt.date.today()
    Absence.objects.create(tenant=planner.tenant, member=sam, stand_in=deputy, starts_on=today, ends_on=today)
    task = check_create_task(planner, title="Approve the supply plan", assignee_member=sam)
    assert task.assignee_member == deputy and task.standing_in_for == sam


def test_bad_input_names_the_field_and_writes_nothing(people):
    planner, _ = people
    other_tenant_member = MembershipFactory()
    with pytest.raises(ValidationError) as error:
        check_create_task(planner, title="", assignee_member=other_tenant_member)
    assert set(error.value.message_dict) == {"title", "assignee"}
    assert not AuditEvent.objects.filter(verb="task.create").exists()


def test_partner_users_may_not_create_tasks(people):
    planner, _ = people
    outsider = MembershipFactory(tenant=planner.tenant, partner=PartnerFactory(tenant=planner.tenant))
    with pytest.raises(PermissionDenied):
        check_create_task(outsider, title="x")


def test_completing_is_audited_and_posted_and_only_for_who_may(people):
    planner, sam = people
    viewer = MembershipFactory(tenant=planner.tenant, role="viewer")
    task = check_create_task(planner, title="Check the forecast", assignee_member=sam)
    with pytest.raises(PermissionDenied):
        check_set_task_status(viewer, task, TaskStatus.DONE)
    task = check_set_task_status(sam, task, TaskStatus.DONE)
    assert task.status == "done" and task.completed_by == sam.user
    assert AuditEvent.objects.filter(verb="task.complete", subject=task.subject).exists()
    assert FeedItem.objects.filter(subject=task.subject, verb="task.complete").exists()
    with pytest.raises(ValidationError):
        check_set_task_status(sam, task, "finished")
