from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "planning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from sopsocial.audit import verbs

        verbs.register(
            {
                "planning.cell_change": "changed a plan cell",
                "planning.entries_load": "loaded plan numbers",
                "planning.plan_create": "created a plan",
                "planning.version_create": "created a plan version",
                "planning.version_submit": "submitted for approval",
                "planning.version_approve": "approved",
                "planning.version_publish": "published",
                "planning.version_reopen": "reopened as a draft",
                "planning.version_supersede": "superseded",
            }
        )
        from sopsocial.pages import panels
        from sopsocial.pages.nav import NavItem, register

        register(NavItem("Plans", "planning:versions", order=30))
        register(NavItem("Stock", "planning:projection", order=35))
        panels.register(panels.Panel("Details", "planning:shared_details", order=5, external_only=True))
