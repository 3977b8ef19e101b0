"""The per-tenant "four eyes" setting: with it on, the person who submitted a plan version cannot approve
it (the action refuses, the version page says why instead of offering the button); someone else can."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from planning import actions
from planning.models import VersionStatus
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.tenant_actions import do_change_tenant_settings

from ..factories import MembershipFactory
from .factories import make_version

pytestmark = pytest.mark.django_db


def _grid(client, version):
    url = reverse("planning:grid", kwargs={"tenant_slug": version.tenant.slug, "version_id": version.pk})
    return client.get(url).content.decode()


def test_with_four_eyes_the_submitter_cannot_approve_her_own_version(client, admin_member):
    do_change_tenant_settings(admin_member, four_eyes=True)
    version = make_version(admin_member.tenant)
    actions.check_transition(admin_member, version, "submit")
    with pytest.raises(ValidationError, match="Four eyes: you submitted this version"):
        actions.check_transition(admin_member, version, "approve")
    version.refresh_from_db()
    assert version.status == VersionStatus.SUBMITTED
    client.force_login(admin_member.user)
    page = _grid(client, version)
    assert 'value="approve"' not in page and "Four eyes: you submitted this version" in page

    colleague = MembershipFactory(tenant=admin_member.tenant, role="executive")
    client.force_login(colleague.user)
    assert 'value="approve"' in _grid(client, version)
    assert actions.check_transition(colleague, version, "approve").status == VersionStatus.APPROVED


def test_without_four_eyes_an_admin_may_still_approve_her_own_version(admin_member):
    version = make_version(admin_member.tenant)
    actions.check_transition(admin_member, version, "submit")
    assert actions.check_transition(admin_member, version, "approve").status == VersionStatus.APPROVED


def test_the_settings_screen_switches_four_eyes_and_audits_it(client, admin_member, planner_member):
    url = reverse("tenancy:settings", kwargs={"tenant_slug": admin_member.tenant.slug})
    client.force_login(planner_member.user)
    assert client.post(url, {"four_eyes": "on"}).status_code == 403
    client.force_login(admin_member.user)
    assert "Four eyes on plan versions" in client.get(url).content.decode()
    assert client.post(url, {"four_eyes": "on"}).status_code == 302
    admin_member.tenant.refresh_from_db()
    assert admin_member.tenant.four_eyes
    event = AuditEvent.objects.get(verb="tenant.settings")
    assert (event.before, event.after, event.actor) == (
        {"four_eyes": False},
        {"four_eyes": True},
        admin_member.user,
    )
    client.post(url, {"four_eyes": "on"})  # unchanged: nothing written
    assert AuditEvent.objects.filter(verb="tenant.settings").count() == 1
