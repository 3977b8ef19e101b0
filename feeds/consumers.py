"""The live websocket: session-authenticated (AuthMiddlewareStack), origin-checked
(AllowedHostsOriginValidator in config/asgi.py), tenant-checked here, and joined only to the
user's own group. It only relays what the fan-out sends; it accepts nothing from the client."""

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer

from sopsocial.tenancy.live import CLOSE_CODE, tenant_group
from sopsocial.tenancy.models import Membership

from .live import group_name


@database_sync_to_async
def _membership(user, tenant_slug):
    return (
        Membership.objects.filter(
            user=user, tenant__slug=tenant_slug, is_active=True, tenant__suspended_at__isnull=True
        )
        .values_list("tenant_id", flat=True)
        .first()
    )


class LiveFeedConsumer(AsyncWebsocketConsumer):
    group = None
    tenant_group = None

    async def connect(self):
        user = self.scope.get("user")
        if user is None or not user.is_authenticated:
            await self.close(code=4401)
            return
        tenant_id = await _membership(user, self.scope["url_route"]["kwargs"]["tenant_slug"])
        if tenant_id is None:
            await self.close(code=4404)
            return
        self.group, self.tenant_group = group_name(tenant_id, user.pk), tenant_group(tenant_id)
        await self.channel_layer.group_add(self.group, self.channel_name)
        await self.channel_layer.group_add(self.tenant_group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in (self.group, self.tenant_group):
            if group:
                await self.channel_layer.group_discard(group, self.channel_name)

    async def access_ended(self, event):
        """The tenant was suspended or this person's access ended: close; reconnecting is refused."""
        await self.close(code=CLOSE_CODE)

    async def receive(self, text_data=None, bytes_data=None):
        # The page has nothing to say over this socket; ignore (htmx may send form values).
        return

    async def feed_push(self, event):
        await self.send(text_data=event["html"])
