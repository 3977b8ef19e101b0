"""Main-navigation entries that apps add for tenant pages (planning, feeds, alerts register theirs
in their AppConfig.ready), so base.html does not need to know every app."""

from dataclasses import dataclass

from django.urls import reverse

from .registry import Registry


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    external_ok: bool = False
    admin_only: bool = False

    def allows(self, member):
        return member.is_admin or not self.admin_only


_registry = Registry()
register = _registry.register


def items_for(member):
    return [
        {"label": i.label, "url": reverse(i.url_name, kwargs={"tenant_slug": member.tenant.slug})}
        for i in _registry.visible_to(member)
    ]
