"""`{% load policy %}` then `{% if member|can:"approve_versions" %}`: the template face of `policy.can`.

An unknown permission name raises (TemplateSyntaxError) instead of quietly hiding the control."""

from django import template

from ..models import Membership
from ..policy import Perm
from ..policy import can as member_can

register = template.Library()


@register.filter
def can(member: Membership | None, perm_name: str) -> bool:
    try:
        perm = Perm(perm_name)
    except ValueError:
        raise template.TemplateSyntaxError(
            f"Unknown permission {perm_name!r}; known: {', '.join(p.value for p in Perm)}"
        ) from None
    return member_can(member or None, perm)
