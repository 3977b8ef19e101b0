from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import ProcessVerb

        verbs.register(ProcessVerb)

        # cycle calendar: every plan cycle, however planning makes it, gets its S&OP cycle
        from planning import hooks as planning_hooks
        from sopsocial.pages import nav

        from .actions.cycles import on_plan_cycle_created

        planning_hooks.on_cycle_created(on_plan_cycle_created)
        nav.register(nav.NavItem("Cycle", "process:cycles", order=28))
        from sopsocial.pages import chrome

        chrome.register_assets(css=["css/process-cycle.css"])
