import pytest
from django.core.exceptions import ValidationError
from django.db import transaction

from feeds import actions
from feeds.models import FeedItem, FeedItemSubject, InboxEntry, Mention, Notification, Post
from sopsocial.audit.models import AuditEvent

from . import factories as f


@pytest.fixture
def world(tenant):
    brand = f.subject(tenant, "Crunchy", "brand")
    product = f.subject(tenant, "Oat Crunch 500g", "product", parents=[brand])
    customer = f.subject(tenant, "Contoso Retail", "customer")
    order = f.subject(tenant, "SO-1001", "sales_order", parents=[customer, product])
    return {"brand": brand, "product": product, "customer": customer, "order": order}


def test_post_on_an_order_reaches_followers_of_its_customer_and_brand_once_each(tenant, world, run_on_commit):
    alex, sam, fan = f.member(tenant), f.member(tenant, "executive"), f.member(tenant)
    actions.do_follow(sam, world["customer"])
    actions.do_follow(fan, world["brand"])
    actions.do_follow(fan, world["product"])
    post, _ = run_on_commit(actions.check_create_post, alex, subject=world["order"], body="Order confirmed")
    assert isinstance(post, Post) and post.kind == "post"
    placed = dict(FeedItemSubject.objects.filter(item=post).values_list("subject_id", "relation"))
    assert placed == {
        world["order"].pk: 0,
        world["customer"].pk: 2,
        world["product"].pk: 2,
        world["brand"].pk: 2,
    }
    inbox = {e.user_id: e for e in InboxEntry.objects.filter(item=post)}
    assert set(inbox) == {alex.user_id, sam.user_id, fan.user_id}  # alex auto-follows the order
    assert inbox[sam.user_id].reason_subject_id == world["customer"].pk and inbox[sam.user_id].unread
    assert inbox[fan.user_id].reason_subject_id in {
        world["product"].pk,
        world["brand"].pk,
    }  # one row, a reason
    assert inbox[alex.user_id].unread is False
    assert AuditEvent.objects.filter(verb="feeds.post_create", subject=world["order"]).count() == 1


def test_bad_post_writes_nothing(tenant, world):
    alex = f.member(tenant)
    before = (FeedItem.objects.count(), AuditEvent.objects.count())
    with pytest.raises(ValidationError) as error:
        actions.check_create_post(alex, subject=world["order"], body="   ")
    assert "body" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        actions.check_create_post(alex, subject=world["order"], body="x", visibility="everyone")
    assert "visibility" in error.value.message_dict
    assert (FeedItem.objects.count(), AuditEvent.objects.count()) == before


def test_post_inside_an_outer_transaction_fans_out_only_after_commit(
    tenant, world, django_capture_on_commit_callbacks
):
    alex, sam = f.member(tenant), f.member(tenant)
    actions.do_follow(sam, world["customer"])
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            post = actions.check_create_post(alex, subject=world["customer"], body="Plan change: why")
            assert not InboxEntry.objects.filter(item=post, user=sam.user).exists()
    assert InboxEntry.objects.filter(item=post, user=sam.user).exists()


def test_mentions_notify_and_reach_the_inbox_of_non_followers(tenant, world, run_on_commit):
    alex, priya = f.member(tenant), f.member(tenant)
    priya.user.username = "priya"
    priya.user.save()
    post, _ = run_on_commit(
        actions.check_create_post, alex, subject=world["order"], body="@priya can supply cover this?"
    )
    assert 'class="mention"' in post.body_html
    assert Mention.objects.filter(item=post, user=priya.user).exists()
    assert Notification.objects.filter(user=priya.user, verb="mention").exists()
    entry = InboxEntry.objects.get(item=post, user=priya.user)
    assert entry.mention and entry.reason_subject_id is None


def test_system_item_and_alert_reach_followers(tenant, world, run_on_commit):
    dana = f.member(tenant)
    actions.do_follow(dana, world["product"])
    item, _ = run_on_commit(
        actions.do_create_system_item,
        tenant=tenant,
        subject=world["order"],
        verb="alert.raise",
        text="Demand spike: 4,800 vs 1,200 (+300%)",
        data={"severity": "high"},
        kind="alert",
    )
    entry = InboxEntry.objects.get(item=item, user=dana.user)
    assert entry.alert and entry.unread
    assert Notification.objects.filter(user=dana.user, verb="alert", item=item).exists()
    assert AuditEvent.objects.filter(verb="feeds.alert_item").exists()


def test_fan_out_is_idempotent(tenant, world, run_on_commit):
    alex, sam = f.member(tenant), f.member(tenant)
    actions.do_follow(sam, world["customer"])
    post, _ = run_on_commit(actions.check_create_post, alex, subject=world["customer"], body="Hello")
    assert actions.do_fan_out_item(post.pk) == []
    assert InboxEntry.objects.filter(item=post).count() == 2


def test_editing_in_a_mention_notifies_and_delivers_once(tenant, world, run_on_commit):
    alex, priya = f.member(tenant), f.member(tenant)
    priya.user.username = "priya"
    priya.user.save()
    post, _ = run_on_commit(actions.check_create_post, alex, subject=world["order"], body="Draft")
    run_on_commit(actions.check_edit_post, alex, post, body="Draft, @priya please check")
    run_on_commit(actions.check_edit_post, alex, post, body="Final, @priya please check")
    assert Notification.objects.filter(user=priya.user, item=post).count() == 1
    assert InboxEntry.objects.get(user=priya.user, item=post).mention
    assert [r.body for r in post.revisions.all()] == ["Draft, @priya please check", "Draft"]
