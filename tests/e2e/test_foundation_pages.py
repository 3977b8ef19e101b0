"""The Foundation's pages in a real browser: usable on a 390-px phone and a desktop, by keyboard,
without serious or critical accessibility findings."""

import pytest
from django.db import transaction

from sopsocial.subjects.actions import create_subject

from ..factories import MembershipFactory, PartnerFactory, TenantFactory
from .browser import DESKTOP, PHONE, axe_violations, horizontal_overflow, unreachable_by_keyboard

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_foundation_pages_fit_work_by_keyboard_and_pass_axe(live_server, new_page, viewport, settings):
    settings.SIGNUP_ENABLED = True  # the sign-up page is checked too (the live server shares settings)
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    admin = MembershipFactory(tenant=tenant, role="admin", user__username="morgan", user__is_staff=True)
    partner = PartnerFactory(tenant=tenant, name="FastFreight")
    MembershipFactory(tenant=tenant, role="planner")
    MembershipFactory(tenant=TenantFactory(slug="globex", name="Globex Drinks"), user=admin.user)
    with transaction.atomic():
        subject = create_subject(tenant=tenant, kind="topic", title="Leeds depot capacity")
    base = live_server.url
    page = new_page(viewport)

    problems = {}
    for name, path in [("login", "/accounts/login/"), ("sign-up", "/signup/")]:
        page.goto(base + path)
        assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways at {viewport['width']} px"
        problems[name] = axe_violations(page)
    _login(page, base, "morgan")
    for name, path in [
        ("home", "/t/northwind/"),
        ("tenants", "/tenants/"),
        ("people", "/t/northwind/people/"),
        ("audit", "/t/northwind/audit/"),
        ("subject", f"/t/northwind/s/{subject.pk}/"),
        ("password", "/accounts/password_change/"),
        ("settings", "/t/northwind/settings/"),
        ("partner deactivation", f"/t/northwind/partners/{partner.pk}/deactivate/"),
        ("operator", "/operator/"),
    ]:
        page.goto(base + path)
        assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways at {viewport['width']} px"
        problems[name] = axe_violations(page)
        missed = unreachable_by_keyboard(page)
        assert not missed, f"{name}: not reachable by keyboard: {missed}"
    problems = {k: v for k, v in problems.items() if v}
    assert not problems, problems


def test_tenant_switcher_works_from_the_keyboard(live_server, new_page):
    user_member = MembershipFactory(
        tenant=TenantFactory(slug="alpha", name="Alpha Foods"), user__username="kim"
    )
    MembershipFactory(tenant=TenantFactory(slug="beta", name="Beta Drinks"), user=user_member.user)
    base = live_server.url
    page = new_page(PHONE)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("kim")
    page.get_by_label("Password").fill("correct horse battery")
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/tenants/")
    page.goto(f"{base}/t/alpha/")
    page.get_by_label("Switch tenant").focus()
    page.keyboard.press("Enter")
    page.get_by_role("link", name="Beta Drinks").focus()
    page.keyboard.press("Enter")
    page.wait_for_url(f"{base}/t/beta/")
    assert "Beta Drinks" in page.title()


def test_the_accessibility_checks_do_catch_problems(new_page):
    """Guards the guards: an unlabelled field and a too-wide block are reported."""
    page = new_page(PHONE)
    page.set_content(
        '<html lang="en"><title>t</title><main><input type="text"><div class="w"></div></main></html>'
    )
    page.add_style_tag(content=".w { width: 900px; height: 10px; }")
    assert any(v.startswith("label") for v in axe_violations(page))
    assert horizontal_overflow(page) > 0
    page.set_content(
        '<html lang="en"><title>t</title><main><a href="#x" tabindex="-1">skipped</a></main></html>'
    )
    assert unreachable_by_keyboard(page, limit=5)
