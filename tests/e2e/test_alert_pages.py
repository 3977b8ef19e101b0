"""The alert and rule pages in a real browser: phone and desktop, keyboard, no serious axe findings;
and the rule form swaps its parameters when the kind changes."""

import pytest

from alerts.evaluation.runner import evaluate_rule
from planning.actions import check_set_cell
from planning.cells import CellObjects
from planning.models import PlanEntry

from ..alerts import world as w
from ..alerts.factories import make_rule
from ..factories import MembershipFactory, TenantFactory
from .browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    overflowing_elements,
    unreachable_by_keyboard,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.fixture
def raised(db):
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    morgan = MembershipFactory(tenant=tenant, role="admin", user__username="morgan")
    world = w.build(morgan)
    rule = make_rule(tenant, "Demand spike", "demand_change", {"change_pct": 50, "horizon_weeks": 8})
    entry = PlanEntry.objects.get(
        version=world.demand_v2,
        product=world.oat,
        customer=world.contoso,
        facility=world.leeds,
        week=w.week(3),
    )
    at = CellObjects(world.oat, world.contoso, world.leeds)
    check_set_cell(
        morgan,
        world.demand_v2,
        at.cell(w.week(3)),
        at,
        value="4800",
        revision=entry.revision,
    )
    evaluate_rule(rule)
    return rule


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_alert_and_rule_pages_fit_work_by_keyboard_and_pass_axe(live_server, new_page, raised, viewport):
    base, alert_url, rule_url = (
        live_server.url,
        raised.alerts.get().get_absolute_url(),
        raised.get_absolute_url(),
    )
    page = new_page(viewport)
    _login(page, base, "morgan")
    problems = {}
    for name, path in [
        ("alerts", "/t/northwind/alerts/"),
        ("alert", alert_url),
        ("rules", "/t/northwind/rules/"),
        ("rule", rule_url),
        ("rule-new", "/t/northwind/rules/new/"),
    ]:
        page.goto(base + path)
        assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways: {overflowing_elements(page)}"
        assert not unreachable_by_keyboard(page), name
        problems[name] = axe_violations(page)
    assert "4,800 vs 1,200, +300%" in page.goto(base + "/t/northwind/alerts/").text()
    assert not {k: v for k, v in problems.items() if v}


def test_rule_form_swaps_parameters_and_previews(live_server, new_page, raised):
    base = live_server.url
    page = new_page(DESKTOP)
    _login(page, base, "morgan")
    page.goto(f"{base}/t/northwind/rules/new/")
    page.get_by_label("Watch for").select_option("stock_below_safety")
    page.locator("#rule-params legend", has_text="Projected stock below safety stock").wait_for()
    assert page.get_by_label("Change above (%)").count() == 0
    page.get_by_label("Name").fill("Low stock soon")
    page.get_by_role("button", name="Preview").click()
    assert "Preview: it would raise 1 alert now" in page.content()
    assert "projected 2,400 below safety stock 2,500" in page.content()


def test_open_the_numbers_lands_on_the_grid_cell(live_server, new_page, raised):
    alert = raised.alerts.get()
    alert_url, cell_id = alert.get_absolute_url(), alert.link.rsplit("#", 1)[1]
    base = live_server.url
    page = new_page(DESKTOP)
    _login(page, base, "morgan")
    page.goto(base + alert_url)
    page.get_by_role("link", name="Open the numbers →").click()
    cell = page.locator(f"#{cell_id}")
    cell.wait_for()
    assert "4,800" in cell.inner_text() or "4800" in cell.inner_html()
