"""Logins, the platform-admin login, client addresses and password resets: throttled, and telling an
attacker nothing."""

import re

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


def test_one_address_trying_username_after_username_is_backed_off_at_its_own_ceiling(client, settings):
    settings.LOGIN_FAILURE_LIMIT_PER_ADDRESS = 12
    stuffer = "203.0.113.66"
    for n in range(12):  # twelve different people, one wrong guess each: no person nor pair ceiling
        _fail(client, f"victim{n}", stuffer)
    victim = UserFactory()
    refused = _log_in(client, victim, stuffer)
    assert "Too many failed attempts" in refused.content.decode()
    assert _log_in(client, victim, "198.51.100.77").status_code == 302  # elsewhere, the person is fine


# --- the client's address behind trusted proxies ---------------------------------------------------


def _request(remote_addr="10.0.0.1", forwarded=None):
    from django.test import RequestFactory

    extra = {"REMOTE_ADDR": remote_addr}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


@pytest.mark.parametrize(
    ("proxies", "forwarded", "expected"),
    [
        (0, "6.6.6.6", "10.0.0.1"),  # no proxy trusted: the header is the client's own claim
        (1, "6.6.6.6, 198.51.100.4", "198.51.100.4"),  # the proxy appended the address it saw
        (2, "6.6.6.6, 198.51.100.4, 10.0.0.9", "198.51.100.4"),
        (2, "198.51.100.4", "198.51.100.4"),  # fewer hops than proxies: the right-most, a proxy wrote it
        (1, None, "10.0.0.1"),  # no header at all
        (1, "6.6.6.6, not-an-address", None),
        (1, "6.6.6.6, 2001:db8:0:0::1", "2001:db8::1"),
    ],
)
def test_the_client_address_is_the_one_the_trusted_proxy_added_not_the_clients_claim(
    settings, proxies, forwarded, expected
):
    from sopsocial.audit.middleware import client_ip

    settings.TRUSTED_PROXY_COUNT = proxies
    assert client_ip(_request(forwarded=forwarded)) == expected


def test_audit_events_record_the_address_the_proxy_saw(client, admin_member, settings):
    from django.urls import reverse

    from sopsocial.audit.models import AuditEvent

    settings.TRUSTED_PROXY_COUNT = 1
    client.force_login(admin_member.user)
    client.post(
        reverse("tenancy:people", kwargs={"tenant_slug": admin_member.tenant.slug}),
        {"email": "new@example.com", "role": "viewer"},
        REMOTE_ADDR="10.0.0.1",
        HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.4",
    )
    assert AuditEvent.objects.get(verb="invitation.create").ip == "198.51.100.4"


