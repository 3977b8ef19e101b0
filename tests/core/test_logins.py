"""Logins, the platform-admin login, client addresses and password resets: throttled, and telling an
attacker nothing."""

import pytest
from django.contrib.auth import get_user_model

from ..factories import UserFactory

pytestmark = pytest.mark.django_db

ADMIN_LOGIN = "/platform-admin/login/"
PASSWORD = "correct horse battery"


def test_the_platform_admin_login_is_throttled_like_the_site_login(client):
    staff = UserFactory(is_staff=True, is_superuser=True)
    for _ in range(25):
        client.post(ADMIN_LOGIN, {"username": staff.username, "password": "guess"})
    response = client.post(ADMIN_LOGIN, {"username": staff.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_site_login_failures_count_at_the_platform_admin_login_too(client, settings):
    staff = UserFactory(is_staff=True)
    for _ in range(settings.LOGIN_FAILURE_LIMIT):
        client.post("/accounts/login/", {"username": staff.username, "password": "guess"})
    response = client.post(ADMIN_LOGIN, {"username": staff.username, "password": PASSWORD})
    assert "Too many failed attempts" in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_the_platform_admin_login_still_refuses_people_who_are_not_staff(client):
    user = UserFactory(is_staff=False)
    response = client.post(ADMIN_LOGIN, {"username": user.username, "password": PASSWORD})
    assert response.status_code == 200 and "staff account" in response.content.decode()
    assert "_auth_user_id" not in client.session
    assert get_user_model().objects.filter(pk=user.pk, is_staff=False).exists()
