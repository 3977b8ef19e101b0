from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sopsocial.api"
    label = "api"
    verbose_name = "ERP API"

    def ready(self):
        from sopsocial.pages.nav import NavItem, register
        from sopsocial.tenancy.policy import Perm

        register(NavItem("API keys", "api_keys:list", order=95, perm=Perm.MANAGE_API_KEYS))
