from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "sopsocial.audit"
    label = "audit"

    def ready(self):
        from . import verbs

        verbs.register(verbs.CoreVerb)
