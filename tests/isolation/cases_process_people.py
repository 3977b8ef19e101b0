"""People and teams routes for the URL-walking isolation test. The person page reuses the core's
`membership_id` builder (a member of the victim tenant whose person subject is not shared with its
partner, so the partner user gets 404); teams are internal: partner users get 404 on every team route."""

from sopsocial.tenancy.models import Team

from .registry import RouteCase


def _team(world):
    return world.once(
        "people_team",
        lambda: Team.objects.create(tenant=world.tenant, name="Victim team", handle="victim-team"),
    )


ROUTES = [
    RouteCase("process:person", external_ok=True),
    RouteCase("process:teams"),
    RouteCase("process:team_create", methods=("GET", "POST"), data={"name": "Intruders"}),
    RouteCase("process:team"),
    RouteCase("process:team_edit", methods=("GET", "POST"), data={"name": "Defaced"}),
    RouteCase("process:team_delete", methods=("POST",)),
    RouteCase("process:team_member_add", methods=("POST",), data={"member": "1"}),
    RouteCase("process:team_member_remove", methods=("POST",)),
    RouteCase("process:team_follows_add", methods=("POST",), data={"tagged": "1"}),
    RouteCase("process:team_follow_remove", methods=("POST",)),
]

KWARGS = {
    "team_id": lambda world: _team(world).pk,
}
