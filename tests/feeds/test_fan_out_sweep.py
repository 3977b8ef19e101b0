"""A feed item whose fan-out message was lost (worker killed, Redis restarted) is delivered by the beat
sweep, late but once."""

import pytest
from django.utils import timezone

from feeds import actions, tasks
from feeds.models import FeedItem, InboxEntry
from sopsocial.subjects.actions import create_subject

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_the_sweep_fans_out_an_item_whose_message_was_lost(
    tenant, django_capture_on_commit_callbacks, settings
):
    alex, sam = MembershipFactory(tenant=tenant), MembershipFactory(tenant=tenant)
    contoso = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    actions.do_follow(sam, contoso)
    with django_capture_on_commit_callbacks(execute=False):  # the fan-out message never arrives
        post = actions.check_create_post(alex, subject=contoso, body="Lost in transit")
    assert not InboxEntry.objects.filter(user=sam.user, item=post).exists()
    assert tasks.sweep_fan_out() == 0  # within the grace period the original task may still come
    FeedItem.objects.filter(pk=post.pk).update(created=timezone.now() - timezone.timedelta(minutes=5))
    assert tasks.sweep_fan_out() == 1
    assert InboxEntry.objects.filter(user=sam.user, item=post).count() == 1
    assert tasks.sweep_fan_out() == 0
    actions.do_fan_out_item(post.pk)  # the original message turning up late changes nothing
    assert InboxEntry.objects.filter(user=sam.user, item=post).count() == 1
