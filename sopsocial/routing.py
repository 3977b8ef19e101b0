"""Websocket routes. Consumers live in their apps; this list only gathers them."""

websocket_urlpatterns = []
