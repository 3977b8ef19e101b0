from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import ProcessVerb

        verbs.register(ProcessVerb)
        from sopsocial.pages import chrome, nav, panels

        chrome.register_assets(css=["css/process_tasks.css"])

        nav.register(nav.NavItem("Tasks", "process:tasks", order=35))
        panels.register(panels.Panel("Tasks", "process:subject_tasks", order=15))
