"""Many channel-layer group sends in a few Redis round trips.

A live push goes to one group per recipient (`t<tenant>.u<user>`), and channels-redis's `group_send`
costs four Redis round trips per group: a post to a hundred followers spent ~65 ms in them. Here the
members of every recipient's group are read in one pipeline and every message is written by one script
call per Redis host. The commands, expiry, capacity check and message format are `group_send`'s own
(channels-redis 4.3.0, pinned in pyproject.toml; `_group_key` and `_map_channel_keys_to_connection` are
its internals, so an upgrade must re-check this module: tests/feeds/test_live_send.py does), so
consumers receive the messages as usual. Other layers (the in-memory one of the embedded default) get
one `group_send` per group.
"""

import time
from collections import defaultdict

from channels_redis.core import RedisChannelLayer

# group_send's script, plus its "discard expired messages" step done per key in the same call.
_SEND = """
local count = #ARGV - 2
local keys = #KEYS
local now, expiry = tonumber(ARGV[count + 1]), tonumber(ARGV[count + 2])
local over_capacity = 0
for i = 1, keys do
    redis.call('ZREMRANGEBYSCORE', KEYS[i], 0, math.floor(now) - expiry)
    if redis.call('ZCOUNT', KEYS[i], '-inf', '+inf') < tonumber(ARGV[i + keys]) then
        redis.call('ZADD', KEYS[i], now, ARGV[i])
        redis.call('EXPIRE', KEYS[i], expiry)
    else
        over_capacity = over_capacity + 1
    end
end
return over_capacity
"""
# Messages per script call: a call blocks Redis while it runs, so thousands go in slices.
SLICE = 500


async def send_to_groups(layer, messages):
    """Send each `(group, message)`; returns how many messages found their channel full (dropped, as
    `group_send` drops them; one message may be shared by several groups)."""
    if not isinstance(layer, RedisChannelLayer):
        for group, message in messages:
            await layer.group_send(group, message)
        return 0
    channels = await _group_channels(layer, [group for group, _ in messages])
    # Groups sent the same message share it: a server process then pops it once for all its sockets.
    same = {}
    for group, message in messages:
        same.setdefault(repr(sorted(message.items())), (message, []))[1].extend(channels[group])
    writes = defaultdict(list)  # host index -> [(channel key, serialized message, capacity)]
    for message, members in same.values():
        by_host, payloads, capacities = layer._map_channel_keys_to_connection(members, message)
        for index, keys in by_host.items():
            writes[index].extend((key, payloads[key], capacities[key]) for key in keys)
    dropped = 0
    for index, rows in writes.items():
        for start in range(0, len(rows), SLICE):
            part = rows[start : start + SLICE]
            args = [p for _, p, _ in part] + [c for *_, c in part] + [time.time(), layer.expiry]
            dropped += await layer.connection(index).eval(_SEND, len(part), *(k for k, _, _ in part), *args)
    return dropped


async def _group_channels(layer, groups):
    """{group: [channel names]}, dropping members older than the group expiry as `group_send` does."""
    by_host = defaultdict(list)
    for group in set(groups):
        by_host[layer.consistent_hash(group)].append(group)
    oldest = int(time.time()) - layer.group_expiry
    channels = {}
    for index, batch in by_host.items():
        pipe = layer.connection(index).pipeline(transaction=False)
        for group in batch:
            pipe.zremrangebyscore(layer._group_key(group), min=0, max=oldest)
            pipe.zrange(layer._group_key(group), 0, -1)
        replies = await pipe.execute()
        for group, members in zip(batch, replies[1::2], strict=True):
            channels[group] = [m.decode("utf8") for m in members]
    return channels
