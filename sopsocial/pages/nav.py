"""Main-navigation entries that apps add for tenant pages (planning, feeds, alerts register theirs
in their AppConfig.ready), so base.html does not need to know every app."""

from dataclasses import dataclass

from django.urls import reverse

from sopsocial.tenancy.policy import Perm, can

from .registry import Registry


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    external_ok: bool = False
    perm: Perm | None = None  # shown only to members who hold it

    def allows(self, member):
        return self.perm is None or can(member, self.perm)


_registry = Registry()
register = _registry.register


def items_for(member):
    return [
        {"label": i.label, "url": reverse(i.url_name, kwargs={"tenant_slug": member.tenant.slug})}
        for i in _registry.visible_to(member)
    ]
