"""The reminder sweep with a frozen clock: before the due date, each overdue day, escalation to the phase
owner once, never twice for the same thing, and to the stand-in while the assignee is away."""

import datetime as dt
from unittest import mock

import pytest

from feeds.models import FeedItem, Notification
from process.actions.reminders import do_remind_tasks
from process.models import Absence, ProcessSettings, TaskStatus
from process.tasks import remind_tasks
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Team, TeamMembership

from ..factories import MembershipFactory
from .factories import make_cycle, make_phase, make_task

pytestmark = pytest.mark.django_db

DUE = dt.date(2026, 12, 10)


@pytest.fixture
def setup(tenant):
    priya = MembershipFactory(tenant=tenant, role="planner")
    owner = MembershipFactory(tenant=tenant, role="planner")
    phase = make_phase(make_cycle(tenant), owner_member=owner)
    task = make_task(tenant, title="Confirm Leeds capacity", assignee_member=priya, due_on=DUE, phase=phase)
    return priya, owner, task


def _notified(member, verb="task.remind"):
    return Notification.objects.filter(user=member.user, verb="task", item__verb=verb).count()


def test_the_assignee_is_reminded_the_set_number_of_days_before_and_only_once(tenant, setup):
    priya, _, task = setup
    ProcessSettings.objects.create(tenant=tenant, remind_days_before=2)
    assert do_remind_tasks(today=DUE - dt.timedelta(days=3)).before_due == []
    assert do_remind_tasks(today=DUE - dt.timedelta(days=2)).before_due == [task.pk]
    item = FeedItem.objects.get(subject=task.subject, verb="task.remind")
    assert "Confirm Leeds capacity" in item.body and item.author is None
    assert _notified(priya) == 1
    # the next run, the same day or the day after: nothing again for that due date
    assert do_remind_tasks(today=DUE - dt.timedelta(days=2)).before_due == []
    assert do_remind_tasks(today=DUE - dt.timedelta(days=1)).before_due == []
    assert _notified(priya) == 1
    event = AuditEvent.objects.get(verb="task.remind", subject=task.subject)
    assert event.actor is None and event.actor_label == "system"


def test_overdue_reminders_go_once_a_day(setup):
    priya, _, task = setup
    day_after = DUE + dt.timedelta(days=1)
    assert do_remind_tasks(today=day_after).overdue == [task.pk]
    assert do_remind_tasks(today=day_after).overdue == []
    assert _notified(priya, "task.overdue") == 1
    assert do_remind_tasks(today=day_after + dt.timedelta(days=1)).overdue == [task.pk]
    assert _notified(priya, "task.overdue") == 2
    assert "Overdue by 2 days" in FeedItem.objects.filter(verb="task.overdue").latest("id").body


def test_a_task_overdue_past_the_tenant_limit_is_escalated_to_the_phase_owner_once(tenant, setup):
    priya, owner, task = setup
    ProcessSettings.objects.create(tenant=tenant, escalate_after_days=3)
    assert do_remind_tasks(today=DUE + dt.timedelta(days=2)).escalated == []
    assert do_remind_tasks(today=DUE + dt.timedelta(days=3)).escalated == [task.pk]
    assert _notified(owner, "task.escalate") == 1 and _notified(priya, "task.escalate") == 0
    assert AuditEvent.objects.filter(verb="task.escalate", subject=task.subject, actor=None).count() == 1
    assert do_remind_tasks(today=DUE + dt.timedelta(days=4)).escalated == []
    assert _notified(owner, "task.escalate") == 1


def test_escalation_to_a_team_owner_reaches_every_member(tenant, setup):
    _, _, task = setup
    team = Team.objects.create(tenant=tenant, name="Supply planning", handle="supply")
    a, b = MembershipFactory(tenant=tenant), MembershipFactory(tenant=tenant)
    for m in (a, b):
        TeamMembership.objects.create(tenant=tenant, team=team, member=m)
    phase = task.phase
    phase.owner_member, phase.owner_team = None, team
    phase.save()
    do_remind_tasks(today=DUE + dt.timedelta(days=5))
    assert _notified(a, "task.escalate") == 1 and _notified(b, "task.escalate") == 1


def test_the_stand_in_receives_the_reminders_while_the_assignee_is_away(tenant, setup):
    priya, _, task = setup
    deputy = MembershipFactory(tenant=tenant, role="planner")
    day = DUE - dt.timedelta(days=1)
    Absence.objects.create(tenant=tenant, member=priya, stand_in=deputy, starts_on=day, ends_on=DUE)
    do_remind_tasks(today=day)
    assert _notified(deputy) == 1 and _notified(priya) == 0


def test_done_and_unassigned_tasks_and_suspended_tenants_get_nothing(tenant, setup):
    _, _, task = setup
    task.status = TaskStatus.DONE
    task.save()
    make_task(tenant, title="Nobody's", due_on=DUE)
    counts = do_remind_tasks(today=DUE + dt.timedelta(days=9))
    assert counts.as_dict() == {"before_due": 0, "overdue": 0, "escalated": 0}
    task.status = TaskStatus.OPEN
    task.save()
    tenant.suspended_at = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
    tenant.save()
    assert do_remind_tasks(today=DUE + dt.timedelta(days=9)).overdue == []


def test_the_beat_task_reads_todays_date_from_the_clock(setup):
    _, _, task = setup
    frozen = dt.datetime(2026, 12, 12, 8, 0, tzinfo=dt.UTC)
    with mock.patch("django.utils.timezone.now", return_value=frozen):
        result = remind_tasks()
    assert result == {"before_due": 0, "overdue": 1, "escalated": 1}
    task.refresh_from_db()
    assert task.reminded_overdue_on == dt.date(2026, 12, 12) and task.escalated_at == frozen


def test_a_reminder_e_mail_says_what_is_due_by_preference(
    tenant, setup, mailoutbox, django_capture_on_commit_callbacks
):
    from feeds.models import NotificationPreference

    priya, _, _ = setup
    NotificationPreference.objects.create(tenant=tenant, user=priya.user, email_immediate=True)
    with django_capture_on_commit_callbacks(execute=True):
        do_remind_tasks(today=DUE)
    (mail,) = mailoutbox
    assert mail.to == [priya.user.email]
    assert mail.subject == f"[{tenant.name}] Reminder: due today: Confirm Leeds capacity"
