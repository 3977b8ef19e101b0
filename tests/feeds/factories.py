"""Builders for feed tests: subjects with parents, members of each kind, posts through the actions."""

from sopsocial.subjects.actions import create_subject, do_share_subject

from ..factories import MembershipFactory, PartnerFactory


def subject(tenant, title="Contoso Retail", kind="customer", parents=()):
    return create_subject(tenant=tenant, kind=kind, title=title, parents=parents)


def member(tenant, role="planner", **kwargs):
    return MembershipFactory(tenant=tenant, role=role, **kwargs)


def partner_member(tenant, name="FastFreight"):
    partner = PartnerFactory(tenant=tenant, name=name)
    return MembershipFactory(tenant=tenant, role="viewer", partner=partner)


def share(admin, subj, partner_member_):
    from django.db import transaction

    with transaction.atomic():
        do_share_subject(admin, subj, partner_member_.partner)


def png_bytes(size=(8, 6), color=(11, 110, 79)):
    import io

    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, color).save(buffer, format="PNG")
    return buffer.getvalue()
