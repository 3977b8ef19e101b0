"""Away with a stand-in: setting an absence hands the tasks due meanwhile to the stand-in (audited,
notified); ending it, or the sweep after its last day, hands them back; bad input names the field."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from feeds.models import Notification
from process.actions.absences import check_end_absence, check_set_absence, do_hand_back_after_absences
from process.actions.tasks import check_create_task
from process.models import Absence, TaskStatus
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory, PartnerFactory
from .factories import make_task

pytestmark = pytest.mark.django_db

TODAY = dt.date(2026, 12, 7)


@pytest.fixture
def people(tenant):
    priya = MembershipFactory(tenant=tenant, role="planner")
    deputy = MembershipFactory(tenant=tenant, role="planner")
    return priya, deputy


def _away(priya, deputy, start=TODAY, end=TODAY + dt.timedelta(days=4)):
    return check_set_absence(priya, starts_on=start, ends_on=end, stand_in=deputy, today=TODAY)


def test_setting_an_absence_hands_the_tasks_due_meanwhile_to_the_stand_in(tenant, people):
    priya, deputy = people
    during = make_task(tenant, title="During", assignee_member=priya, due_on=TODAY + dt.timedelta(days=2))
    after = make_task(tenant, title="After", assignee_member=priya, due_on=TODAY + dt.timedelta(days=9))
    done = make_task(
        tenant, title="Done", assignee_member=priya, due_on=TODAY + dt.timedelta(days=1), status="done"
    )
    _away(priya, deputy)
    for t in (during, after, done):
        t.refresh_from_db()
    assert (during.assignee_member, during.standing_in_for) == (deputy, priya)
    assert after.assignee_member == priya and done.assignee_member == priya
    assert AuditEvent.objects.filter(verb="absence.set", actor=priya.user).exists()
    transfer = AuditEvent.objects.get(verb="task.transfer", subject=during.subject)
    assert transfer.before == {"assignee": priya.display_name}
    assert transfer.after["assignee"] == deputy.display_name
    assert transfer.after["standing_in_for"] == priya.display_name
    assert Notification.objects.filter(user=deputy.user, verb="task", item__subject=during.subject).exists()


def test_ending_the_absence_hands_the_tasks_back(tenant, people):
    priya, deputy = people
    task = make_task(tenant, title="During", assignee_member=priya, due_on=TODAY + dt.timedelta(days=2))
    absence = _away(priya, deputy, start=TODAY - dt.timedelta(days=2))
    kept = check_end_absence(priya, absence, today=TODAY)
    assert kept.ends_on == TODAY - dt.timedelta(days=1)  # it happened: the record stays, cut short
    task.refresh_from_db()
    assert (task.assignee_member, task.standing_in_for) == (priya, None)
    assert AuditEvent.objects.filter(verb="absence.end", actor=priya.user).exists()
    assert Notification.objects.filter(user=priya.user, item__verb="task.hand_back").exists()


def test_an_absence_not_yet_begun_is_dropped_when_ended(tenant, people):
    priya, deputy = people
    absence = _away(priya, deputy, start=TODAY + dt.timedelta(days=3), end=TODAY + dt.timedelta(days=5))
    assert check_end_absence(priya, absence, today=TODAY) is None
    assert not Absence.objects.filter(pk=absence.pk).exists()


def test_the_sweep_hands_tasks_back_after_the_last_day_and_not_before(tenant, people):
    priya, deputy = people
    task = make_task(tenant, title="During", assignee_member=priya, due_on=TODAY + dt.timedelta(days=2))
    _away(priya, deputy)
    assert do_hand_back_after_absences(today=TODAY + dt.timedelta(days=4)) == 0  # still away
    assert do_hand_back_after_absences(today=TODAY + dt.timedelta(days=5)) == 1
    task.refresh_from_db()
    assert task.assignee_member == priya and task.standing_in_for is None
    assert do_hand_back_after_absences(today=TODAY + dt.timedelta(days=6)) == 0  # idempotent


def test_a_task_created_while_away_goes_back_too(tenant, people):
    priya, deputy = people
    today = dt.date.today()  # check_create_task asks the clock who is away
    absence = check_set_absence(priya, starts_on=today, ends_on=today, stand_in=deputy)
    task = check_create_task(deputy, title="Approve the supply plan", assignee_member=priya)
    assert task.assignee_member == deputy and task.standing_in_for == priya
    check_end_absence(priya, absence)
    task.refresh_from_db()
    assert task.assignee_member == priya


def test_completed_tasks_stay_with_whoever_did_them(tenant, people):
    priya, deputy = people
    task = make_task(tenant, title="During", assignee_member=priya, due_on=TODAY + dt.timedelta(days=2))
    absence = _away(priya, deputy, start=TODAY - dt.timedelta(days=1))
    task.refresh_from_db()
    task.status = TaskStatus.DONE
    task.save()
    check_end_absence(priya, absence, today=TODAY)
    task.refresh_from_db()
    assert task.assignee_member == deputy


def test_bad_absences_name_the_field_and_write_nothing(tenant, people):
    priya, deputy = people
    partner_user = MembershipFactory(tenant=tenant, partner=PartnerFactory(tenant=tenant))
    cases = [
        ({"starts_on": None, "ends_on": None, "stand_in": None}, {"starts_on", "ends_on", "stand_in"}),
        ({"starts_on": TODAY, "ends_on": TODAY - dt.timedelta(days=1), "stand_in": deputy}, {"ends_on"}),
        ({"starts_on": TODAY, "ends_on": TODAY, "stand_in": priya}, {"stand_in"}),
        ({"starts_on": TODAY, "ends_on": TODAY, "stand_in": partner_user}, {"stand_in"}),
        ({"starts_on": TODAY, "ends_on": TODAY, "stand_in": MembershipFactory()}, {"stand_in"}),
    ]
    for values, fields in cases:
        with pytest.raises(ValidationError) as error:
            check_set_absence(priya, today=TODAY, **values)
        assert set(error.value.message_dict) == fields
    _away(priya, deputy)
    with pytest.raises(ValidationError) as error:
        _away(priya, deputy, start=TODAY + dt.timedelta(days=1))
    assert "starts_on" in error.value.message_dict
    assert Absence.objects.count() == 1
    assert AuditEvent.objects.filter(verb="absence.set").count() == 1


def test_nobody_ends_someone_elses_absence(tenant, people):
    priya, deputy = people
    absence = _away(priya, deputy)
    with pytest.raises(PermissionDenied):
        check_end_absence(deputy, absence, today=TODAY)


def test_what_a_stand_in_holds_for_someone_else_stays_with_them_when_they_go_away_too(tenant, people):
    priya, deputy = people
    third = MembershipFactory(tenant=tenant, role="planner")
    held = make_task(
        tenant,
        title="Held for Priya",
        assignee_member=deputy,
        standing_in_for=priya,
        due_on=TODAY + dt.timedelta(days=1),
    )
    check_set_absence(
        deputy, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=2), stand_in=third, today=TODAY
    )
    held.refresh_from_db()
    assert (held.assignee_member, held.standing_in_for) == (
        deputy,
        priya,
    )  # one hop: Priya still gets it back
