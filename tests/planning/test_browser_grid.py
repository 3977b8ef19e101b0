"""The plan grid in a real browser: keyboard editing (Enter saves and moves down, arrows move), the
refusal of a stale edit shown in the cell, the cell panel (Alt+N), and the planning pages on a phone."""

import datetime as dt
import threading

import pytest
from django.db import connection

from planning.models import PlanChange, PlanEntry

from ..e2e.browser import DESKTOP, PHONE, axe_violations, horizontal_overflow, overflowing_elements
from ..e2e.conftest import new_page  # noqa: F401  (the shared browser fixture)
from ..factories import MembershipFactory, TenantFactory
from . import factories as pf

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def world(db):
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    alex = MembershipFactory(tenant=tenant, role="planner", user__username="alex")
    oat = pf.ProductFactory(tenant=tenant, name="Oat Crunch 500g", sku="NW-1001")
    bran = pf.ProductFactory(tenant=tenant, name="Bran Flakes", sku="NW-1002")
    contoso = pf.CustomerFactory(tenant=tenant, name="Contoso Retail")
    leeds = pf.FacilityFactory(tenant=tenant, name="Leeds depot")
    version = pf.make_version(
        tenant, cells=[(p, contoso, leeds, w, 1200) for p in (bran, oat) for w in range(26)]
    )
    pf.make_snapshot(tenant, oat, leeds, 6000, 2500)
    oven = pf.make_resource(tenant, code="OVEN1", name="Oven 1", facility=leeds)
    return {
        "resource_url": oven.get_absolute_url(),
        "tenant": tenant,
        "alex": alex,
        "version": version,
        "oat": oat,
        "url": version.get_absolute_url(),
        "product_url": oat.get_absolute_url(),
    }


def _in_thread(fn):
    """Database work while Playwright's event loop runs must happen off that loop's thread."""
    result = {}

    def run():
        result["value"] = fn()
        connection.close()

    thread = threading.Thread(target=run)
    thread.start()
    thread.join()
    return result["value"]


def _login(page, base):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill("alex")
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


def test_keyboard_editing_saves_moves_and_refuses_stale_edits(live_server, new_page, world):  # noqa: F811
    page = new_page(DESKTOP)
    _login(page, live_server.url)
    page.goto(live_server.url + world["url"])
    cells = page.locator(".cell-input")
    first = cells.nth(3)  # Bran Flakes, week 4
    first.click()
    first.fill("4800")
    first.press("Enter")
    page.wait_for_selector("td.cell-saved")
    assert page.evaluate("document.activeElement.getAttribute('hx-vals')").count('"week"') == 1
    assert page.evaluate("document.activeElement.closest('tr').querySelector('th').textContent").startswith(
        "Oat Crunch"
    )  # Enter moved down to the next row
    page.keyboard.press("ArrowLeft")  # caret at the end: stays in the cell
    page.keyboard.press("Home")
    page.keyboard.press("ArrowLeft")  # caret at the start: moves one week left
    assert '"week": "' in page.evaluate("document.activeElement.getAttribute('hx-vals')")

    # another planner saves the Oat Crunch week-4 cell behind Alex's back: his edit is refused
    week4 = world["version"].start_week + dt.timedelta(weeks=3)

    def sneak_in():
        entry = PlanEntry.objects.get(version=world["version"], product=world["oat"], week=week4)
        PlanEntry.objects.filter(pk=entry.pk).update(qty=999, revision=entry.revision + 1)

    _in_thread(sneak_in)
    stale = cells.nth(26 + 3)
    stale.fill("1500")
    stale.press("Tab")
    page.wait_for_selector("td.cell-error")
    assert "changed meanwhile" in page.locator("td.cell-error .cell-message").inner_text()
    assert "999" in page.locator("td.cell-error .cell-message").inner_text()
    assert _in_thread(PlanChange.objects.count) == 1

    page.locator(".cell-input").nth(3).focus()
    page.keyboard.press("Alt+n")
    page.wait_for_selector("#cell-panel h2")
    assert "Bran Flakes" in page.locator("#cell-panel h2").inner_text()
    assert "4,800" in page.locator("#cell-panel").inner_text()


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_planning_pages_fit_and_pass_axe(live_server, new_page, world, viewport):  # noqa: F811
    page = new_page(viewport)
    _login(page, live_server.url)
    problems = {}
    for name, path in [
        ("versions", "/t/northwind/planning/"),
        ("grid", world["url"]),
        ("product", world["product_url"]),
        ("projection", "/t/northwind/planning/projection/"),
        ("accuracy", "/t/northwind/planning/accuracy/"),
        ("import", "/t/northwind/planning/import/"),
        ("new order", "/t/northwind/planning/orders/new/"),
        ("suppliers", "/t/northwind/planning/suppliers/"),
        ("new supplier", "/t/northwind/planning/suppliers/new/"),
        ("resources", "/t/northwind/planning/resources/"),
        ("resource", world["resource_url"]),
    ]:
        page.goto(live_server.url + path)
        assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways: {overflowing_elements(page)}"
        problems[name] = axe_violations(page)
    assert not any(problems.values()), problems


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_a_newcomers_plans_page_with_its_steps_and_cycle_form_fits_and_passes_axe(
    live_server,
    new_page,  # noqa: F811
    world,
    viewport,
):
    MembershipFactory(
        tenant=TenantFactory(slug="fresh", name="Fresh Foods"), role="planner", user=world["alex"].user
    )
    page = new_page(viewport)
    _login(page, live_server.url)
    page.goto(live_server.url + "/t/fresh/planning/")
    assert "Start planning in three steps" in page.locator("main").inner_text()
    assert horizontal_overflow(page) <= 0, overflowing_elements(page)
    assert not axe_violations(page)
    page.get_by_label("First week").fill("2026-01-05")
    page.get_by_label("Horizon (weeks)").fill("13")
    page.locator("input[name=month]").fill("2026-01")
    page.get_by_role("button", name="Create the cycle").click()
    page.wait_for_selector("text=Cycle January 2026 created")
    assert page.locator("table tbody tr").count() == 2  # its demand and supply drafts
