"""Phone notifications end to end, in real chromium: the service worker installs from /sw.js, a mention
by another person is pushed by the product (encrypted, VAPID-signed) to the browser's push endpoint, and
the browser's service worker shows it; with the network gone, the offline page stands in.

Chromium here cannot reach a real push service, so the test plays it: the browser's subscription is
registered through the product's own subscribe endpoint (from the page, with its session and CSRF token)
with an endpoint on a local HTTP server and keys the test made, as `PushManager.subscribe()` would have
given them. What the product POSTs there is checked as a push service and a browser would (the VAPID JWT
verifies with our public key; the body decrypts with the browser's key), then handed to the real
browser's service worker through the DevTools protocol (`ServiceWorker.deliverPushMessage`)."""

from pathlib import Path

import pytest

from feeds.push import generate_vapid_keys
from sopsocial.subjects.actions import create_subject

from ..factories import MembershipFactory, TenantFactory
from ..feeds.push_fixtures import subscribe
from ..feeds.push_helpers import BrowserKeys, verify_vapid
from .browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    overflowing_elements,
    unreachable_by_keyboard,
)
from .push_stand_in import (
    SUBSCRIBE_FROM_THE_PAGE,
    PushServiceStandIn,
    deliver_to_service_worker,
    worker_ready,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SUBJECT = "mailto:ops@northwind.example"


@pytest.fixture
def push_stand_in():
    service = PushServiceStandIn()
    yield service
    service.close()


@pytest.fixture
def northwind(db, settings):
    keys = generate_vapid_keys(SUBJECT)
    settings.VAPID_PUBLIC_KEY, settings.VAPID_PRIVATE_KEY, settings.VAPID_SUBJECT = (
        keys.public_key,
        keys.private_key,
        SUBJECT,
    )
    settings.PUSH_ALLOW_LOCAL_ENDPOINTS = True  # the stand-in push service is plain local HTTP
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    alex = MembershipFactory(
        tenant=tenant, user__username="alex", user__first_name="Alex", user__last_name="Ng"
    )
    priya = MembershipFactory(tenant=tenant, user__username="priya", user__first_name="Priya")
    contoso = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    return {
        "keys": keys,
        "tenant": tenant,
        "alex": alex,
        "priya": priya,
        "contoso_url": f"/t/northwind/s/{contoso.pk}/",
    }


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_a_mention_is_pushed_to_the_subscribed_browser_and_its_service_worker_shows_it(
    live_server, new_page, northwind, push_stand_in
):
    base, keys = live_server.url, northwind["keys"]
    phone = BrowserKeys()
    endpoint = f"{push_stand_in.url}/push/priyas-phone"

    priya = new_page(PHONE)
    priya.context.grant_permissions(["notifications"], origin=base)
    _login(priya, base, "priya")
    priya.goto(f"{base}/t/northwind/notifications/settings/")
    worker_ready(priya)
    # The product's own button: in this chromium `pushManager.subscribe()` has no push service to
    # register with, so the page must say why, in words (where it can, the page reloads with the device).
    priya.get_by_role("button", name="Turn on for this browser").click()
    priya.wait_for_function(
        """() => document.querySelector("#push-devices") ||
                 /could not be turned on: ./.test(document.getElementById("push-status").textContent)"""
    )
    if priya.locator("#push-devices").count():
        priya.get_by_role("button", name="Turn off for this browser").click()  # a real push service's
        priya.wait_for_selector("#push-devices-empty")  # endpoint: unreachable from here, so undo it

    status, answer = priya.evaluate(SUBSCRIBE_FROM_THE_PAGE, [phone.subscription(endpoint)])
    assert (status, answer["subscribed"]) == (201, True), answer
    priya.reload()
    assert priya.locator("#push-devices").get_by_text("via 127.0.0.1").is_visible()

    alex = new_page(PHONE)
    _login(alex, base, "alex")
    alex.goto(base + northwind["contoso_url"])
    alex.get_by_label("Post about Contoso Retail").fill(
        "@priya can supply cover the Contoso promo in week 12?"
    )
    alex.get_by_role("button", name="Post", exact=True).click()
    alex.get_by_text("can supply cover the Contoso promo").first.wait_for()

    (push,) = push_stand_in.wait_for(1)
    assert push["path"] == "/push/priyas-phone"
    headers = {k.lower(): v for k, v in push["headers"].items()}
    assert headers["content-encoding"] == "aes128gcm"
    verify_vapid(headers["authorization"], keys.public_key, endpoint, SUBJECT)
    message = phone.decrypt(push["body"])
    assert message["title"] == "Alex Ng mentioned you"
    assert message["url"].startswith("/t/northwind/posts/")

    # Deliver it to the real browser's service worker, as the push service would.
    shown = deliver_to_service_worker(priya, base, message)
    assert [n["title"] for n in shown] == ["Alex Ng mentioned you"]
    assert shown[0]["body"].startswith("Contoso Retail · Northwind Foods\n@priya can supply cover")
    assert shown[0]["tag"] == message["tag"] and shown[0]["data"]["url"] == message["url"]


def test_the_offline_page_stands_in_when_the_network_is_gone(live_server, new_page, northwind):
    base = live_server.url
    page = new_page(PHONE)
    _login(page, base, "priya")
    worker_ready(page)
    page.context.set_offline(True)
    page.goto(f"{base}/t/northwind/notifications/")
    assert page.get_by_role("heading", name="You are offline").is_visible()
    Path("artifacts/push").mkdir(parents=True, exist_ok=True)
    page.screenshot(path="artifacts/push/phone-offline.png")
    assert page.get_by_role("button", name="Try again").is_visible()
    assert (
        page.evaluate("getComputedStyle(document.body).fontFamily") != "Times New Roman"
    )  # styled, from the cache
    page.context.set_offline(False)
    page.get_by_role("button", name="Try again").click()
    page.wait_for_url(f"{base}/t/northwind/notifications/")
    assert page.get_by_role("heading", name="You are offline").count() == 0


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_notification_settings_fit_a_phone_work_by_keyboard_and_pass_axe(
    live_server, new_page, northwind, viewport
):
    subscribe(northwind["priya"], "https://fcm.googleapis.com/fcm/send/priyas-laptop")
    base = live_server.url
    page = new_page(viewport)
    _login(page, base, "priya")
    page.goto(f"{base}/t/northwind/notifications/settings/")
    page.get_by_role("button", name="Turn on for this browser").wait_for()
    assert page.get_by_role("switch", name="High alerts on what I follow").is_checked()
    assert page.locator("#push-devices").get_by_text("via fcm.googleapis.com").is_visible()
    assert horizontal_overflow(page) <= 0, overflowing_elements(page)
    assert not unreachable_by_keyboard(page)
    assert not axe_violations(page)
    if viewport is PHONE:  # the README's picture (docs/screenshots/phone-notification-settings.png)
        Path("artifacts/push").mkdir(parents=True, exist_ok=True)
        page.screenshot(path="artifacts/push/phone-notification-settings.png", full_page=True)
    page.get_by_role("switch", name="Tasks assigned to me or due").press("Space")
    page.get_by_role("button", name="Save").click()
    assert not page.get_by_role("switch", name="Tasks assigned to me or due").is_checked()
    assert page.get_by_role("switch", name="Mentions and posts forwarded to me").is_checked()
