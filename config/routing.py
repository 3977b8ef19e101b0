"""Websocket routes: each app registers its own (sopsocial.pages.websockets) in AppConfig.ready(), so
this only gathers them. Read after django.setup(), when every app is ready."""

from sopsocial.pages import websockets


def websocket_urlpatterns():
    return websockets.routes()
