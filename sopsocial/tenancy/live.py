"""Who may keep a live socket open: the channel-layer groups every tenant socket joins, and the message
that closes them when access ends (a tenant suspended, a member removed, a partner deactivated).

Apps' consumers join `member_group` and `tenant_group` and close on an `access.ended` event. A socket
is checked when it connects; this closes the ones already open, after the change commits. If the channel
layer is unreachable the sockets stay open until they reconnect (and are refused), and pushes to them
stop anyway, so nothing is shown that should not be: the failure is logged, never raised.
"""

import logging
from collections.abc import Iterable

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction

log = logging.getLogger(__name__)

ACCESS_ENDED = "access.ended"  # the consumer's `access_ended` handler
CLOSE_CODE = 4403


def member_group(tenant_id: int, user_id: int) -> str:
    """The group of one person's sockets in one tenant (also where their live pushes go)."""
    return f"t{tenant_id}.u{user_id}"


def tenant_group(tenant_id: int) -> str:
    """The group of every socket of a tenant."""
    return f"t{tenant_id}.all"


def close_sockets_on_commit(tenant_id: int, user_ids: Iterable[int] | None = None) -> None:
    """After commit, close the tenant's open sockets: every one, or those of `user_ids`."""
    groups = [tenant_group(tenant_id)] if user_ids is None else [member_group(tenant_id, u) for u in user_ids]
    transaction.on_commit(lambda: _send(groups))


def _send(groups: list[str]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    for group in groups:
        try:
            async_to_sync(layer.group_send)(group, {"type": ACCESS_ENDED})
        except Exception as error:  # noqa: BLE001 - a broker outage must not fail the committed change
            log.warning(
                "channel layer unreachable; open sockets of %s close when they reconnect: %s", group, error
            )
