"""A real browser on the real stack: a post appears in another person's open home feed without a
reload (htmx websocket extension), the unread badge updates, and the page breaks no CSP rule."""

import pytest
from django.conf import settings
from django.db import transaction

from feeds import actions
from sopsocial.subjects.actions import create_subject
from tests.e2e.browser import CHROMIUM, CHROMIUM_ARGS

from ..factories import MembershipFactory, TenantFactory
from .test_live_feed import Browser, session_cookie

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis, pytest.mark.browser]


def test_a_post_appears_live_in_an_open_home_feed_on_a_phone(live_stack, transactional_db):
    from playwright.sync_api import expect, sync_playwright

    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    alex = MembershipFactory(tenant=tenant, role="planner")
    sam = MembershipFactory(tenant=tenant, role="executive")
    with transaction.atomic():
        contoso = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    actions.do_follow(sam, contoso)
    # Everything that touches the database happens outside Playwright's event loop (inside it Django
    # would open a second connection that outlives the test and blocks dropping the test database).
    cookie = session_cookie(sam.user)
    alex_browser = Browser(live_stack, alex.user)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_stack.url}])
        page = context.new_page()
        problems = []
        page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
        page.on("pageerror", lambda e: problems.append(str(e)))
        page.goto(f"{live_stack.url}/t/northwind/")
        expect(page.locator("#feed-empty")).to_be_visible()
        page.wait_for_function("() => window.htmx && document.querySelector('#live-feed')")
        page.wait_for_timeout(1000)  # the socket opens

        alex_browser.post(
            f"/t/northwind/s/{contoso.pk}/post/", {"body": "Contoso order **confirmed** live-zq9"}
        )
        card = page.locator("#feed-items .feed-item", has_text="live-zq9")
        expect(card).to_be_visible(timeout=15_000)
        expect(card.locator("strong", has_text="confirmed")).to_be_visible()
        expect(page.locator("#feed-badges")).to_contain_text("1 new")
        expect(page.locator("#feed-empty")).to_have_count(0)
        # Nothing scrolls sideways on a phone.
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
        # Comment from the pushed card without a reload.
        card.locator("textarea[name=body]").fill("Great news")
        card.get_by_role("button", name="Comment").click()
        expect(card.locator(".comment-list")).to_contain_text("Great news")
        # On any other page a push only updates the badges (and logs no error).
        page.goto(f"{live_stack.url}/t/northwind/following/")
        page.wait_for_timeout(1000)
        alex_browser.post(f"/t/northwind/s/{contoso.pk}/post/", {"body": "Second update live-zq10"})
        expect(page.locator("#feed-badges")).to_contain_text("2 new", timeout=15_000)
        browser.close()
    assert not problems, problems


def test_without_websockets_the_page_polls_and_catches_up(live_stack, transactional_db):
    from playwright.sync_api import expect, sync_playwright

    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    alex = MembershipFactory(tenant=tenant, role="planner")
    sam = MembershipFactory(tenant=tenant, role="executive")
    with transaction.atomic():
        contoso = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    actions.do_follow(sam, contoso)
    actions.check_create_post(alex, subject=contoso, body="Already there zq-old")
    cookie = session_cookie(sam.user)
    alex_browser = Browser(live_stack, alex.user)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        context = browser.new_context(viewport={"width": 390, "height": 844})
        context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_stack.url}])
        # A network that refuses websockets (some proxies do): every socket fails at once.
        context.add_init_script("window.WebSocket = function () { throw new Error('websockets blocked'); };")
        page = context.new_page()
        page.goto(f"{live_stack.url}/t/northwind/")
        expect(page.locator("#feed-items .feed-item", has_text="zq-old")).to_be_visible()
        alex_browser.post(f"/t/northwind/s/{contoso.pk}/post/", {"body": "Arrives by polling zq-poll"})
        expect(page.locator("#feed-items .feed-item", has_text="zq-poll")).to_be_visible(timeout=15_000)
        # The older item is not repeated by the catch-up.
        expect(page.locator("#feed-items .feed-item", has_text="zq-old")).to_have_count(1)
        browser.close()
