from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import AlertsVerb

        verbs.register(AlertsVerb)
        from sopsocial.pages import nav, panels
        from sopsocial.tenancy.policy import Perm

        nav.register(nav.NavItem("Alerts", "alerts:list", order=40, external_ok=False))
        nav.register(nav.NavItem("Rules", "alerts:rules", order=80, perm=Perm.MANAGE_RULES))
        panels.register(panels.Panel("Alerts", "alerts:subject_alerts", order=20, external_ok=True))
