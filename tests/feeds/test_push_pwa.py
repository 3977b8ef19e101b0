"""The installable web app: a manifest with real icons, a service worker served at the site root (so its
scope is every page) that keeps only the offline page and shows pushes, and every page linking both."""

import json

import pytest
from django.contrib.staticfiles import finders
from PIL import Image

from . import factories as f


def test_the_manifest_makes_an_installable_app(client):
    response = client.get("/manifest.webmanifest")
    assert response.status_code == 200 and response["Content-Type"] == "application/manifest+json"
    manifest = json.loads(response.content)
    assert manifest["name"] == "sopsocial" and manifest["display"] == "standalone"
    assert (
        manifest["start_url"] == "/" and manifest["scope"] == "/" and manifest["theme_color"].startswith("#")
    )
    sizes = set()
    for icon in manifest["icons"]:
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, icon
        with Image.open(path) as image:
            assert image.format == "PNG" and f"{image.width}x{image.height}" == icon["sizes"]
        sizes.add(icon["sizes"])
    assert sizes == {"192x192", "512x512"}


def test_the_service_worker_is_served_at_the_root_as_javascript(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Service-Worker-Allowed"] == "/" and response["Cache-Control"] == "no-cache"
    script = response.content.decode()
    assert 'const OFFLINE_URL = "/offline/";' in script
    for handler in ("install", "activate", "fetch", "push", "notificationclick"):
        assert f'addEventListener("{handler}"' in script
    assert "{{" not in script and "{%" not in script


def test_a_new_offline_page_makes_a_new_worker(client, settings, tmp_path):
    before = client.get("/sw.js").content
    (tmp_path / "pages").mkdir()
    (tmp_path / "pages" / "offline.html").write_text("<p>You are offline (new wording)</p>")
    settings.TEMPLATES = [{**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}]
    assert client.get("/sw.js").content != before


@pytest.mark.django_db
def test_the_offline_page_holds_nothing_of_the_person_who_fetched_it(client, tenant):
    member = f.member(tenant, user__username="priya-private")
    client.force_login(member.user)
    response = client.get("/offline/")
    page = response.content.decode()
    assert response.status_code == 200 and "You are offline" in page
    assert "priya-private" not in page and tenant.name not in page and "csrfmiddlewaretoken" not in page


@pytest.mark.django_db
def test_every_page_links_the_manifest_and_registers_the_worker_from_a_static_file(client, tenant):
    member = f.member(tenant)
    client.force_login(member.user)
    for path in ("/accounts/login/", f"/t/{tenant.slug}/"):
        client.logout() if path.startswith("/accounts") else client.force_login(member.user)
        page = client.get(path).content.decode()
        assert '<link rel="manifest" href="/manifest.webmanifest">' in page, path
        assert 'data-service-worker="/sw.js"' in page and "js/pwa.js" in page, path
        assert "<script>" not in page  # CSP: no inline script
