"""Open live sockets close when access ends: all of a tenant's when it is suspended, one person's when
they are removed; other sockets stay open. Reconnecting is refused (checked on connect)."""

import pytest
from asgiref.sync import async_to_sync
from channels.db import database_sync_to_async

from sopsocial.tenancy.actions import check_deactivate_member
from sopsocial.tenancy.live import CLOSE_CODE
from sopsocial.tenancy.tenant_actions import do_suspend_tenant

from ..factories import MembershipFactory, UserFactory
from .test_consumers import communicator


@pytest.fixture
def layer(settings):
    settings.CHANNEL_LAYERS = {"default": {"BACKEND": "channels.layers.InMemoryChannelLayer"}}


async def _closed(comm):
    output = await comm.receive_output(timeout=5)
    return output["type"] == "websocket.close" and output.get("code") == CLOSE_CODE


@pytest.mark.django_db(transaction=True)
def test_suspending_a_tenant_closes_its_open_sockets_only(layer, tenant, other_tenant):
    planner, viewer = MembershipFactory(tenant=tenant, role="planner"), MembershipFactory(tenant=tenant)
    elsewhere = MembershipFactory(tenant=other_tenant)
    operator = UserFactory(is_staff=True)

    async def scenario():
        sockets = [communicator(m.user, m.tenant.slug) for m in (planner, viewer, elsewhere)]
        for comm in sockets:
            assert (await comm.connect())[0]
        await database_sync_to_async(do_suspend_tenant)(tenant, actor=operator)
        closed = [await _closed(sockets[0]), await _closed(sockets[1])]
        still_open = await sockets[2].receive_nothing(timeout=0.3)
        again = communicator(planner.user, tenant.slug)
        reconnected = (await again.connect())[0]
        await sockets[2].disconnect()
        return closed, still_open, reconnected

    closed, still_open, reconnected = async_to_sync(scenario)()
    assert closed == [True, True] and still_open and not reconnected


@pytest.mark.django_db(transaction=True)
def test_removing_a_member_closes_their_sockets_and_nobody_elses(layer, tenant, admin_member):
    leaving, staying = MembershipFactory(tenant=tenant), MembershipFactory(tenant=tenant)

    async def scenario():
        gone, kept = communicator(leaving.user, tenant.slug), communicator(staying.user, tenant.slug)
        assert (await gone.connect())[0] and (await kept.connect())[0]
        await database_sync_to_async(check_deactivate_member)(admin_member, leaving)
        result = await _closed(gone), await kept.receive_nothing(timeout=0.3)
        await kept.disconnect()
        return result

    assert async_to_sync(scenario)() == (True, True)
