"""Main-navigation entries that apps add for tenant pages (planning, feeds, alerts register theirs
in their AppConfig.ready), so base.html does not need to know every app."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class NavItem:
    label: str
    url_name: str
    order: int = 50
    external_ok: bool = False
    admin_only: bool = False


_items: list[NavItem] = []


def register(item):
    if item not in _items:
        _items.append(item)
        _items.sort(key=lambda i: i.order)


def items_for(member):
    return [
        {"label": i.label, "url": reverse(i.url_name, kwargs={"tenant_slug": member.tenant.slug})}
        for i in _items
        if (i.external_ok or not member.is_external) and (member.is_admin or not i.admin_only)
    ]
