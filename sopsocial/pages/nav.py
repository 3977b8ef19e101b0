"""Main-navigation entries that apps add for tenant pages (planning, feeds, alerts register theirs
in their AppConfig.ready), so base.html does not need to know every app.

An entry may carry a `count` (a callable `count(member) -> int`, e.g. the rows of My work): it is shown
as a badge beside the label. It runs on every full page that shows the menu, so it must cost one or two
cheap queries; it is lazy (only a template that shows the menu runs it, once) so fragments pay nothing."""

import functools
from collections.abc import Callable
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
    count: Callable | None = None  # count(member) -> int, shown as a badge when above zero

    def allows(self, member):
        return self.perm is None or can(member, self.perm)


_registry = Registry()
register = _registry.register


def items_for(member):
    """The member's menu: label, url, and `count` (None, or a zero-argument callable run at most once,
    when the template reads it: Django templates call callables)."""
    return [
        {
            "label": i.label,
            "url": reverse(i.url_name, kwargs={"tenant_slug": member.tenant.slug}),
            "count": functools.cache(functools.partial(i.count, member)) if i.count else None,
        }
        for i in _registry.visible_to(member)
    ]
