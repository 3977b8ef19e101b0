"""What the URL-walking isolation test needs to know about each route.

Every route under /t/<tenant_slug>/ (and /api/v1/t/<tenant_slug>/) must have a `RouteCase` in one of
the `cases_*.py` modules beside this file; every id-like URL kwarg must have a builder that makes an
object of the *victim* tenant and returns its id. A route or kwarg the test does not know fails it.
Each app owns its own cases file (cases_core.py, cases_planning.py, cases_feeds.py, cases_alerts.py).
"""

from dataclasses import dataclass, field


@dataclass(frozen=True)
class RouteCase:
    name: str  # "namespace:url_name"
    methods: tuple = ("GET",)
    data: dict = field(default_factory=dict)  # POST body used for write routes
    external_ok: bool = False  # partner users may open it (with only what is shared with them)


@dataclass
class World:
    """The victim tenant with its people and objects; builders add objects and cache them here."""

    tenant: object
    admin: object
    planner: object
    partner_member: object
    cache: dict = field(default_factory=dict)

    def once(self, key, make):
        if key not in self.cache:
            self.cache[key] = make()
        return self.cache[key]
