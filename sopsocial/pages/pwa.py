"""The installable web app: the manifest, the service worker (served at the site root so that its scope
is every page) and the offline page it keeps. Nothing here is private: the worker caches only the
offline page and the few static files it needs, never a tenant's pages (they are fetched from the
network every time; the offline page stands in for them when the network fails)."""

import hashlib
import json

from django.http import HttpResponse
from django.template.loader import render_to_string
from django.templatetags.static import static
from django.urls import reverse
from django.views.decorators.http import require_GET

THEME_COLOR = "#0b6e4f"  # --sop-accent in static/css/sopsocial.css
ICONS = (("icons/icon-192.png", "192x192"), ("icons/icon-512.png", "512x512"))
# What the offline page needs, kept in the worker's cache with it.
OFFLINE_ASSETS = ("vendor/pico/pico-2.1.1.min.css", "css/sopsocial.css", "favicon.svg", "icons/icon-192.png")


def _offline_html():
    # Rendered without the request: no person's name, tenant or CSRF token ends up in the cached copy.
    return render_to_string("pages/offline.html", {"offline": True})


@require_GET
def offline(request):
    """What the service worker shows when a page cannot be fetched (also served as is)."""
    return HttpResponse(_offline_html())


@require_GET
def service_worker(request):
    """The service worker script at /sw.js. Its cache name carries a hash of what it caches, so a new
    offline page or stylesheet makes a new worker (browsers compare the script byte for byte)."""
    precache = [reverse("site:offline"), *(static(path) for path in OFFLINE_ASSETS)]
    version = hashlib.sha256("\n".join([_offline_html(), *precache]).encode()).hexdigest()[:16]
    script = render_to_string(
        "pages/sw.js",
        {
            "cache_name_json": json.dumps(f"sopsocial-offline-{version}"),
            "offline_url_json": json.dumps(reverse("site:offline")),
            "precache_json": json.dumps(precache),
            "icon_json": json.dumps(static("icons/icon-192.png")),
        },
    )
    response = HttpResponse(script, content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"  # always revalidated, so a new version is found at once
    response["Service-Worker-Allowed"] = "/"
    return response


@require_GET
def manifest(request):
    """The web app manifest: what "Add to Home Screen" / "Install" uses."""
    data = {
        "name": "sopsocial",
        "short_name": "sopsocial",
        "description": "Social S&OP: the conversation where the numbers are.",
        "id": "/",
        "start_url": reverse("site:start"),
        "scope": "/",
        "display": "standalone",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "icons": [
            {"src": static(path), "sizes": sizes, "type": "image/png", "purpose": purpose}
            for path, sizes in ICONS
            for purpose in ("any", "maskable")
        ],
    }
    response = HttpResponse(json.dumps(data, indent=2), content_type="application/manifest+json")
    response["Cache-Control"] = "public, max-age=3600"
    return response
