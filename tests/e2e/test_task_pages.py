"""The task pages in a real browser: on a 390-px phone and a desktop they fit, work by keyboard and
pass axe; ticking a checklist step and marking the task done work in place (htmx)."""

import datetime as dt

import pytest

from process.actions.tasks import check_create_task

from ..factories import MembershipFactory, TenantFactory
from ..process.factories import make_cycle, make_phase
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
def task(db):
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    priya = MembershipFactory(tenant=tenant, role="planner", user__username="priya")
    sam = MembershipFactory(tenant=tenant, role="executive", user__username="sam")
    phase = make_phase(make_cycle(tenant), name="Supply review")
    check_create_task(
        priya,
        title="Confirm the Leeds depot's capacity for week 50 before the supply review",
        assignee_member=sam,
        due_on=dt.date.today() - dt.timedelta(days=1),
        phase=phase,
    )
    return check_create_task(
        sam,
        title="Confirm Leeds capacity",
        description="Week 50 is tight after the Contoso promotion.",
        assignee_member=priya,
        due_on=dt.date.today() + dt.timedelta(days=2),
        phase=phase,
        checklist=["Call the depot", "Update the supply plan"],
    )


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_task_pages_fit_work_by_keyboard_and_pass_axe(live_server, new_page, task, viewport):
    base, task_url = live_server.url, task.get_absolute_url()
    page = new_page(viewport)
    _login(page, base, "priya")
    problems = {}
    for name, path in [
        ("tasks", "/t/northwind/tasks/"),
        ("task", task_url),
        ("new", "/t/northwind/tasks/new/"),
        ("edit", f"{task_url}edit/"),
        ("transfer", f"{task_url}transfer/"),
        ("away", "/t/northwind/away/"),
    ]:
        page.goto(base + path)
        page.wait_for_load_state("networkidle")
        assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways: {overflowing_elements(page)}"
        assert not unreachable_by_keyboard(page), name
        problems[name] = axe_violations(page)
    assert not {k: v for k, v in problems.items() if v}


def test_tick_a_step_and_mark_done_in_place(live_server, new_page, task):
    base = live_server.url
    page = new_page(PHONE)
    _login(page, base, "priya")
    page.goto(base + task.get_absolute_url())
    page.get_by_role("button", name="Tick: Call the depot").click()
    page.get_by_role("button", name="Untick: Call the depot").wait_for()
    page.goto(f"{base}/t/northwind/tasks/?mine=1")
    page.get_by_role("button", name="Done: Confirm Leeds capacity").click()
    page.locator(f"#task-row-{task.pk} .badge", has_text="Done").wait_for()
