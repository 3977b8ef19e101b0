from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import ProcessVerb

        verbs.register(ProcessVerb)

        # My work: the single point, with its count in the navigation.
        from sopsocial.pages import nav

        from .selectors import my_work_count

        nav.register(nav.NavItem("My work", "process:my_work", order=15, count=my_work_count))

        # Approval requests: a submitted version rings its approvers' bells.
        from planning import hooks as planning_hooks

        from .approvals import request_approval

        planning_hooks.on_version_submitted(request_approval)
