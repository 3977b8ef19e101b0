from django.apps import AppConfig


class FeedsConfig(AppConfig):
    name = "feeds"

    def ready(self):
        from sopsocial.pages.nav import NavItem, register

        register(NavItem("Following", "feeds:following", order=20, external_ok=True))
        register(NavItem("Search", "feeds:search", order=90, external_ok=True))

        # Register the Celery tasks in every process (the embedded mode runs them inline by name).
        from . import tasks  # noqa: F401
