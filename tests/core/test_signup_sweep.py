"""A sign-up whose verification e-mail was never queued (broker down at commit) gets it from the sweep,
once; an expired or completed sign-up gets nothing."""

import datetime as dt

import pytest
from django.core import mail
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from sopsocial.tenancy import signup_actions
from sopsocial.tenancy.models import SignupRequest
from sopsocial.tenancy.tasks import sweep_signup_verifications

SIGNUP = {
    "organisation": "Kvist Haulage",
    "slug": "kvist",
    "first_name": "Ingrid",
    "last_name": "Kvist",
    "email": "ingrid@kvist.example",
    "password1": "fjords and lorries 9",
    "password2": "fjords and lorries 9",
}


@pytest.mark.django_db
@override_settings(SIGNUP_ENABLED=True)
def test_a_lost_verification_email_is_sent_by_the_sweep_once(
    client, monkeypatch, django_capture_on_commit_callbacks
):
    monkeypatch.setattr(signup_actions, "enqueue_on_commit", lambda name, **kw: None)  # the lost message
    with django_capture_on_commit_callbacks(execute=True):
        assert client.post(reverse("signup"), SIGNUP).status_code == 200
    assert not mail.outbox
    assert sweep_signup_verifications() == 0  # too recent: the task may still come
    SignupRequest.objects.update(created=timezone.now() - dt.timedelta(minutes=5))
    assert sweep_signup_verifications() == 1
    assert [m.to for m in mail.outbox] == [["ingrid@kvist.example"]]
    assert "/signup/verify/" in mail.outbox[0].body
    assert sweep_signup_verifications() == 0 and len(mail.outbox) == 1  # never twice
    signup_actions.do_send_signup_verification(SignupRequest.objects.get().pk)  # the late original
    assert len(mail.outbox) == 1


@pytest.mark.django_db
def test_expired_or_completed_signups_are_left_alone():
    old = timezone.now() - dt.timedelta(days=3)
    for completed in (None, old):
        SignupRequest.objects.create(
            organisation="Old Co",
            slug=f"old{bool(completed)}",
            first_name="A",
            email="a@old.example",
            password_hash="x",
            expires_at=old if completed is None else timezone.now() + dt.timedelta(hours=1),
            completed_at=completed,
        )
    SignupRequest.objects.update(created=old)
    assert sweep_signup_verifications() == 0 and not mail.outbox
