from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "feeds"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import FeedsVerb

        verbs.register(FeedsVerb)
        from sopsocial.pages import panels
        from sopsocial.pages.nav import NavItem, register

        register(NavItem("Following", "feeds:following", order=20, external_ok=True))
        register(NavItem("Search", "feeds:search", order=90, external_ok=True))
        # Every subject page shows its conversation (feed, composer, follow button).
        panels.register(panels.Panel("Conversation", "feeds:subject_feed", order=10, external_ok=True))

        # Partner users follow what is shared with their organisation.
        from sopsocial.subjects import hooks

        from . import receivers

        hooks.on_shared(receivers.follow_what_is_shared)
        hooks.on_unshared(receivers.unfollow_what_is_no_longer_shared)

        # The feed is the tenant's home; the frame shows its badges and keeps the live socket open.
        from django.urls import path

        from sopsocial.pages import chrome, websockets

        from .consumers import LiveFeedConsumer

        chrome.set_tenant_home("feeds:home")
        chrome.register_assets(css=["css/feeds.css"], js=["js/feeds.js"])
        chrome.register_header(chrome.Fragment("feeds/partials/_frame_header.html", order=10))
        chrome.register_body(chrome.Fragment("feeds/partials/_frame_body.html", order=10))
        websockets.register(path("ws/t/<slug:tenant_slug>/live/", LiveFeedConsumer.as_asgi()))

        # Register the Celery tasks in every process (the embedded mode runs them inline by name).
        from . import tasks  # noqa: F401
