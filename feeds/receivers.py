"""What feeds does when the core shares or unshares a subject (registered in sopsocial/subjects/hooks.py)."""

from sopsocial.tenancy.models import Membership

from . import actions


def _partner_members(subject, partner):
    return Membership.objects.filter(
        tenant_id=subject.tenant_id, partner=partner, is_active=True
    ).select_related("tenant", "user")


def follow_what_is_shared(*, subject, partner, **kwargs):
    """A partner's people follow what is shared with their organisation (unless they turned auto-follow
    off), so the posts marked for partners reach their home feed: a 3PL need not hunt for the order."""
    for member in _partner_members(subject, partner):
        actions.do_auto_follow(tenant=member.tenant, user=member.user, subject=subject)


def unfollow_what_is_no_longer_shared(*, subject, partner, **kwargs):
    """Their follows go with the share: they could no longer open what they follow."""
    for member in _partner_members(subject, partner):
        actions.do_unfollow(member, subject)
