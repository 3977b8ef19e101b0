import pytest
from django.core import mail
from django.db import connection
from django.urls import reverse
from django.utils import timezone

from feeds import actions
from feeds.models import Follow, InboxEntry, Notification

from ..queries import assert_queries
from . import factories as f


@pytest.fixture
def pair(tenant):
    alex, priya = f.member(tenant), f.member(tenant)
    priya.user.username = "priya"
    priya.user.save()
    return alex, priya


def test_immediate_email_goes_to_those_who_asked_for_it_once(pair, run_on_commit):
    alex, priya = pair
    subject = f.subject(alex.tenant, "Contoso Retail")
    actions.do_save_preferences(priya, in_app=True, email_immediate=True)
    run_on_commit(actions.check_create_post, alex, subject=subject, body="@priya can supply cover this?")
    assert len(mail.outbox) == 1
    assert "Contoso Retail" in mail.outbox[0].subject and mail.outbox[0].to == [priya.user.email]
    assert Notification.objects.get(user=priya.user).emailed_at is not None
    assert actions.do_send_notification_emails(list(Notification.objects.values_list("pk", flat=True))) == 0


def test_in_app_off_means_no_bell_entry(pair, run_on_commit):
    alex, priya = pair
    actions.do_save_preferences(priya, in_app=False, email_immediate=False)
    run_on_commit(actions.check_create_post, alex, subject=f.subject(alex.tenant, "X"), body="@priya hi")
    assert not Notification.objects.filter(user=priya.user).exists()
    assert InboxEntry.objects.filter(user=priya.user, mention=True).exists()  # still in the feed


def test_daily_digest_groups_unread_items_by_subject_and_waits_a_day(pair, run_on_commit):
    alex, priya = pair
    contoso, leeds = (
        f.subject(alex.tenant, "Contoso Retail"),
        f.subject(alex.tenant, "Leeds depot", "facility"),
    )
    for s in (contoso, leeds):
        actions.do_follow(priya, s)
    for s, text in ((contoso, "Big order coming"), (leeds, "Dock 3 closed"), (contoso, "Promo confirmed")):
        run_on_commit(actions.check_create_post, alex, subject=s, body=text)
    mail.outbox.clear()
    assert actions.do_send_daily_digests() == 1
    body = mail.outbox[0].body
    assert body.index("== Contoso Retail ==") < body.index("Big order coming")
    assert "== Leeds depot ==" in body and "Dock 3 closed" in body
    assert actions.do_send_daily_digests() == 0  # not again within the interval
    assert (
        actions.do_send_daily_digests(now=timezone.now() + timezone.timedelta(hours=25)) == 0
    )  # nothing new
    actions.do_save_preferences(priya, email_digest=False)
    run_on_commit(actions.check_create_post, alex, subject=contoso, body="More")
    assert actions.do_send_daily_digests(now=timezone.now() + timezone.timedelta(hours=50)) == 0


def test_auto_follow_is_a_setting(pair):
    alex, priya = pair
    subject = f.subject(alex.tenant, "Oat Crunch 500g", "product")
    actions.check_create_post(alex, subject=subject, body="first")
    assert Follow.objects.get(user=alex.user, subject=subject).source == "auto"
    actions.do_save_preferences(priya, auto_follow=False)
    actions.check_create_post(priya, subject=subject, body="second")
    assert not Follow.objects.filter(user=priya.user, subject=subject).exists()
    assert actions.do_auto_follow(tenant=alex.tenant, user=priya.user, subject=subject) is False


def test_following_a_subject_backfills_its_latest_items_as_read(pair, settings):
    settings.FEEDS_FOLLOW_BACKFILL = 2
    alex, priya = pair
    subject = f.subject(alex.tenant, "Contoso Retail")
    posts = [actions.check_create_post(alex, subject=subject, body=f"p{i}") for i in range(3)]
    actions.do_follow(priya, subject)
    backfilled = InboxEntry.objects.filter(user=priya.user)
    assert set(backfilled.values_list("item_id", flat=True)) == {posts[1].pk, posts[2].pk}
    assert not backfilled.filter(unread=True).exists()


def test_kind_filter_and_subject_feed_query_count(pair, client_for, run_on_commit):
    alex, priya = pair
    product = f.subject(alex.tenant, "Oat Crunch 500g", "product")
    customer = f.subject(alex.tenant, "Contoso Retail")
    for s in (product, customer):
        actions.do_follow(priya, s)
        for i in range(4):
            run_on_commit(actions.check_create_post, alex, subject=s, body=f"{s.title} {i}")
    client = client_for(priya)
    home = client.get(reverse("feeds:home", kwargs={"tenant_slug": alex.tenant.slug}), {"kind": "product"})
    assert [e.item.subject_id for e in home.context["page"].entries] == [product.pk] * 4
    quiet = f.subject(alex.tenant, "Quiet customer")
    run_on_commit(actions.check_create_post, alex, subject=quiet, body="only one")
    counts = {}
    for s in (customer, quiet):
        url = reverse("feeds:subject_feed", kwargs={"tenant_slug": alex.tenant.slug, "subject_id": s.pk})
        client.get(url)
        # session, user, membership, subject, page, 4 batch loads, following, follower count, session save
        with assert_queries(12):
            response = client.get(url)
        counts[s.pk] = response.content.count(b'class="feed-item ')
    assert counts == {customer.pk: 4, quiet.pk: 1}


@pytest.mark.postgres
def test_full_text_search_has_gin_indexes(db):
    with connection.cursor() as cursor:
        cursor.execute("SELECT indexname FROM pg_indexes WHERE indexname LIKE '%%search_gin'")
        assert {r[0] for r in cursor.fetchall()} == {"feeditem_search_gin", "comment_search_gin"}
