"""Routes outside any tenant that must not be reachable by everyone: the operator screen (platform staff
only; anyone else, signed in or not, including a tenant's admin, gets 404 and nothing is written) and
sign-up (404 for everyone while SIGNUP_ENABLED is off). A new operator or sign-up route without an
entry in cases_core.STAFF_ROUTES / SIGNUP_ROUTES fails the walk.
"""

import pytest
from django.test import override_settings
from django.urls import reverse

from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import SignupRequest, Tenant

from ..factories import MembershipFactory, TenantFactory, UserFactory
from .cases_core import SIGNUP_ROUTES, STAFF_ROUTES
from .test_url_isolation import all_routes

BUILDERS = {"tenant_id": lambda tenant: tenant.pk, "token": lambda tenant: "x" * 43}


def _routes_named(prefixes):
    return {name for route, name, _p in all_routes() if name and route.startswith(prefixes)}


def test_every_operator_and_signup_route_is_walked():
    assert _routes_named(("operator/",)) == set(STAFF_ROUTES)
    assert _routes_named(("signup/",)) == set(SIGNUP_ROUTES)


def _requests(table, tenant):
    for name, (kwarg_names, methods) in table.items():
        url = reverse(name, kwargs={k: BUILDERS[k](tenant) for k in kwarg_names})
        for method in methods:
            yield method, url


@pytest.mark.django_db
def test_operator_routes_answer_404_to_everyone_but_platform_staff(client):
    tenant = TenantFactory(slug="victim")
    tenant_admin = MembershipFactory(tenant=tenant, role="admin")
    data = {"name": "Mallory Ltd", "slug": "mallory", "admin_email": "m@example.com", "reason": "x"}
    failures = []
    for who in ("anonymous", "tenant admin", "inactive staff"):
        client.logout()
        if who == "tenant admin":
            client.force_login(tenant_admin.user)
        elif who == "inactive staff":
            client.force_login(UserFactory(username="former-staff", is_staff=True, is_active=True))
            type(tenant_admin.user).objects.filter(username="former-staff").update(is_active=False)
        for method, url in _requests(STAFF_ROUTES, tenant):
            events = AuditEvent.objects.count()
            response = getattr(client, method.lower())(url, data=data if method == "POST" else None)
            if response.status_code != 404:
                failures.append(f"{who} {method} {url} -> {response.status_code}")
            if AuditEvent.objects.count() != events:
                failures.append(f"{who} {method} {url} wrote an audit event")
    assert not failures, "\n".join(failures)
    assert not Tenant.objects.filter(slug="mallory").exists()
    assert Tenant.objects.get(pk=tenant.pk).suspended_at is None

    client.force_login(UserFactory(username="operator", is_staff=True))
    assert client.get(reverse("operator:tenants")).status_code == 200


@pytest.mark.django_db
@override_settings(SIGNUP_ENABLED=False)
def test_signup_routes_do_not_exist_while_signup_is_off(client):
    tenant = TenantFactory(slug="victim")
    data = {
        "organisation": "Mallory Ltd",
        "slug": "mallory",
        "first_name": "M",
        "email": "m@example.com",
        "password1": "a long enough passphrase",
        "password2": "a long enough passphrase",
    }
    failures = []
    for who in ("anonymous", "staff"):
        if who == "staff":
            client.force_login(UserFactory(username="operator", is_staff=True))
        for method, url in _requests(SIGNUP_ROUTES, tenant):
            response = getattr(client, method.lower())(url, data=data if method == "POST" else None)
            if response.status_code != 404:
                failures.append(f"{who} {method} {url} -> {response.status_code}")
    assert not failures, "\n".join(failures)
    assert not SignupRequest.objects.exists()
