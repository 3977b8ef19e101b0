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


LOGIN = "/accounts/login/"


def _fail(client, username, ip, times=1):
    for _ in range(times):
        response = client.post(LOGIN, {"username": username, "password": "guess"}, REMOTE_ADDR=ip)
        assert response.status_code == 200


def _log_in(client, user, ip):
    return client.post(LOGIN, {"username": user.username, "password": PASSWORD}, REMOTE_ADDR=ip)


@pytest.fixture
def clock(monkeypatch):
    """The throttle's clock, moved by hand: `clock.now += 3`."""
    import time

    from sopsocial.tenancy import throttle

    class Clock:
        now = time.time()

    monkeypatch.setattr(throttle, "_now", lambda: Clock.now)
    return Clock


def test_failures_of_some_people_behind_one_address_do_not_shut_out_the_others(client, settings):
    office = "203.0.113.7"
    for _ in range(4):  # 20 failures from one address, as the probe did
        _fail(client, UserFactory().username, office, times=settings.LOGIN_FAILURE_LIMIT)
    colleague = UserFactory()
    assert _log_in(client, colleague, office).status_code == 302


def test_a_persons_failures_at_one_address_do_not_hold_them_up_at_another(client, settings):
    user = UserFactory()
    _fail(client, user.username, "198.51.100.1", times=settings.LOGIN_FAILURE_LIMIT)
    assert "Too many failed attempts" in _log_in(client, user, "198.51.100.1").content.decode()
    assert _log_in(client, user, "198.51.100.2").status_code == 302


def test_after_the_limit_each_failure_doubles_the_wait_and_the_error_says_how_long(client, settings, clock):
    user, ip = UserFactory(), "198.51.100.9"
    _fail(client, user.username, ip, times=settings.LOGIN_FAILURE_LIMIT)
    refused = _log_in(client, user, ip)
    assert "Too many failed attempts" in refused.content.decode()
    assert "Wait 1 second " in refused.content.decode()
    clock.now += 1
    _fail(client, user.username, ip)
    assert "Wait 2 seconds" in _log_in(client, user, ip).content.decode()
    clock.now += 2
    _fail(client, user.username, ip)
    assert "Wait 4 seconds" in _log_in(client, user, ip).content.decode()
    clock.now += 3
    assert "Wait 1 second " in _log_in(client, user, ip).content.decode()
    clock.now += 1  # refused attempts do not count: the wait is over, and the right password works
    assert _log_in(client, user, ip).status_code == 302
    assert client.session["_auth_user_id"] == str(user.pk)


def test_the_wait_grows_to_at_most_the_configured_ceiling(client, settings, clock):
    from sopsocial.tenancy import throttle

    user, ip = UserFactory(), "198.51.100.10"
    for _ in range(40):
        clock.now += throttle.seconds_to_wait(user.username, ip)
        throttle.note_failure(user.username, ip)
    assert throttle.seconds_to_wait(user.username, ip) == settings.LOGIN_LOCKOUT_SECONDS == 900
    assert "Wait 15 minutes" in _log_in(client, user, ip).content.decode()


def test_a_person_is_backed_off_across_addresses_at_a_higher_ceiling(client, settings):
    user = UserFactory()
    for n in range(settings.LOGIN_FAILURE_LIMIT_PER_PERSON):
        _fail(client, user.username, f"192.0.2.{n + 1}")
    refused = _log_in(client, user, "192.0.2.200")
    assert "Too many failed attempts" in refused.content.decode()
    assert "_auth_user_id" not in client.session
