from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sopsocial.audit"
    label = "audit"
