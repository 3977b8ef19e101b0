"""Subscribing a browser to phone notifications and unsubscribing it: JSON endpoints guarded by the
tenant, audited without the endpoint (a capability), idempotent, and bad input answered 400 naming the
field with nothing written; and the notification settings page that drives them."""

import json

import pytest
from django.urls import reverse

from feeds.models import NotificationPreference, PushSubscription
from feeds.verbs import FeedsVerb
from sopsocial.audit.models import AuditEvent

from . import factories as f
from .push_fixtures import subscribe
from .push_helpers import BrowserKeys

pytestmark = pytest.mark.django_db

ENDPOINT = "https://fcm.googleapis.com/fcm/send/abc123"
ANDROID = "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 Chrome/131.0 Mobile Safari/537.36"


def url(name, member):
    return reverse(f"feeds:{name}", kwargs={"tenant_slug": member.tenant.slug})


def post_json(client, path, body, **headers):
    return client.post(path, data=json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def priya(tenant):
    return f.member(tenant, user__username="priya")


def test_a_browser_subscribes_once_audited_without_its_endpoint(priya, vapid, client_for):
    client = client_for(priya)
    keys = BrowserKeys()
    response = post_json(
        client, url("push_subscribe", priya), keys.subscription(ENDPOINT), HTTP_USER_AGENT=ANDROID
    )
    assert response.status_code == 201 and response.json()["subscribed"] is True
    subscription = PushSubscription.objects.get()
    assert (subscription.user, subscription.tenant) == (priya.user, priya.tenant)
    assert (subscription.p256dh, subscription.auth) == (keys.p256dh, keys.auth)
    assert subscription.device_label == "Chrome on Android"
    event = AuditEvent.objects.get(verb=FeedsVerb.PUSH_SUBSCRIBE.value)
    assert event.actor == priya.user and event.target == "fcm.googleapis.com"
    assert "abc123" not in json.dumps([event.before, event.after, event.target])

    # the page sends it again on a later visit: nothing new is written
    again = post_json(client, url("push_subscribe", priya), keys.subscription(ENDPOINT))
    assert again.status_code == 201 and PushSubscription.objects.count() == 1
    assert AuditEvent.objects.filter(verb=FeedsVerb.PUSH_SUBSCRIBE.value).count() == 1


def test_renewed_keys_replace_the_old_ones(priya, vapid):
    first, _ = subscribe(priya, ENDPOINT)
    renewed, keys = subscribe(priya, ENDPOINT)
    assert renewed.pk == first.pk and PushSubscription.objects.get().p256dh == keys.p256dh
    assert AuditEvent.objects.filter(verb=FeedsVerb.PUSH_SUBSCRIBE.value).count() == 2


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"endpoint": "", "keys": {}}, "endpoint"),
        ({"endpoint": "http://fcm.googleapis.com/x"}, "endpoint"),
        ({"endpoint": "https://10.0.0.5/internal"}, "endpoint"),
        ({"endpoint": "https://localhost:8443/push"}, "endpoint"),
        ({"endpoint": "https://metadata/latest"}, "endpoint"),
        ({"endpoint": "https://fcm.googleapis.com/" + "a" * 1000}, "endpoint"),
        ({"endpoint": ENDPOINT, "keys": {"p256dh": "bm90IGEga2V5", "auth": "x"}}, "p256dh"),
        ({"endpoint": ENDPOINT, "keys": {"auth": "c2hvcnQ"}}, "auth"),
        ({"endpoint": ["not", "text"]}, "endpoint"),
    ],
    ids=[
        "empty",
        "plain-http",
        "ip-address",
        "localhost",
        "bare-host",
        "too-long",
        "bad-key",
        "bad-auth",
        "list",
    ],
)
def test_bad_subscriptions_are_refused_naming_the_field(priya, vapid, client_for, body, field):
    keys = BrowserKeys()
    full = {"endpoint": ENDPOINT, "keys": {"p256dh": keys.p256dh, "auth": keys.auth}}
    full.update(body)
    if "keys" in body:
        full["keys"] = {"p256dh": keys.p256dh, "auth": keys.auth, **body["keys"]}
    response = post_json(client_for(priya), url("push_subscribe", priya), full)
    assert response.status_code == 400
    assert field in response.json()["errors"], response.json()
    assert not PushSubscription.objects.exists() and not AuditEvent.objects.exists()


@pytest.mark.parametrize("raw", [b"{not json", b"[1, 2]", b"\xff\xfe"], ids=["broken", "array", "not-utf8"])
def test_a_body_that_is_not_a_json_object_is_a_400(priya, vapid, client_for, raw):
    response = client_for(priya).post(url("push_subscribe", priya), data=raw, content_type="application/json")
    assert response.status_code == 400 and "body" in response.json()["errors"]


def test_without_vapid_keys_subscribing_says_push_is_off(priya, settings, client_for):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = False
    keys = BrowserKeys()
    response = post_json(client_for(priya), url("push_subscribe", priya), keys.subscription(ENDPOINT))
    assert response.status_code == 400
    assert "generate_vapid_keys" in response.json()["errors"]["endpoint"][0]
    assert not PushSubscription.objects.exists()


