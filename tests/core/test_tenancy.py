"""Tenancy and people: login, tenant switching, invitations, roles; bad input changes nothing."""

from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy import actions
from sopsocial.tenancy.models import Invitation, Membership

from ..factories import MembershipFactory, PartnerFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db


def people_url(tenant):
    return reverse("tenancy:people", kwargs={"tenant_slug": tenant.slug})


def test_login_with_a_wrong_password_says_so_and_does_not_log_in(client, admin_member):
    response = client.post(reverse("login"), {"username": admin_member.user.username, "password": "wrong"})
    assert response.status_code == 200
    assert "do not match" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_repeated_failed_logins_lock_the_username_for_a_while(client, admin_member, settings):
    from django.core.cache import cache

    cache.clear()
    username = admin_member.user.username
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post(reverse("login"), {"username": username, "password": "guess"})
    response = client.post(reverse("login"), {"username": username, "password": "correct horse battery"})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session
    cache.clear()
    assert (
        client.post(reverse("login"), {"username": username, "password": "correct horse battery"}).status_code
        == 302
    )


def test_login_lands_on_the_only_tenant_home(client, admin_member):
    response = client.post(
        reverse("login"),
        {"username": admin_member.user.username, "password": "correct horse battery"},
        follow=True,
    )
    assert response.redirect_chain[-1][0] == f"/t/{admin_member.tenant.slug}/"
    assert admin_member.tenant.name in response.content.decode()


def test_a_user_of_two_tenants_picks_one_and_switches(client):
    user = UserFactory()
    first, second = TenantFactory(name="Alpha Foods"), TenantFactory(name="Beta Drinks")
    MembershipFactory(user=user, tenant=first)
    MembershipFactory(user=user, tenant=second)
    client.force_login(user)
    picker = client.get("/", follow=True)
    assert picker.redirect_chain[-1][0] == reverse("site:tenants")
    assert "Alpha Foods" in picker.content.decode() and "Beta Drinks" in picker.content.decode()
    home = client.get(f"/t/{second.slug}/")
    assert 'aria-label="Switch tenant"' in home.content.decode()
    # the last tenant used is remembered
    assert client.get("/")["Location"] == f"/t/{second.slug}/"


def test_unknown_tenant_slug_is_a_friendly_404(client, admin_member):
    client.force_login(admin_member.user)
    response = client.get("/t/no-such-tenant/")
    assert response.status_code == 404
    assert "nothing here, or you do not have access" in response.content.decode()


def test_an_inactive_member_is_shut_out(client, planner_member):
    planner_member.is_active = False
    planner_member.save()
    client.force_login(planner_member.user)
    assert client.get(f"/t/{planner_member.tenant.slug}/").status_code == 404


def test_admin_invites_and_the_invitee_creates_an_account_and_joins(
    client, admin_member, django_capture_on_commit_callbacks
):
    client.force_login(admin_member.user)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            people_url(admin_member.tenant),
            {"email": "New.Person@Example.com", "role": "planner", "department": "Supply", "title": "Buyer"},
        )
    assert response.status_code == 302
    invitation = Invitation.objects.get(tenant=admin_member.tenant)
    assert invitation.email == "new.person@example.com"
    assert len(mail.outbox) == 1 and "/invite/" in mail.outbox[0].body
    link = next(line for line in mail.outbox[0].body.splitlines() if "/invite/" in line).strip()
    token = link.rstrip("/").rsplit("/", 1)[1]
    assert invitation.token_hash != token  # only the hash is stored

    client.logout()
    form = {
        "first_name": "Nia",
        "last_name": "Brown",
        "username": "nia",
        "password1": "a-long-passphrase-1",
        "password2": "a-long-passphrase-1",
    }
    response = client.post(f"/invite/{token}/", form)
    assert response.status_code == 302 and response["Location"] == f"/t/{admin_member.tenant.slug}/"
    membership = Membership.objects.get(user__username="nia", tenant=admin_member.tenant)
    assert (membership.role, membership.department, membership.title) == ("planner", "Supply", "Buyer")
    assert AuditEvent.objects.filter(tenant=admin_member.tenant, verb="invitation.accept").count() == 1

    # single use
    client.logout()
    again = client.post(f"/invite/{token}/", {**form, "username": "nia2"})
    assert again.status_code == 410 and "already been used" in again.content.decode()
    assert not get_user_model().objects.filter(username="nia2").exists()


