"""Websocket routes. Consumers live in their apps; this list only gathers them."""

from django.urls import path

from feeds.consumers import LiveFeedConsumer

websocket_urlpatterns = [
    path("ws/t/<slug:tenant_slug>/live/", LiveFeedConsumer.as_asgi()),
]
