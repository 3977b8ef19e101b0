"""Issue 15's walkthrough on the live stack (daphne, a Celery worker, PostgreSQL, Redis) in real chromium:
the demo's cycle is in motion; Alex submits the demand plan after a demand spike; Sam's subscribed phone
is pushed the approval request and Sam approves in two taps on a 390-px phone; Dana and Priya finish the
supply review's tasks from My work and Priya closes the phase from her phone's My work; the executive
meeting's agenda shows the approved plan and the open alert; Sam records a decision in the meeting and it
reaches Dana's open feed live and the decisions register.

The push service is played by a local server (tests/e2e/push_stand_in.py): chromium here reaches no real
one. Everything else is the product's own screens, as its users would use them.
"""

import re
import time

import pytest
from django.conf import settings
from playwright.sync_api import expect

from feeds.push import generate_vapid_keys
from tests.live_stack import LiveStack
from tests.live_stack import test_database_url as live_database_url

from ..feeds.push_helpers import BrowserKeys, verify_vapid
from .browser import DESKTOP, PHONE, horizontal_overflow
from .push_stand_in import (
    SUBSCRIBE_FROM_THE_PAGE,
    PushServiceStandIn,
    deliver_to_service_worker,
    worker_ready,
)
from .story.cast import load_cast
from .story.harness import LIVE, PASSWORD, SHOTS, WS_PROBE
from .story.screens import card, cell, save_cell_with_note, transition

pytestmark = [
    pytest.mark.live,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.browser,
    pytest.mark.django_db(transaction=True),
]

SLUG = "/t/northwind"
SUBJECT = "mailto:ops@northwind.example"
QUESTION = "Run the Contoso promotion volume from Leeds?"


def _world():
    from process.models import Meeting

    meeting = Meeting.objects.select_related("tenant", "cycle__tenant").get(tenant__slug="northwind")
    return {"meeting": meeting.get_absolute_url(), "cycle": meeting.cycle.get_absolute_url()}


def _doc_shot(page, name):
    """A picture for the README's "Running an S&OP cycle" (`make screenshots` copies it to docs/)."""
    (SHOTS / "docs").mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / "docs" / f"{name}.png"))


@pytest.fixture
def push_service():
    service = PushServiceStandIn()
    yield service
    service.close()


@pytest.fixture
def stack_with_push(transactional_db):
    keys = generate_vapid_keys(SUBJECT)
    env = {
        "VAPID_PUBLIC_KEY": keys.public_key,
        "VAPID_PRIVATE_KEY": keys.private_key,
        "VAPID_SUBJECT": SUBJECT,
        "PUSH_ALLOW_LOCAL_ENDPOINTS": "true",  # the stand-in push service is plain local HTTP
    }
    stack = LiveStack(
        database_url=live_database_url(), redis_url=settings.REDIS_URL, channels_prefix="cycle", env=env
    )
    try:
        stack.start()
        yield stack, keys
    finally:
        print(stack.logs())
        stack.stop()


def _person(new_page, base, username, viewport):
    page = new_page(viewport)
    page.set_default_timeout(LIVE)
    page.context.add_init_script(WS_PROBE)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    return page


