"""My work's sections: what belongs to me shows, what does not stays out; mentions leave once answered;
a fixed number of queries whatever the number of rows."""

import datetime as dt

import pytest
from django.utils import timezone

from feeds.actions import check_create_comment, do_create_post, do_follow, do_toggle_reaction
from feeds.models import FeedItem, Notification
from process.selectors import my_work, my_work_count
from sopsocial.subjects.actions import create_subject, set_parents

from ..alerts.factories import make_alert, make_rule
from ..factories import MembershipFactory
from ..queries import assert_queries
from .factories import make_decision, make_task
from .my_work_world import TODAY, alert_item, build

pytestmark = pytest.mark.django_db


def test_each_section_holds_my_rows_and_only_mine(tenant):
    sam, _priya, vic = build(tenant, 2)
    work = my_work(sam, today=TODAY)
    assert [r.task.title for r in work.tasks] == ["Mine 0", "Mine 1", "Team 0", "Team 1"]  # by due date
    assert [r.overdue for r in work.tasks] == [True, False, False, False]
    assert [r.via_team for r in work.tasks] == [False, False, True, True]
    assert len(work.approvals) == 2
    assert sorted(r.alert.title for r in work.alerts) == [
        "Assigned 0",
        "Assigned 1",
        "Followed 0",
        "Followed 1",
    ]
    assert {r.alert.title: r.assigned for r in work.alerts}["Assigned 0"] is True
    assert len(work.mentions) == 2
    assert [r.decision.question for r in work.decisions] == ["Soon 0?", "Soon 1?"]
    assert work.count == 4 + 2 + 4 + 2 + 2 == my_work_count(sam, today=TODAY)
    # Vic, a viewer: his own tasks, no approvals
    vic_work = my_work(vic, today=TODAY)
    assert [r.task.title for r in vic_work.tasks] == ["Vic's 0", "Vic's 1"]
    assert vic_work.approvals == ()


def test_nothing_of_another_tenant_leaks_in(tenant, other_tenant):
    sam, *_ = build(tenant, 1)
    build(other_tenant, 1)  # a second Sam elsewhere
    assert my_work_count(sam, today=TODAY) == my_work(sam, today=TODAY).count == 7


def test_a_high_alert_on_a_child_of_what_i_follow_shows_until_acknowledged(tenant):
    sam = MembershipFactory(tenant=tenant, role="executive")
    customer = create_subject(tenant=tenant, kind="customer", title="Contoso")
    order = create_subject(tenant=tenant, kind="order", title="SO-1")
    set_parents(order, [customer])
    do_follow(sam, customer)
    alert = make_alert(make_rule(tenant, severity="high"), subject=order)
    alert_item(alert)
    assert [r.alert for r in my_work(sam).alerts] == [alert]
    alert.status = "acknowledged"
    alert.save(update_fields=["status"])
    assert my_work(sam).alerts == ()


def test_decisions_show_when_due_within_a_week_overdue_or_undated(tenant):
    sam = MembershipFactory(tenant=tenant, role="executive")
    for days in (-2, 0, 7, 8):
        make_decision(tenant, question=f"In {days}?", owner=sam, due_on=TODAY + dt.timedelta(days=days))
    make_decision(tenant, question="Undated?", owner=sam)
    rows = my_work(sam, today=TODAY).decisions
    assert [r.decision.question for r in rows] == ["In -2?", "In 0?", "In 7?", "Undated?"]
    assert [r.overdue for r in rows] == [True, False, False, False]


@pytest.fixture
def mentioned(tenant):
    sam = MembershipFactory(tenant=tenant, role="executive", user__username="sam")
    priya = MembershipFactory(tenant=tenant, role="planner", user__username="priya")
    subject = create_subject(tenant=tenant, kind="product", title="Oat Crunch")
    return sam, priya, subject


