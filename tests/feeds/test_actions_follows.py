"""Batch auto-follow: a load of thousands of owned objects costs a fixed number of queries, follows only
people who want it, and leaves each object's trail saying who followed."""

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from feeds.actions import do_auto_follow_many, do_create_system_item
from feeds.models import Follow, InboxEntry, NotificationPreference
from sopsocial.audit.models import AuditEvent
from sopsocial.audit.selectors import trail_for_subject

from ..queries import assert_queries
from .factories import member, subject

pytestmark = pytest.mark.django_db


def _follow_many(tenant, pairs):
    with transaction.atomic():
        return do_auto_follow_many(tenant=tenant, pairs=pairs)


def test_following_two_hundred_new_subjects_costs_the_same_queries_as_two(tenant):
    alex, sam = member(tenant), member(tenant)
    two = [(alex.user, subject(tenant, title=f"First {i}")) for i in range(2)]
    many = [
        (user, subject(tenant, title=f"Customer {i}")) for i in range(100) for user in (alex.user, sam.user)
    ]
    with CaptureQueriesContext(connection) as few:
        assert _follow_many(tenant, two) == 2
    # One more audit event (and its related links) for the second person; nothing per subject.
    with assert_queries(len(few) + 4):
        assert _follow_many(tenant, many) == 200
    assert Follow.objects.filter(source=Follow.Source.AUTO).count() == 202


def test_people_who_turned_auto_follow_off_or_left_are_passed_over(tenant):
    keen, reluctant, gone = member(tenant), member(tenant), member(tenant, is_active=False)
    NotificationPreference.objects.create(tenant=tenant, user=reluctant.user, auto_follow=False)
    customer = subject(tenant)
    made = _follow_many(tenant, [(m.user, customer) for m in (keen, reluctant, gone)])
    assert made == 1
    assert list(Follow.objects.filter(subject=customer).values_list("user", flat=True)) == [keen.user.pk]


def test_existing_follows_are_kept_and_a_second_batch_makes_none(tenant):
    alex = member(tenant)
    customers = [subject(tenant, title=f"C{i}") for i in range(3)]
    assert _follow_many(tenant, [(alex.user, c) for c in customers]) == 3
    assert _follow_many(tenant, [(alex.user, c) for c in customers]) == 0
    assert Follow.objects.filter(user=alex.user).count() == 3


def test_one_follow_is_audited_on_its_subject_and_a_batch_names_every_subject(tenant):
    alex = member(tenant)
    single = subject(tenant, title="Single")
    batch = [subject(tenant, title=f"Batch {i}") for i in range(3)]
    _follow_many(tenant, [(alex.user, single)])
    _follow_many(tenant, [(alex.user, s) for s in batch])
    events = list(AuditEvent.objects.filter(tenant=tenant, verb="feeds.follow").order_by("seq"))
    assert len(events) == 2
    assert events[0].subject_id == single.pk and events[0].target == "Single"
    assert events[1].target == "3 subjects"
    for s in batch:
        assert events[1].pk in {e.pk for e in trail_for_subject(s)}


def test_a_subject_that_already_has_items_backfills_the_new_follower_inbox(tenant):
    author, alex = member(tenant), member(tenant)
    customer = subject(tenant)
    with transaction.atomic():
        do_create_system_item(tenant=tenant, subject=customer, verb="feeds.system_item", text="Earlier news")
    _follow_many(tenant, [(alex.user, customer)])
    assert InboxEntry.objects.filter(user=alex.user, reason_subject=customer, unread=False).count() == 1
    assert author  # the author is a separate person; the follower alone gets the backfill
