from django.apps import AppConfig


class ProcessConfig(AppConfig):
    name = "process"

    def ready(self):
        from sopsocial.audit import verbs

        from .verbs import ProcessVerb

        verbs.register(ProcessVerb)

        # People and teams: the person subjects the core makes link to the person page, @team mentions
        # to the team page; Teams in the menu.
        from django.urls import reverse

        from sopsocial.pages.nav import NavItem, register
        from sopsocial.tenancy import people_pages

        people_pages.register(
            person_url=lambda m: reverse(
                "process:person", kwargs={"tenant_slug": m.tenant.slug, "membership_id": m.pk}
            ),
            team_url=lambda t: reverse(
                "process:team", kwargs={"tenant_slug": t.tenant.slug, "team_id": t.pk}
            ),
        )
        register(NavItem("Teams", "process:teams", order=60))