def test_a_browser_that_changes_hands_stops_getting_the_first_persons_pushes(tenant, other_tenant, vapid):
    dana = f.member(tenant)
    dana_elsewhere = f.member(other_tenant, user=dana.user)
    sam = f.member(tenant)
    subscribe(dana, ENDPOINT)
    subscribe(dana_elsewhere, ENDPOINT)  # the same browser, in Dana's other tenant: one row each
    assert PushSubscription.objects.filter(user=dana.user).count() == 2
    subscribe(sam, ENDPOINT)
    assert list(PushSubscription.objects.values_list("user_id", flat=True)) == [sam.user_id]
    ended = AuditEvent.objects.filter(verb=FeedsVerb.PUSH_UNSUBSCRIBE.value)
    assert {e.tenant_id for e in ended} == {tenant.pk, other_tenant.pk}
    assert all(e.actor is None for e in ended)


def test_unsubscribe_ends_only_ones_own_subscription(tenant, priya, vapid, client_for):
    sam = f.member(tenant)
    subscribe(sam, "https://fcm.googleapis.com/fcm/send/sams")
    subscribe(priya, ENDPOINT)
    client = client_for(priya)
    refused = post_json(
        client, url("push_unsubscribe", priya), {"endpoint": "https://fcm.googleapis.com/fcm/send/sams"}
    )
    assert refused.json() == {"subscribed": False, "removed": False}
    assert PushSubscription.objects.filter(user=sam.user).exists()
    done = post_json(client, url("push_unsubscribe", priya), {"endpoint": ENDPOINT})
    assert done.json() == {"subscribed": False, "removed": True}
    assert not PushSubscription.objects.filter(user=priya.user).exists()
    event = AuditEvent.objects.get(verb=FeedsVerb.PUSH_UNSUBSCRIBE.value)
    assert event.actor == priya.user and event.target == "fcm.googleapis.com"
    missing = post_json(client, url("push_unsubscribe", priya), {"endpoint": ""})
    assert missing.status_code == 400 and "endpoint" in missing.json()["errors"]


def test_the_device_list_removes_a_browser_without_javascript(priya, vapid, client_for):
    subscribe(priya, ENDPOINT)
    client = client_for(priya)
    page = client.get(url("preferences", priya))
    assert b"Chrome on Android" in page.content and b"fcm.googleapis.com" in page.content
    response = client.post(url("push_unsubscribe", priya), {"endpoint": ENDPOINT}, follow=True)
    assert response.redirect_chain[-1][0] == url("preferences", priya)
    assert "Phone notifications are off for that browser." in response.content.decode()
    assert b"No browser gets your phone notifications" in response.content


def test_settings_page_offers_phone_notifications_with_a_switch_per_category(priya, vapid, client_for):
    client = client_for(priya)
    page = client.get(url("preferences", priya)).content.decode()
    assert "Phone notifications" in page
    for label in (
        "Mentions and posts forwarded to me",
        "Tasks assigned to me or due",
        "Plan versions waiting for my approval",
        "High alerts on what I follow",
    ):
        assert label in page
    assert page.count('role="switch"') == 4
    assert f'data-public-key="{vapid.public_key}"' in page and "js/push.js" in page
    response = client.post(
        url("preferences", priya), {"in_app": "on", "push_mentions": "on", "push_high_alerts": "on"}
    )
    assert response.status_code == 200
    prefs = NotificationPreference.objects.get(user=priya.user)
    assert (prefs.push_mentions, prefs.push_tasks, prefs.push_approvals, prefs.push_high_alerts) == (
        True,
        False,
        False,
        True,
    )


def test_settings_page_says_why_push_is_off(priya, settings, client_for):
    settings.VAPID_PUBLIC_KEY = settings.VAPID_PRIVATE_KEY = ""
    settings.DEBUG = False
    page = client_for(priya).get(url("preferences", priya)).content.decode()
    assert "Phone notifications are off on this server" in page and "generate_vapid_keys" in page
    assert 'id="push-device"' not in page


def test_a_partner_user_may_subscribe_in_the_tenant_that_shares_with_them(tenant, vapid, client_for):
    partner = f.partner_member(tenant)
    keys = BrowserKeys()
    response = post_json(client_for(partner), url("push_subscribe", partner), keys.subscription(ENDPOINT))
    assert response.status_code == 201


def test_a_new_browser_beyond_the_limit_replaces_the_least_recently_used(priya, vapid):
    from django.utils import timezone

    from feeds.actions.push import MAX_BROWSERS_PER_PERSON

    for n in range(MAX_BROWSERS_PER_PERSON):
        subscribe(priya, f"https://fcm.googleapis.com/fcm/send/browser-{n}")
    PushSubscription.objects.exclude(endpoint__endswith="browser-3").update(last_success_at=timezone.now())
    subscribe(priya, "https://fcm.googleapis.com/fcm/send/newest")
    endpoints = set(PushSubscription.objects.values_list("endpoint", flat=True))
    assert len(endpoints) == MAX_BROWSERS_PER_PERSON
    assert "https://fcm.googleapis.com/fcm/send/browser-3" not in endpoints  # never pushed to: least used
    assert "https://fcm.googleapis.com/fcm/send/newest" in endpoints