def test_an_expired_invitation_is_refused_and_creates_no_account(client, admin_member):
    invitation, token = actions.check_invite(admin_member, email="late@example.com", role="viewer")
    Invitation.objects.filter(pk=invitation.pk).update(expires_at=timezone.now() - timedelta(minutes=1))
    response = client.post(
        f"/invite/{token}/",
        {"first_name": "L", "username": "late", "password1": "x" * 12, "password2": "x" * 12},
    )
    assert response.status_code == 410 and "expired" in response.content.decode()
    assert not get_user_model().objects.filter(username="late").exists()


def test_a_made_up_invitation_token_is_refused(client, db):
    response = client.get("/invite/not-a-real-token/")
    assert response.status_code == 410 and "not valid" in response.content.decode()


def test_a_withdrawn_invitation_cannot_be_used(client, admin_member):
    invitation, token = actions.check_invite(admin_member, email="gone@example.com", role="viewer")
    client.force_login(admin_member.user)
    url = reverse(
        "tenancy:revoke_invitation",
        kwargs={"tenant_slug": admin_member.tenant.slug, "invitation_id": invitation.pk},
    )
    assert client.post(url).status_code == 302
    client.logout()
    assert "withdrawn" in client.get(f"/invite/{token}/").content.decode()


def test_a_logged_in_user_accepts_with_one_click(client, admin_member):
    user = UserFactory()
    _, token = actions.check_invite(admin_member, email=user.email, role="executive")
    client.force_login(user)
    assert client.post(f"/invite/{token}/").status_code == 302
    assert Membership.objects.get(user=user, tenant=admin_member.tenant).role == "executive"


def test_signed_in_as_someone_else_the_invitation_asks_and_never_joins_that_account(client, admin_member):
    other = UserFactory(email="a@x.example")
    invitation, token = actions.check_invite(admin_member, email="b@y.example", role="planner")
    client.force_login(other)
    page = client.get(f"/invite/{token}/")
    assert page.status_code == 200
    assert "You are signed in as a@x.example; this invitation is for b@y.example" in page.content.decode()
    assert "Sign out and continue" in page.content.decode()

    refused = client.post(f"/invite/{token}/")  # the old one-click accept
    assert refused.status_code == 409
    assert "this invitation is for b@y.example" in refused.content.decode()
    assert not Membership.objects.filter(user=other, tenant=admin_member.tenant).exists()
    assert not AuditEvent.objects.filter(verb="invitation.accept").exists()
    invitation.refresh_from_db()
    assert invitation.is_pending
    with pytest.raises(ValidationError, match="for another e-mail address"):
        actions.do_accept_invitation(token, user=other)

    signed_out = client.post(f"/invite/{token}/", {"action": "sign_out"})
    assert signed_out.status_code == 302 and signed_out["Location"] == f"/invite/{token}/"
    assert "_auth_user_id" not in client.session
    assert "Create your account" in client.get(f"/invite/{token}/").content.decode()


def test_the_invited_address_accepts_whatever_its_case(client, admin_member):
    user = UserFactory(email="Mixed.Case@Example.com")
    _, token = actions.check_invite(admin_member, email="mixed.case@example.com", role="viewer")
    client.force_login(user)
    assert client.post(f"/invite/{token}/").status_code == 302
    assert Membership.objects.filter(user=user, tenant=admin_member.tenant).exists()
    assert AuditEvent.objects.filter(verb="invitation.accept").count() == 1


def test_invitation_form_errors_are_shown_and_nothing_is_created(client, admin_member):
    client.force_login(admin_member.user)
    partner = PartnerFactory(tenant=admin_member.tenant)
    cases = [
        ({"email": "not-an-email", "role": "viewer"}, "Enter a valid email address"),
        ({"email": "a@example.com", "role": "overlord"}, "Select a valid choice"),
        (
            {"email": "a@example.com", "role": "admin", "partner": partner.pk},
            "Partner users cannot be admins",
        ),
        ({"email": admin_member.user.email, "role": "viewer"}, "already a member"),
    ]
    for data, message in cases:
        response = client.post(people_url(admin_member.tenant), data)
        assert response.status_code == 400, data
        assert message in response.content.decode(), data
    assert not Invitation.objects.exists()


def test_invite_with_the_partner_of_another_tenant_is_refused(client, admin_member, other_tenant):
    foreign = PartnerFactory(tenant=other_tenant)
    client.force_login(admin_member.user)
    response = client.post(
        people_url(admin_member.tenant), {"email": "x@example.com", "role": "viewer", "partner": foreign.pk}
    )
    assert response.status_code == 400 and not Invitation.objects.exists()


