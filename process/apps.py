from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import ProcessVerb

        verbs.register(ProcessVerb)

        from sopsocial.pages import nav

        nav.register(nav.NavItem("Decisions", "process:decisions", order=45))
