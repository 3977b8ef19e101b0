from django import template
from django.urls import reverse

register = template.Library()


@register.simple_tag
def subject_url(subject, tenant):
    """A subject's page without touching subject.tenant (which would cost a query per row)."""
    return subject.url or reverse(
        "subjects:subject", kwargs={"tenant_slug": tenant.slug, "subject_id": subject.pk}
    )


@register.filter
def cursor(item):
    return f"{item.created.isoformat()}_{item.pk}"


@register.filter
def reaction_count(item, kind):
    return getattr(item, "reaction_counts", {}).get(kind, 0)


@register.filter
def reacted(item, kind):
    return kind in getattr(item, "my_reactions", set())


@register.simple_tag
def feeds_poll_seconds():
    """How often a page polls for new items while its websocket is down (FEEDS_POLL_SECONDS)."""
    from django.conf import settings

    return settings.FEEDS_POLL_SECONDS
