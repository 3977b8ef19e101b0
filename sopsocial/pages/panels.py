"""Fragments that apps add to every subject page (the feed, alerts), loaded by htmx after the page,
so the core's subject page does not need to import the apps that provide them. Apps register theirs
in AppConfig.ready(); each fragment view takes `subject_id` and applies its own access checks."""

from dataclasses import dataclass

from django.urls import reverse


@dataclass(frozen=True)
class Panel:
    label: str
    url_name: str
    order: int = 50
    external_ok: bool = False
    planners_only: bool = False


_panels: list[Panel] = []


def register(panel):
    if panel not in _panels:
        _panels.append(panel)
        _panels.sort(key=lambda p: p.order)


def panels_for(member, subject):
    return [
        {
            "label": p.label,
            "url": reverse(p.url_name, kwargs={"tenant_slug": member.tenant.slug, "subject_id": subject.pk}),
        }
        for p in _panels
        if (p.external_ok or not member.is_external)
        and (not p.planners_only or member.role in ("admin", "planner"))
    ]
