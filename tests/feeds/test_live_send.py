"""feeds.live_send writes what channels-redis's own group_send writes, in a few round trips. Run against
the real Redis: the module leans on channels-redis internals, so an upgrade that changes them fails here."""

import asyncio
import uuid

import pytest
from channels.layers import InMemoryChannelLayer
from django.conf import settings

from feeds.live_send import send_to_groups


def _layer(prefix=None, **config):
    from channels_redis.core import RedisChannelLayer

    return RedisChannelLayer(
        hosts=[settings.REDIS_URL], prefix=prefix or f"test-{uuid.uuid4().hex[:8]}", **config
    )


async def _receive(layer, channel):
    return await asyncio.wait_for(layer.receive(channel), timeout=5)


@pytest.mark.redis
def test_each_group_member_receives_its_own_message_once():
    async def scenario():
        daphne_a = _layer()
        daphne_b = _layer(prefix=daphne_a.prefix)  # a second server process: its own channel key
        sam, sam_tab, olu = (
            await daphne_a.new_channel(),
            await daphne_b.new_channel(),
            await daphne_a.new_channel(),
        )
        await daphne_a.group_add("t1.u1", sam)
        await daphne_a.group_add("t1.u1", sam_tab)  # the same person in a second tab
        await daphne_a.group_add("t1.u2", olu)
        sender = _layer(prefix=daphne_a.prefix)  # the Celery worker
        dropped = await send_to_groups(
            sender,
            [
                ("t1.u1", {"type": "feed.push", "html": "for sam"}),
                ("t1.u2", {"type": "feed.push", "html": "for olu"}),
                ("t1.u3", {"type": "feed.push", "html": "nobody is connected"}),
            ],
        )
        got = {
            "sam": await _receive(daphne_a, sam),
            "olu": await _receive(daphne_a, olu),
            "sam_tab": await _receive(daphne_b, sam_tab),
        }
        for layer in (daphne_a, daphne_b, sender):
            await layer.flush()
        return dropped, got

    dropped, got = asyncio.run(scenario())
    assert dropped == 0
    assert {k: v["html"] for k, v in got.items()} == {
        "sam": "for sam",
        "olu": "for olu",
        "sam_tab": "for sam",
    }
    assert {v["type"] for v in got.values()} == {"feed.push"}


@pytest.mark.redis
def test_a_full_channel_drops_the_message_as_group_send_would():
    async def scenario():
        layer = _layer(capacity=2)
        channel = await layer.new_channel()
        await layer.group_add("t1.u1", channel)
        dropped = await send_to_groups(
            layer, [("t1.u1", {"type": "feed.push", "html": str(i)}) for i in range(3)]
        )
        received = [(await _receive(layer, channel))["html"] for _ in range(2)]
        await layer.flush()
        return dropped, received

    dropped, received = asyncio.run(scenario())
    assert dropped == 1
    assert sorted(received) == ["0", "1"]


def test_other_layers_get_one_group_send_per_group():
    async def scenario():
        layer = InMemoryChannelLayer()
        channel = await layer.new_channel()
        await layer.group_add("t1.u1", channel)
        dropped = await send_to_groups(layer, [("t1.u1", {"type": "feed.push", "html": "hi"})])
        return dropped, await layer.receive(channel)

    dropped, message = asyncio.run(scenario())
    assert dropped == 0 and message["html"] == "hi"


@pytest.mark.redis
def test_groups_sent_the_same_message_share_one_redis_message():
    async def scenario():
        layer = _layer()
        sam, olu = await layer.new_channel(), await layer.new_channel()
        await layer.group_add("t1.u1", sam)
        await layer.group_add("t1.u2", olu)
        same = {"type": "feed.push", "html": "the same card and badges"}
        await send_to_groups(layer, [("t1.u1", same), ("t1.u2", same)])
        queued = await layer.connection(0).zcard(layer.prefix + layer.non_local_name(sam))
        got = [(await _receive(layer, c))["html"] for c in (sam, olu)]
        await layer.flush()
        return queued, got

    queued, got = asyncio.run(scenario())
    assert queued == 1
    assert got == ["the same card and badges"] * 2
