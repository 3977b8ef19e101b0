"""Fixtures of the phone notification tests: the server's VAPID keys, and a stand-in push service that
takes the place of the one HTTP POST pywebpush makes (the only thing mocked: the encryption, the VAPID
signature and our bookkeeping all run for real)."""

from dataclasses import dataclass, field

import pytest
import requests
from requests.structures import CaseInsensitiveDict

from feeds.push import generate_vapid_keys

from .push_helpers import BrowserKeys

SUBJECT = "mailto:ops@northwind.example"


@pytest.fixture
def vapid(settings):
    keys = generate_vapid_keys(SUBJECT)
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY = keys.public_key, keys.private_key
    settings.VAPID_SUBJECT = SUBJECT
    return keys


@dataclass
class Received:
    url: str
    body: bytes
    headers: dict


@dataclass
class PushServiceStandIn:
    received: list = field(default_factory=list)
    status: int = 201
    error: Exception | None = None

    def post(self, url, data=None, headers=None, timeout=None, **kwargs):
        if self.error is not None:
            raise self.error
        self.received.append(Received(url=url, body=data, headers=CaseInsensitiveDict(headers or {})))
        response = requests.Response()
        response.status_code, response.url, response.reason = self.status, url, "stand-in"
        response._content = b""
        return response


@pytest.fixture
def push_service(monkeypatch):
    service = PushServiceStandIn()
    monkeypatch.setattr(requests.Session, "post", lambda session, url, **kw: service.post(url, **kw))
    return service


def subscribe(member, endpoint="https://fcm.googleapis.com/fcm/send/phone-1", keys=None):
    """Subscribe a browser (keys made here) for the member through the action; (subscription, keys)."""
    from feeds import actions

    keys = keys or BrowserKeys()
    subscription = actions.check_subscribe_push(
        member,
        endpoint=endpoint,
        p256dh=keys.p256dh,
        auth=keys.auth,
        user_agent="Mozilla/5.0 (Linux; Android 14) Chrome/131.0",
    )
    return subscription, keys
