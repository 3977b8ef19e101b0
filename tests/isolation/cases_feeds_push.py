"""Phone notification (Web Push) routes for the URL-walking isolation test: subscribing and
unsubscribing a browser are a member's own, in their own tenant (partners too: they are pushed what is
shared with them). The installable-app files at the site root are public and hold nothing private."""

from .registry import RouteCase

ENDPOINT = "https://fcm.googleapis.com/fcm/send/isolation-walk"

ROUTES = [
    RouteCase(
        "feeds:push_subscribe",
        methods=("POST",),
        data={"endpoint": ENDPOINT, "p256dh": "not-a-key", "auth": "not-a-secret"},
        external_ok=True,
    ),
    RouteCase("feeds:push_unsubscribe", methods=("POST",), data={"endpoint": ENDPOINT}, external_ok=True),
]

PUBLIC_ROUTES = {"site:service_worker", "site:manifest", "site:offline"}
