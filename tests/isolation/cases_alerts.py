from .registry import RouteCase


def _alert(world):
    from ..alerts.factories import make_alert, make_rule

    return world.once("alert", lambda: make_alert(make_rule(world.tenant, name="Victim rule")))


ROUTES = [
    RouteCase("alerts:list"),  # internal: partner users see partner-visible alerts on shared subjects
    RouteCase("alerts:alert", external_ok=True),
    RouteCase("alerts:acknowledge", methods=("POST",)),
    RouteCase("alerts:snooze", methods=("POST",), data={"until": "2099-01-01"}),
    RouteCase("alerts:assign", methods=("POST",), data={"owner": ""}),
    RouteCase("alerts:resolve", methods=("POST",), data={"note": "done"}),
    RouteCase("alerts:subject_alerts", external_ok=True),
    RouteCase("alerts:rules"),
    RouteCase(
        "alerts:rule_new",
        methods=("GET", "POST"),
        data={"name": "x", "kind": "new_order", "severity": "low", "min_consecutive_weeks": 1},
    ),
    RouteCase("alerts:rule_params"),
    RouteCase("alerts:rule"),
    RouteCase(
        "alerts:rule_edit",
        methods=("GET", "POST"),
        data={"name": "x", "kind": "new_order", "severity": "low", "min_consecutive_weeks": 1},
    ),
    RouteCase("alerts:rule_toggle", methods=("POST",)),
    RouteCase("alerts:rule_delete", methods=("POST",)),
]

KWARGS = {
    "alert_id": lambda world: _alert(world).pk,
    "rule_id": lambda world: _alert(world).rule_id,
}
