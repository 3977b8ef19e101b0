"""The live socket in-process (no servers): only members get in, each joins only its own group, and
the fan-out's pushes reach exactly the recipients' sockets."""

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.contrib.auth.models import AnonymousUser

from feeds import actions
from feeds.consumers import LiveFeedConsumer

from ..factories import MembershipFactory
from . import factories as f


def communicator(user, slug):
    app = LiveFeedConsumer.as_asgi()
    comm = WebsocketCommunicator(app, f"/ws/t/{slug}/live/")
    comm.scope["user"] = user
    comm.scope["url_route"] = {"kwargs": {"tenant_slug": slug}}
    return comm


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


@pytest.mark.django_db(transaction=True)
def test_members_only_and_pushes_reach_exactly_the_recipients(layer, tenant, other_tenant, settings):
    settings.CELERY_TASK_ALWAYS_EAGER = True
    alex, sam, bystander = f.member(tenant), f.member(tenant), f.member(tenant)
    stranger = MembershipFactory(tenant=other_tenant)
    subject = f.subject(tenant, "Contoso Retail")
    actions.do_follow(sam, subject)

    async def scenario():
        refused = []
        for user, slug in ((AnonymousUser(), tenant.slug), (stranger.user, tenant.slug)):
            comm = communicator(user, slug)
            connected, _ = await comm.connect()
            refused.append(connected)
            await comm.disconnect()
        sam_ws, bystander_ws, stranger_ws = (
            communicator(sam.user, tenant.slug),
            communicator(bystander.user, tenant.slug),
            communicator(stranger.user, other_tenant.slug),
        )
        for comm in (sam_ws, bystander_ws, stranger_ws):
            assert (await comm.connect())[0]
        from channels.db import database_sync_to_async

        await database_sync_to_async(actions.check_create_post)(alex, subject=subject, body="Pushed zq7")
        message = await sam_ws.receive_from(timeout=5)
        others = [await c.receive_nothing(timeout=0.3) for c in (bystander_ws, stranger_ws)]
        for comm in (sam_ws, bystander_ws, stranger_ws):
            await comm.disconnect()
        return refused, message, others

    refused, message, others = async_to_sync(scenario)()
    assert refused == [False, False]
    assert "Pushed zq7" in message and 'id="feed-badges"' in message and "1 new" in message
    assert others == [True, True]
