from django.apps import AppConfig


class TenancyConfig(AppConfig):
    name = "sopsocial.tenancy"
    label = "tenancy"
