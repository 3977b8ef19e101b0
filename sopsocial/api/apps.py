from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "sopsocial.api"
    label = "api"
    verbose_name = "ERP API"
