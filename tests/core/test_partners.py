"""Partner organisations in People: admins create, rename and deactivate them; deactivating says first
what it will end, then ends its people's access, its pending invitations and its shares."""

import pytest
from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse

from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import create_subject, do_share_subject
from sopsocial.subjects.models import SubjectShare
from sopsocial.tenancy import actions, partner_actions
from sopsocial.tenancy.models import Invitation, Partner

from ..factories import MembershipFactory, PartnerFactory, UserFactory

pytestmark = pytest.mark.django_db


def _url(name, tenant, **kwargs):
    return reverse(f"tenancy:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_an_admin_adds_and_renames_a_partner_in_people_and_both_are_audited(client, admin_member):
    tenant = admin_member.tenant
    client.force_login(admin_member.user)
    assert (
        client.post(_url("partner_create", tenant), {"name": "FastFreight", "kind": "3pl"}).status_code == 302
    )
    partner = Partner.objects.get(tenant=tenant)
    people = client.get(_url("people", tenant)).content.decode()
    assert "FastFreight" in people and "3PL / logistics" in people
    client.post(_url("partner_rename", tenant, partner_id=partner.pk), {"name": "FastFreight Europe"})
    partner.refresh_from_db()
    assert partner.name == "FastFreight Europe"
    rename = AuditEvent.objects.get(tenant=tenant, verb="partner.rename")
    assert (rename.before, rename.after) == ({"name": "FastFreight"}, {"name": "FastFreight Europe"})
    assert AuditEvent.objects.filter(tenant=tenant, verb="partner.create").count() == 1


def test_bad_partner_input_is_a_form_error_and_writes_nothing(client, admin_member):
    tenant = admin_member.tenant
    PartnerFactory(tenant=tenant, name="FastFreight")
    client.force_login(admin_member.user)
    events = AuditEvent.objects.count()
    dup = client.post(_url("partner_create", tenant), {"name": "fastfreight", "kind": "3pl"})
    assert dup.status_code == 400 and "already exists" in dup.content.decode()
    bad_kind = client.post(_url("partner_create", tenant), {"name": "Other", "kind": "pirate"})
    assert bad_kind.status_code == 400
    assert Partner.objects.filter(tenant=tenant).count() == 1 and AuditEvent.objects.count() == events


def test_planners_cannot_manage_partners(planner_member):
    with pytest.raises(Exception, match="may not add partner organisations"):
        partner_actions.check_create_partner(planner_member, name="X", kind="supplier")


def test_deactivating_a_partner_says_what_it_ends_then_ends_access_shares_and_invitations(
    client, admin_member
):
    tenant = admin_member.tenant
    partner = PartnerFactory(tenant=tenant, name="FastFreight")
    olu = MembershipFactory(
        tenant=tenant, role="viewer", partner=partner, user=UserFactory(first_name="Olu", last_name="Ade")
    )
    with transaction.atomic():
        order = create_subject(tenant=tenant, kind="sales_order", title="SO-1001")
        do_share_subject(admin_member, order, partner)
    actions.check_invite(admin_member, email="new@fastfreight.example", role="viewer", partner=partner)
    client.force_login(admin_member.user)
    url = _url("partner_deactivate", tenant, partner_id=partner.pk)
    confirm = client.get(url).content.decode()
    assert "Olu Ade" in confirm and "<strong>1</strong> share" in confirm
    assert "<strong>1</strong> pending invitation" in confirm
    assert partner.members.filter(is_active=True).count() == 1  # the GET changed nothing

    assert client.post(url).status_code == 302
    partner.refresh_from_db()
    olu.refresh_from_db()
    assert not partner.is_active and not olu.is_active
    assert not SubjectShare.objects.filter(partner=partner).exists()
    assert not Invitation.objects.filter(partner=partner, revoked_at=None).exists()
    event = AuditEvent.objects.get(verb="partner.deactivate")
    assert event.after["people"] == ["Olu Ade"] and event.after["shares ended"] == 1
    assert AuditEvent.objects.filter(verb="subject.unshare", subject=order).count() == 1

    client.force_login(olu.user)
    assert client.get(f"/t/{tenant.slug}/s/{order.pk}/").status_code == 404
    with pytest.raises(ValidationError, match="deactivated"):
        actions.check_invite(admin_member, email="again@fastfreight.example", role="viewer", partner=partner)
    client.force_login(admin_member.user)
    assert f'value="{partner.pk}"' not in client.get(_url("people", tenant)).content.decode()
