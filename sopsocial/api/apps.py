from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sopsocial.api"
    label = "api"
    verbose_name = "ERP API"

    def ready(self):
        from sopsocial.pages.nav import NavItem, register

        register(NavItem("API keys", "api_keys:list", order=95, admin_only=True))
