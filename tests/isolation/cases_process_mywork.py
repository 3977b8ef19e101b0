"""My work's routes (the version_id kwarg is planning's, in cases_planning.py)."""

from .registry import RouteCase

ROUTES = [
    RouteCase("process:my_work"),
    RouteCase("process:approve_version", methods=("GET", "POST")),
]