def test_admin_changes_a_role_and_it_is_audited_old_to_new(client, admin_member):
    target = MembershipFactory(tenant=admin_member.tenant, role="viewer")
    client.force_login(admin_member.user)
    url = reverse(
        "tenancy:change_role", kwargs={"tenant_slug": admin_member.tenant.slug, "membership_id": target.pk}
    )
    client.post(url, {"role": "planner", "department": target.department, "title": target.title})
    target.refresh_from_db()
    assert target.role == "planner"
    event = AuditEvent.objects.get(verb="member.change_role")
    assert (event.before, event.after) == ({"role": "viewer"}, {"role": "planner"})


def test_a_planner_cannot_change_roles_and_nothing_changes(client, planner_member):
    target = MembershipFactory(tenant=planner_member.tenant, role="viewer")
    client.force_login(planner_member.user)
    url = reverse(
        "tenancy:change_role", kwargs={"tenant_slug": planner_member.tenant.slug, "membership_id": target.pk}
    )
    response = client.post(url, {"role": "admin"})
    assert response.status_code == 403
    assert "role does not allow" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "viewer" and not AuditEvent.objects.filter(verb="member.change_role").exists()
    assert client.get(people_url(planner_member.tenant)).status_code == 403


def test_the_last_admin_cannot_step_down_or_be_removed(client, admin_member):
    client.force_login(admin_member.user)
    kwargs = {"tenant_slug": admin_member.tenant.slug, "membership_id": admin_member.pk}
    response = client.post(reverse("tenancy:change_role", kwargs=kwargs), {"role": "viewer"}, follow=True)
    assert "at least one admin" in response.content.decode()
    admin_member.refresh_from_db()
    assert admin_member.role == "admin"
    with pytest.raises(Exception, match="at least one admin"):
        actions.check_deactivate_member(admin_member, admin_member)


def test_malformed_role_form_is_refused_with_a_message(client, admin_member):
    target = MembershipFactory(tenant=admin_member.tenant, role="viewer")
    client.force_login(admin_member.user)
    url = reverse(
        "tenancy:change_role", kwargs={"tenant_slug": admin_member.tenant.slug, "membership_id": target.pk}
    )
    response = client.post(url, {"role": ""}, follow=True)
    assert "Role change refused" in response.content.decode()
    target.refresh_from_db()
    assert target.role == "viewer"


def test_removing_a_member_shuts_them_out(client, admin_member):
    target = MembershipFactory(tenant=admin_member.tenant, role="planner")
    client.force_login(admin_member.user)
    url = reverse(
        "tenancy:remove_member", kwargs={"tenant_slug": admin_member.tenant.slug, "membership_id": target.pk}
    )
    client.post(url)
    client.force_login(target.user)
    assert client.get(f"/t/{admin_member.tenant.slug}/").status_code == 404
    assert AuditEvent.objects.filter(verb="member.remove").count() == 1


def test_password_change_and_reset_by_email(client, admin_member, django_capture_on_commit_callbacks):
    client.force_login(admin_member.user)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "correct horse battery",
            "new_password1": "another-good-phrase-9",
            "new_password2": "another-good-phrase-9",
        },
    )
    assert response.status_code == 302
    client.logout()
    assert client.login(username=admin_member.user.username, password="another-good-phrase-9")
    client.logout()
    with django_capture_on_commit_callbacks(execute=True):  # the e-mail is a task queued after commit
        client.post(reverse("password_reset"), {"email": admin_member.user.email})
    assert len(mail.outbox) == 1 and "/accounts/reset/" in mail.outbox[0].body


def test_password_change_with_a_wrong_old_password_shows_the_error(client, admin_member):
    client.force_login(admin_member.user)
    response = client.post(
        reverse("password_change"),
        {"old_password": "nope", "new_password1": "x-y-z-1-2-3-4", "new_password2": "x-y-z-1-2-3-4"},
    )
    assert response.status_code == 200 and "incorrectly" in response.content.decode()


def test_logout_is_a_post_and_ends_the_session(client, admin_member):
    client.force_login(admin_member.user)
    response = client.post(reverse("logout"))
    assert response.status_code == 302 and response["Location"] == reverse("login")
    assert client.get(f"/t/{admin_member.tenant.slug}/").status_code == 302


def test_django_admin_is_for_platform_staff_only(client, admin_member):
    client.force_login(admin_member.user)  # a tenant admin is not platform staff
    response = client.get("/platform-admin/")
    assert response.status_code == 302 and "/platform-admin/login/" in response["Location"]
