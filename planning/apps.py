from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import PlanningVerb

        verbs.register(PlanningVerb)
        from sopsocial.pages import panels
        from sopsocial.pages.nav import NavItem, register

        register(NavItem("Plans", "planning:versions", order=30))
        register(NavItem("Stock", "planning:projection", order=35))
        panels.register(panels.Panel("Details", "planning:shared_details", order=5, external_only=True))
