from django.apps import AppConfig


class AlertsConfig(AppConfig):
    name = "alerts"

    def ready(self):
        from sopsocial.pages.nav import NavItem, register

        register(NavItem("Alerts", "alerts:list", order=40, external_ok=False))
        register(NavItem("Rules", "alerts:rules", order=80, admin_only=True))