def _mention(priya, sam, subject, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(priya, subject=subject, body="@sam can we cover the spike?")
    assert Notification.objects.filter(user=sam.user, item=post, verb="mention").exists()
    return post


def test_a_mention_is_answered_by_a_comment_on_it(mentioned, django_capture_on_commit_callbacks):
    sam, priya, subject = mentioned
    post = _mention(priya, sam, subject, django_capture_on_commit_callbacks)
    assert [n.item for n in my_work(sam).mentions] == [post]
    check_create_comment(sam, post, body="Yes, from Leeds.")
    assert my_work(sam).mentions == ()


def test_a_mention_is_answered_by_a_reaction(mentioned, django_capture_on_commit_callbacks):
    sam, priya, subject = mentioned
    post = _mention(priya, sam, subject, django_capture_on_commit_callbacks)
    do_toggle_reaction(sam, post, "like")
    assert my_work(sam).mentions == ()


def test_a_mention_is_answered_by_a_later_post_on_its_subject_only(
    mentioned, django_capture_on_commit_callbacks
):
    sam, priya, subject = mentioned
    post = _mention(priya, sam, subject, django_capture_on_commit_callbacks)
    elsewhere = create_subject(tenant=subject.tenant, kind="product", title="Elsewhere")
    do_create_post(sam, subject=elsewhere, body="Unrelated")
    assert [n.item for n in my_work(sam).mentions] == [post]
    do_create_post(sam, subject=subject, body="Covered from Leeds.")
    assert my_work(sam).mentions == ()


def test_what_i_wrote_before_the_mention_does_not_answer_it(mentioned, django_capture_on_commit_callbacks):
    sam, priya, subject = mentioned
    earlier = FeedItem.objects.create(
        tenant=subject.tenant,
        kind=FeedItem.Kind.POST,
        subject=subject,
        author=sam.user,
        body="An old note",
        created=timezone.now() - dt.timedelta(days=1),
    )
    assert earlier.pk
    post = _mention(priya, sam, subject, django_capture_on_commit_callbacks)
    assert [n.item for n in my_work(sam).mentions] == [post]


def test_a_forward_is_answered_on_the_post_it_forwards(mentioned, django_capture_on_commit_callbacks):
    from feeds.actions import check_forward_post

    sam, priya, subject = mentioned
    original = do_create_post(priya, subject=subject, body="Spike next week")
    with django_capture_on_commit_callbacks(execute=True):
        forward = check_forward_post(priya, original, recipients=[sam], note="Have a look")
    assert [n.item for n in my_work(sam).mentions] == [forward]
    check_create_comment(sam, original, body="Looked: fine.")
    assert my_work(sam).mentions == ()


@pytest.mark.parametrize("n", [1, 10])
def test_my_work_reads_in_six_queries_whatever_the_number_of_rows(tenant, n):
    sam, *_ = build(tenant, n)
    with assert_queries(6):  # one per section
        work = my_work(sam, today=TODAY)
        # what the page shows of each row is loaded with it
        for row in work.tasks:
            _ = (row.task.assignee_team, row.task.phase, row.task.standing_in_for)
        for version in work.approvals:
            _ = (version.subject.title, version.based_on)
        for row in work.alerts:
            _ = row.alert.subject.title
        for notification in work.mentions:
            _ = (notification.item.subject.title, notification.actor)
        for row in work.decisions:
            _ = row.decision.cycle
    assert work.count == 7 * n


@pytest.mark.parametrize("n", [1, 10])
def test_the_count_is_one_query_whatever_the_number_of_rows(tenant, n):
    sam, *_ = build(tenant, n)
    with assert_queries(1):
        assert my_work_count(sam, today=TODAY) == 7 * n


def test_tasks_for_nobody_or_cancelled_stay_out(tenant):
    sam = MembershipFactory(tenant=tenant, role="executive")
    make_task(tenant, title="Unassigned")
    make_task(tenant, title="Cancelled", assignee_member=sam, status="cancelled")
    make_task(tenant, title="Started", assignee_member=sam, status="in_progress")
    assert [r.task.title for r in my_work(sam).tasks] == ["Started"]


def test_a_stand_in_sees_the_tasks_of_whom_they_stand_in_for_while_away(tenant):
    from process.models import Absence

    sam = MembershipFactory(tenant=tenant, role="executive")
    deputy = MembershipFactory(tenant=tenant, role="planner")
    make_task(tenant, title="Sam's", assignee_member=sam)
    Absence.objects.create(
        tenant=tenant, member=sam, stand_in=deputy, starts_on=TODAY, ends_on=TODAY + dt.timedelta(days=2)
    )
    rows = my_work(deputy, today=TODAY).tasks
    assert [(r.task.title, r.covering_for) for r in rows] == [("Sam's", sam)]
    assert my_work_count(deputy, today=TODAY) == 1
    assert my_work(deputy, today=TODAY + dt.timedelta(days=3)).tasks == ()  # Sam is back
    assert [r.task.title for r in my_work(sam, today=TODAY).tasks] == ["Sam's"]  # still Sam's task
