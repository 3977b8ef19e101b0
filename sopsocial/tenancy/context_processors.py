from sopsocial.pages.chrome import frame_for
from sopsocial.pages.nav import items_for

from .models import Membership


def tenancy(request):
    """The current member and the user's other tenants, for the navigation and tenant switcher."""
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    member = getattr(request, "member", None)
    memberships = getattr(request, "_cached_memberships", None)
    if memberships is None:
        memberships = list(
            Membership.objects.filter(user=user, is_active=True)
            .select_related("tenant")
            .order_by("tenant__name")
        )
        request._cached_memberships = memberships
    return {
        **frame_for(member),
        "member": member,
        "tenant": member.tenant if member else None,
        "my_memberships": memberships,
        "tenant_nav_items": items_for(member) if member else [],
    }
