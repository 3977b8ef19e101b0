"""Writes to partner organisations (suppliers, 3PLs, customers) from People: create, rename,
deactivate. `Perm.MANAGE_PEOPLE`; each atomic and audited.

Deactivating ends the partner's people's access (their memberships), withdraws its pending invitations
and ends every share with it (through `do_unshare_subject`, so each share's end is audited and the
sharing hooks run as for a single unshare). `deactivation_impact` says beforehand what will end.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from sopsocial.audit.actions import record
from sopsocial.audit.verbs import CoreVerb
from sopsocial.subjects.actions import do_unshare_subject
from sopsocial.subjects.models import SubjectShare

from .actions import do_create_partner, end_membership
from .models import Invitation, Membership, Partner
from .policy import Perm, require


@dataclass(frozen=True)
class DeactivationImpact:
    """What deactivating a partner ends: shown on the confirmation page before it is done."""

    people: tuple[str, ...]  # display names of its active members
    shares: int
    invitations: int


def _clean_name(member: Membership, name: str, partner: Partner | None = None) -> str:
    name = (name or "").strip()
    if not name:
        raise ValidationError({"name": "Give the partner a name."})
    if len(name) > 200:
        raise ValidationError({"name": "Keep the name to 200 characters."})
    same = Partner.objects.filter(tenant=member.tenant, name__iexact=name)
    if partner is not None:
        same = same.exclude(pk=partner.pk)
    if same.exists():
        raise ValidationError({"name": f"A partner called “{name}” already exists."})
    return name


def check_create_partner(member: Membership, *, name: str, kind: str) -> Partner:
    require(member, Perm.MANAGE_PEOPLE, "add partner organisations")
    name = _clean_name(member, name)
    if kind not in Partner.Kind.values:
        raise ValidationError({"kind": "Choose supplier, 3PL / logistics or customer."})
    return do_create_partner(tenant=member.tenant, name=name, kind=kind, actor=member.user)


@transaction.atomic
def check_rename_partner(member: Membership, partner: Partner, *, name: str) -> Partner:
    """Audited `partner.rename` (old -> new name); nothing written when the name is unchanged."""
    require(member, Perm.MANAGE_PEOPLE, "rename partner organisations")
    partner = Partner.objects.select_for_update().get(pk=partner.pk, tenant=member.tenant)
    name = _clean_name(member, name, partner)
    if name == partner.name:
        return partner
    old, partner.name = partner.name, name
    partner.save(update_fields=["name"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=CoreVerb.PARTNER_RENAME,
        target=name,
        before={"name": old},
        after={"name": name},
    )
    return partner


def deactivation_impact(partner: Partner) -> DeactivationImpact:
    people = Membership.objects.filter(partner=partner, is_active=True).select_related("user")
    return DeactivationImpact(
        people=tuple(m.display_name for m in people),
        shares=SubjectShare.objects.filter(partner=partner).count(),
        invitations=Invitation.objects.filter(partner=partner, accepted_at=None, revoked_at=None).count(),
    )


@transaction.atomic
def check_deactivate_partner(member: Membership, partner: Partner) -> DeactivationImpact:
    """End the partner's people's access, its pending invitations and its shares, then mark it
    deactivated. Audited `partner.deactivate` naming what ended (and one `subject.unshare` per share,
    one `member.remove` per person)."""
    require(member, Perm.MANAGE_PEOPLE, "deactivate partner organisations")
    partner = Partner.objects.select_for_update().get(pk=partner.pk, tenant=member.tenant)
    if not partner.is_active:
        raise ValidationError(f"{partner.name} is already deactivated.")
    impact = deactivation_impact(partner)
    now = timezone.now()
    for membership in Membership.objects.filter(partner=partner, is_active=True).select_related("user"):
        end_membership(member, membership, partner=partner.name)
    Invitation.objects.filter(partner=partner, accepted_at=None, revoked_at=None).update(revoked_at=now)
    for share in SubjectShare.objects.filter(partner=partner).select_related("subject", "subject__tenant"):
        do_unshare_subject(member, share.subject, partner)
    partner.deactivated_at = now
    partner.save(update_fields=["deactivated_at"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=CoreVerb.PARTNER_DEACTIVATE,
        target=partner.name,
        before={"active": True},
        after={
            "active": False,
            "people": list(impact.people),
            "shares ended": impact.shares,
            "invitations withdrawn": impact.invitations,
        },
    )
    return impact