def test_the_login_throttle_counts_by_the_address_the_proxy_saw(client, settings):
    settings.TRUSTED_PROXY_COUNT = 1
    user = UserFactory()
    for n in range(settings.LOGIN_FAILURE_LIMIT):  # a forged left-most entry changes nothing
        client.post(
            LOGIN,
            {"username": user.username, "password": "guess"},
            REMOTE_ADDR="10.0.0.1",
            HTTP_X_FORWARDED_FOR=f"1.1.1.{n}, 198.51.100.4",
        )
    credentials = {"username": user.username, "password": PASSWORD}
    same = client.post(LOGIN, credentials, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.4")
    assert "Too many failed attempts" in same.content.decode()
    other = client.post(LOGIN, credentials, REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="198.51.100.5")
    assert other.status_code == 302


def _proxy_settings(env):
    import json
    import os
    import subprocess
    import sys
    from pathlib import Path

    code = (
        "import django, json; from django.conf import settings as s; django.setup();"
        "print(json.dumps(s.TRUSTED_PROXY_COUNT))"
    )
    base = {k: v for k, v in os.environ.items() if k not in {"TRUST_X_FORWARDED_FOR", "TRUSTED_PROXY_COUNT"}}
    base["DJANGO_SETTINGS_MODULE"] = "config.settings"
    root = Path(__file__).resolve().parents[2]
    result = subprocess.run(
        [sys.executable, "-c", code], env={**base, **env}, cwd=root, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_trusted_proxy_count_defaults_to_none_and_the_old_switch_means_one_proxy():
    assert _proxy_settings({}) == 0
    assert _proxy_settings({"TRUSTED_PROXY_COUNT": "2"}) == 2
    assert _proxy_settings({"TRUST_X_FORWARDED_FOR": "true"}) == 1  # deprecated alias
    assert _proxy_settings({"TRUST_X_FORWARDED_FOR": "true", "TRUSTED_PROXY_COUNT": "2"}) == 2


# --- password reset ------------------------------------------------------------------------------

RESET = "/accounts/password_reset/"
RESET_TASK = "tenancy.send_password_reset_email"


@pytest.fixture
def queued(monkeypatch):
    """[(task name, kwargs)] of tasks queued by name (sopsocial.queue), instead of running them."""
    from sopsocial import queue

    sent = []
    monkeypatch.setattr(queue, "send_now", lambda name, **kwargs: sent.append((name, kwargs)))
    return sent


def test_password_reset_does_the_same_work_for_known_and_unknown_addresses(
    client, queued, django_capture_on_commit_callbacks
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    user = UserFactory()
    seen = {}
    for email in (user.email, "nobody@example.com"):
        with (
            CaptureQueriesContext(connection) as queries,
            django_capture_on_commit_callbacks(execute=True) as callbacks,
        ):
            response = client.post(RESET, {"email": email}, REMOTE_ADDR="198.51.100.20")
        seen[email] = (response.status_code, response["Location"], len(callbacks), len(queries))
    assert seen[user.email] == seen["nobody@example.com"] == (302, "/accounts/password_reset/done/", 1, 0)
    # the same task, queued after commit in both cases: only the worker looks the address up
    assert queued == [(RESET_TASK, {"email": user.email}), (RESET_TASK, {"email": "nobody@example.com"})]


def test_the_reset_task_mails_a_link_to_the_known_address_only(client, django_capture_on_commit_callbacks):
    from django.core import mail

    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):  # embedded mode: the task runs inline
        client.post(RESET, {"email": "nobody@example.com"})
        client.post(RESET, {"email": user.email.upper()})
    assert [m.to for m in mail.outbox] == [[user.email]]
    assert "/accounts/reset/" in mail.outbox[0].body and user.username in mail.outbox[0].body


def test_the_sixth_reset_request_from_one_address_within_the_hour_is_refused(
    client, settings, queued, django_capture_on_commit_callbacks
):
    assert settings.PASSWORD_RESET_LIMIT_PER_HOUR == 5
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(5):
            assert (
                client.post(RESET, {"email": f"x{n}@example.com"}, REMOTE_ADDR="192.0.2.7").status_code == 302
            )
        refused = client.post(RESET, {"email": user.email}, REMOTE_ADDR="192.0.2.7")
    assert refused.status_code == 429
    assert "Too many password reset requests" in refused.content.decode()
    assert len(queued) == 5
    assert client.post(RESET, {"email": user.email}, REMOTE_ADDR="192.0.2.8").status_code == 302


def test_the_sixth_reset_request_for_one_address_is_refused_and_says_nothing_about_the_account(
    client, queued, django_capture_on_commit_callbacks
):
    user = UserFactory()
    pages = {}
    with django_capture_on_commit_callbacks(execute=True):
        for email in (user.email, "nobody@example.com"):
            for n in range(5):
                client.post(RESET, {"email": email}, REMOTE_ADDR=f"192.0.2.{n + 20}")
            pages[email] = client.post(RESET, {"email": email}, REMOTE_ADDR="192.0.2.99")
    assert len(queued) == 10
    known, unknown = pages[user.email], pages["nobody@example.com"]
    assert known.status_code == unknown.status_code == 429
    assert "Too many password reset requests" in known.content.decode()

    def page(response, email):
        html = re.sub(r"[A-Za-z0-9]{64}", "CSRF", response.content.decode())  # masked anew per page
        return html.replace(email, "E")

    assert page(known, user.email) == page(unknown, "nobody@example.com")


# --- Redis (the cache) unreachable -----------------------------------------------------------------


@pytest.fixture
def cache_down(settings):
    """The cache on a real Redis address where nothing listens (port 9 on loopback refuses at once)."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:9/0",
            "OPTIONS": {"socket_connect_timeout": 1},
        }
    }


def test_with_the_cache_down_logins_and_reset_requests_still_answer(client, queued, cache_down, caplog):
    """A Redis restart used to turn every login and reset request into a 500; the throttle now fails
    open (and says so in the log) until Redis is back."""
    user = UserFactory()
    client.raise_request_exception = False  # answer as a server would: a 500 page, not a test error
    wrong = client.post("/accounts/login/", {"username": user.username, "password": "guess"})
    assert wrong.status_code == 200 and "do not match" in wrong.content.decode()
    right = client.post("/accounts/login/", {"username": user.username, "password": PASSWORD})
    assert right.status_code == 302 and client.session["_auth_user_id"] == str(user.pk)
    client.logout()
    reset = client.post(RESET, {"email": user.email})
    assert reset.status_code == 302 and reset["Location"] == "/accounts/password_reset/done/"
    assert "cache unreachable; seconds_to_wait not throttled" in caplog.text
    assert "cache unreachable; note_password_reset_request not throttled" in caplog.text
