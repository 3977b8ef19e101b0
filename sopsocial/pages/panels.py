"""Fragments that apps add to every subject page (the feed, alerts, sharing), loaded by htmx after the
page, so the core's subject page does not need to import the apps that provide them. Apps register theirs
in AppConfig.ready(); each fragment view takes `subject_id` and applies its own access checks."""

from dataclasses import dataclass

from django.urls import reverse

from sopsocial.tenancy.policy import Perm, can

from .registry import Registry


@dataclass(frozen=True)
class Panel:
    label: str
    url_name: str
    order: int = 50
    external_ok: bool = False
    perm: Perm | None = None  # shown only to members who hold it
    # For partner users only: staff reach the app's own richer page, partners only the generic one.
    external_only: bool = False

    def __post_init__(self):
        if self.external_only:  # a partners-only panel that partners could not see would be dead
            object.__setattr__(self, "external_ok", True)

    def allows(self, member):
        if self.external_only and not member.is_external:
            return False
        return self.perm is None or can(member, self.perm)


_registry = Registry()
register = _registry.register


def panels_for(member, subject):
    kwargs = {"tenant_slug": member.tenant.slug, "subject_id": subject.pk}
    return [
        {"label": p.label, "url": reverse(p.url_name, kwargs=kwargs)} for p in _registry.visible_to(member)
    ]
