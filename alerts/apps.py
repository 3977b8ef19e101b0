from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import AlertsVerb

        verbs.register(AlertsVerb)
        from sopsocial.pages import nav, panels

        nav.register(nav.NavItem("Alerts", "alerts:list", order=40, external_ok=False))
        nav.register(nav.NavItem("Rules", "alerts:rules", order=80, admin_only=True))
        panels.register(panels.Panel("Alerts", "alerts:subject_alerts", order=20, external_ok=True))
