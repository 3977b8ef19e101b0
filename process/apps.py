from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import ProcessVerb

        verbs.register(ProcessVerb)
        from django.urls import reverse

        from planning import hooks as planning_hooks
        from sopsocial.pages import chrome, nav, panels
        from sopsocial.tenancy import people_pages

        from .actions.cycles import on_plan_cycle_created
        from .approvals import request_approval
        from .selectors import my_work_count

        chrome.register_assets(css=["css/process-cycle.css", "css/process_tasks.css"])
        # My work: the single point, with its count in the navigation.
        nav.register(nav.NavItem("My work", "process:my_work", order=15, count=my_work_count))
        nav.register(nav.NavItem("Cycle", "process:cycles", order=28))
        nav.register(nav.NavItem("Tasks", "process:tasks", order=35))
        nav.register(nav.NavItem("Decisions", "process:decisions", order=45))
        nav.register(nav.NavItem("Teams", "process:teams", order=60))
        panels.register(panels.Panel("Tasks", "process:subject_tasks", order=15))
        # Cycle calendar: every plan cycle, however planning makes it, gets its S&OP cycle.
        planning_hooks.on_cycle_created(on_plan_cycle_created)
        # Approval requests: a submitted version rings its approvers' bells.
        planning_hooks.on_version_submitted(request_approval)
        # People and teams: the person subjects the core makes link to the person page, @team mentions
        # to the team page.
        people_pages.register(
            person_url=lambda m: reverse(
                "process:person", kwargs={"tenant_slug": m.tenant.slug, "membership_id": m.pk}
            ),
            team_url=lambda t: reverse(
                "process:team", kwargs={"tenant_slug": t.tenant.slug, "team_id": t.pk}
            ),
        )
