from .registry import RouteCase

ROUTES = [
    RouteCase("feeds:home", external_ok=True),
]
KWARGS = {}
