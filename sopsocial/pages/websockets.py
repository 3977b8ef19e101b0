"""Websocket routes that apps add (each with its consumer), gathered by config/routing.py. The core
names no consumer; an app registers its routes in AppConfig.ready()."""

from django.urls import URLPattern

_routes: list[URLPattern] = []


def register(*routes: URLPattern) -> None:
    for route in routes:
        if all(str(route.pattern) != str(existing.pattern) for existing in _routes):
            _routes.append(route)


def routes() -> list[URLPattern]:
    return list(_routes)
