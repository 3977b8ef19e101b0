"""The meeting, decision, register and pack pages in a real browser: on a 390-px phone and a desktop
they fit, every control is reachable by keyboard and axe finds nothing serious."""

import datetime as dt
from unittest import mock

import pytest

from process.actions import decisions as decision_actions
from process.actions import meetings as meeting_actions

from ..process.meeting_world import START, TODAY, build_world
from .browser import (
    DESKTOP,
    PHONE,
    axe_violations,
    horizontal_overflow,
    overflowing_elements,
    unreachable_by_keyboard,
)

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def meeting_world(db):
    world = build_world()
    world.priya.user.username = "priya"
    world.priya.user.save()
    with mock.patch("django.utils.timezone.localdate", return_value=TODAY):
        meeting = meeting_actions.check_schedule_meeting(
            world.priya,
            cycle=world.cycle,
            phase=world.phase,
            details=meeting_actions.MeetingDetails(
                title="Executive S&OP",
                starts_at=START,
                ends_at=START + dt.timedelta(hours=1),
                location="Board room",
                attendees=(world.sam, world.vic),
            ),
        )
    decision = decision_actions.check_record_decision(
        world.priya,
        decision_actions.DecisionInput(
            question="Build stock ahead of the Contoso promotion?",
            options=("Build two weeks ahead", "Ship from Leeds as is"),
            owner=world.sam,
            expected_kpi="fill rate",
            expected_direction="up",
            meeting=meeting,
        ),
    )
    return world, meeting, decision


def _login(page, base, username):
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("correct horse battery")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)


@pytest.mark.parametrize("viewport", [PHONE, DESKTOP], ids=["phone", "desktop"])
def test_meeting_pages_fit_work_by_keyboard_and_pass_axe(live_server, new_page, meeting_world, viewport):
    world, meeting, decision = meeting_world
    slug = world.tenant.slug
    paths = [
        ("meeting", meeting.get_absolute_url()),
        ("pack", f"/t/{slug}/meetings/{meeting.pk}/pack/"),
        ("schedule", f"/t/{slug}/meetings/new/?cycle={world.cycle.pk}"),
        ("decision", decision.get_absolute_url()),
        ("record", f"/t/{slug}/decisions/new/?meeting={meeting.pk}"),
        ("register", f"/t/{slug}/decisions/"),
    ]
    base = live_server.url
    page = new_page(viewport)
    _login(page, base, "priya")
    problems = {}
    for name, path in paths:
        page.goto(base + path)
        assert horizontal_overflow(page) <= 0, f"{name} scrolls sideways: {overflowing_elements(page)}"
        assert not unreachable_by_keyboard(page), name
        problems[name] = axe_violations(page)
    assert not {k: v for k, v in problems.items() if v}