def test_a_cycle_runs_from_phones_to_the_decision(stack_with_push, push_service, new_page):
    (stack, keys), base = stack_with_push, stack_with_push[0].url
    cast = load_cast()
    world = _world()
    oat, contoso, leeds, url = (cast[k] for k in ("oat", "contoso", "leeds", "url"))

    # Sam's phone turns phone notifications on (its subscription goes to the stand-in push service).
    sam = _person(new_page, base, "sam", PHONE)
    sam.context.grant_permissions(["notifications"], origin=base)
    sam.goto(f"{base}{SLUG}/notifications/settings/")
    worker_ready(sam)
    phone = BrowserKeys()
    endpoint = f"{push_service.url}/push/sams-phone"
    status, answer = sam.evaluate(SUBSCRIBE_FROM_THE_PAGE, [phone.subscription(endpoint)])
    assert (status, answer["subscribed"]) == (201, True), answer

    # Alex raises Contoso's W+3 forecast (the demand-spike rule raises a high alert) and submits the plan.
    alex = _person(new_page, base, "alex", DESKTOP)
    alex.goto(base + url["demand"] + f"?customer={contoso.pk}&q=Oat+Crunch+500g")
    field = cell(alex, oat, contoso, leeds, cast["w3"])
    panel, _ = save_cell_with_note(alex, field, 4800, "Contoso's buyer confirmed the promo volume")
    expect(panel.get_by_role("status")).to_have_text("Saved.")
    transition(alex, "Submit for approval")
    expect(alex.locator("h1 .badge")).to_have_text("Submitted")

    # The approval request reaches Sam's phone as a Web Push, shown by its service worker.
    deadline = time.monotonic() + LIVE / 1000
    while time.monotonic() < deadline:
        pushes = [p for p in push_service.received if p["path"] == "/push/sams-phone"]
        if pushes:
            break
        time.sleep(0.1)
    assert pushes, "no push reached Sam's phone:\n" + stack.logs()
    headers = {k.lower(): v for k, v in pushes[0]["headers"].items()}
    verify_vapid(headers["authorization"], keys.public_key, endpoint, SUBJECT)
    message = phone.decrypt(pushes[0]["body"])
    assert "asked for your approval" in message["title"]
    shown = deliver_to_service_worker(sam, base, message)
    assert any("asked for your approval" in n["title"] for n in shown)

    # Sam approves in two taps on his phone: Approve, then Confirm approval (deltas and alerts shown).
    sam.goto(f"{base}{SLUG}/my-work/")
    approvals = sam.locator("#my-approvals")
    approvals.get_by_role("button", name=re.compile("^Approve")).first.click()  # tap 1
    expect(sam.get_by_role("button", name="Confirm approval")).to_be_visible()
    expect(sam.locator("main")).to_contain_text("4,800")  # the version's largest change, before confirming
    assert horizontal_overflow(sam) == 0
    _doc_shot(sam, "cycle-1-phone-approve-in-two-taps")
    sam.get_by_role("button", name="Confirm approval").click()  # tap 2
    sam.wait_for_url(re.compile(r"/my-work/"))
    expect(sam.locator("main")).to_contain_text("approved")
    expect(approvals.locator(".my-work-row")).to_have_count(0)

    # Dana finishes her overdue supply-review task from My work.
    dana = _person(new_page, base, "dana", DESKTOP)
    dana.goto(f"{base}{SLUG}/my-work/")
    overdue = dana.locator("#my-tasks .my-work-row", has_text="Check oat supply with Oatfield Mills")
    overdue.get_by_role("button", name=re.compile("^Complete")).click()
    expect(overdue.get_by_role("status")).to_have_text("Done")  # in place, no reload

    # Priya, on her phone, finishes hers and her team's, then closes the supply review from My work.
    priya = _person(new_page, base, "priya", PHONE)
    priya.goto(f"{base}{SLUG}/my-work/")
    for title in ("Confirm Leeds line capacity", "Review safety stock at the depots"):
        row = priya.locator("#my-tasks .my-work-row", has_text=title)
        row.get_by_role("button", name=re.compile("^Complete")).click()
        expect(row.get_by_role("status")).to_have_text("Done")
    phase = priya.locator("#my-phases .my-work-row", has_text="Supply review")
    priya.locator("#my-phases").scroll_into_view_if_needed()
    _doc_shot(priya, "cycle-2-phone-my-work-close-phase")
    phase.get_by_role("button", name="Close Supply review").click()
    priya.wait_for_url(re.compile(r"/my-work/"))
    expect(priya.locator("main")).to_contain_text("Supply review closed")
    expect(priya.locator("#my-phases .my-work-row", has_text="Supply review")).to_have_count(0)
    assert horizontal_overflow(priya) == 0

    # The executive meeting's agenda, refreshed, shows the approved plan and the open alert.
    priya.goto(base + world["meeting"])
    priya.get_by_role("button", name="Refresh agenda").click()
    agenda = priya.locator("main")
    expect(agenda).to_contain_text(re.compile(r"Approved, to publish: Demand plan v\d+"))
    expect(agenda).to_contain_text("Demand spike")
    priya.set_viewport_size(DESKTOP)
    _doc_shot(priya, "cycle-3-meeting-agenda")
    priya.goto(base + world["cycle"])
    expect(priya.locator("main")).to_contain_text("Supply review")
    _doc_shot(priya, "cycle-4-cycle-timeline")

    # Sam records the decision in the meeting; Dana, an attendee, has her feed open and sees it live.
    dana.goto(f"{base}{SLUG}/")
    dana.wait_for_function("() => window.__wsOpen === true")
    dana.evaluate("() => { window.__noReload = 'still here'; }")
    sam.goto(base + world["meeting"])
    sam.get_by_role("button", name="Record a decision").click()
    sam.get_by_label("Question", exact=True).fill(QUESTION)
    sam.get_by_label("Choice", exact=True).fill("Yes: build two weeks ahead at Leeds")
    sam.get_by_role("checkbox", name=re.compile("Decided now")).check()
    sam.get_by_role("button", name="Record", exact=True).click()
    expect(sam.locator("main")).to_contain_text(QUESTION)
    expect(card(dana, QUESTION)).to_be_visible()
    assert dana.evaluate("() => window.__noReload") == "still here"
    dana.goto(f"{base}{SLUG}/decisions/")
    expect(dana.locator("main")).to_contain_text(QUESTION)
    _doc_shot(dana, "cycle-5-decisions-register")
