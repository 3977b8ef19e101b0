"""The story test's harness: the cast's browsers and the step bookkeeping (screenshots, failure messages),
and the moves the story makes more than once (open a cell, save it with a note, move a version, the ERP
sending an order). `test_story.py` plays the story with them."""

import json
import re
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

from tests.live_stack import ROOT

from .browser import DESKTOP

SHOTS = Path(ROOT) / "artifacts" / "story"
PASSWORD = "sopsocial-demo"
LIVE = 20_000  # ms: a live update must arrive without reload within this (the typical figure is < 1 s)
# Every page notes when its socket opens (live checks wait for it) and when each feed card arrives
# (the story's latencies are measured in the browser, from the click to the card on the other screen).
WS_PROBE = """
document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = true; });
window.__arrivals = [];
new MutationObserver(records => records.forEach(r => r.addedNodes.forEach(node => {
  if (node.nodeType !== 1) return;
  const cards = node.matches('.feed-item') ? [node] : [...node.querySelectorAll('.feed-item')];
  cards.forEach(card => window.__arrivals.push([Date.now(), card.textContent]));
}))).observe(document, {childList: true, subtree: true});
"""


class StoryFailure(AssertionError):
    pass


class Story:
    """The cast's browsers and the step bookkeeping (screenshots, failure messages)."""

    def __init__(self, browser, base):
        self.browser, self.base, self.pages, self.timings = browser, base, {}, {}
        SHOTS.mkdir(parents=True, exist_ok=True)
        for old in SHOTS.glob("*.png"):
            old.unlink()

    def person(self, name, viewport=DESKTOP):
        context = self.browser.new_context(viewport=viewport, bypass_csp=True)  # bypass: axe-core only
        context.add_init_script(WS_PROBE)
        page = context.new_page()
        page.set_default_timeout(15_000)
        page.errors = []
        page.on("pageerror", lambda e: page.errors.append(str(e)))
        self.pages[name] = page
        page.goto(f"{self.base}/accounts/login/")
        page.get_by_label("Username").fill(name)
        page.get_by_label("Password").fill(PASSWORD)
        page.get_by_role("button", name="Log in").click()
        page.wait_for_url(lambda url: "/accounts/login/" not in url)
        return page

    def open(self, name, path):
        page = self.pages[name]
        page.goto(self.base + path)
        return page

    def listen(self, name, path="/t/northwind/"):
        """Open the person's home feed and wait for its socket; marks the page to prove it never reloads."""
        page = self.open(name, path)
        page.wait_for_function("() => window.__wsOpen === true")
        page.evaluate("() => { window.__noReload = 'still here'; }")
        return page

    def arrived_after(self, name, text, since_ms):
        """Milliseconds from `since_ms` (a browser Date.now()) to the card with `text` on name's page."""
        at = self.pages[name].evaluate(
            "(text) => (window.__arrivals.find(([t, body]) => body.includes(text)) || [null])[0]", text
        )
        return None if at is None else at - since_ms

    def doc_shot(self, name, file, show=None):
        """A screen-sized picture for the README's tour (`make screenshots` copies them to docs/)."""
        page = self.pages[name]
        if show is not None:
            show.scroll_into_view_if_needed()
        (SHOTS / "docs").mkdir(exist_ok=True)
        page.screenshot(path=str(SHOTS / "docs" / f"{file}.png"))

    def still_live(self, name):
        assert self.pages[name].evaluate("() => window.__noReload") == "still here", f"{name}'s page reloaded"

    @contextmanager
    def step(self, number, title, *people):
        started = time.monotonic()
        current = {"who": people[0] if people else "?"}
        try:
            yield current
        except Exception as error:
            who = current["who"]
            shot = SHOTS / f"FAILED-step{number}-{who}.png"
            if who in self.pages:
                self.pages[who].screenshot(path=str(shot), full_page=True)
            raise StoryFailure(
                f"STORY step {number} ({who}): {title}\n  {error}\n  screenshot: {shot}"
            ) from error
        self.timings[f"step {number}"] = round(time.monotonic() - started, 2)
        for who in people:
            order = number.rjust(2 if number.isdigit() else 3, "0")  # files sort in story order
            self.pages[who].screenshot(path=str(SHOTS / f"{order}-{who}.png"), full_page=True)


def feed_card(page, text):
    return page.locator("#feed-items .feed-item", has_text=text).first


def grid_cell(page, product, customer, facility, week):
    return page.locator(f"#c-{product.pk}-{customer.pk if customer else 0}-{facility.pk}-{week:%Y%m%d} input")


def save_cell_with_note(page, cell, value, note, files=()):
    cell.focus()
    page.keyboard.press("Alt+n")
    panel = page.locator("#cell-panel")
    panel.get_by_label("New value").wait_for()
    panel.get_by_label("New value").fill(str(value))
    panel.get_by_label(re.compile("^Why")).fill(note)
    if files:
        panel.get_by_label(re.compile("Attach files")).set_input_files(list(files))
    clicked_at = page.evaluate("Date.now()")
    panel.get_by_role("button", name="Save with note").click()
    return panel, clicked_at


def press_transition(page, button):
    page.get_by_role("button", name=button, exact=True).click()
    page.wait_for_load_state()


def erp_sends_order(base, key, cast, number):
    body = {
        "items": [
            {
                "number": number,
                "customer": cast["contoso"].code,
                "facility": cast["leeds"].code,
                "order_date": cast["today"].isoformat(),
                "ship_date": cast["w3"].isoformat(),
                "status": "open",
                "lines": [{"sku": cast["oat"].sku, "qty": 3600}],
            }
        ]
    }
    request = urllib.request.Request(
        f"{base}/api/v1/t/northwind/sales-orders/bulk/",
        data=json.dumps(body).encode(),
        headers={
            "Authorization": f"Bearer {key}",
            "Content-Type": "application/json",
            "Idempotency-Key": number,
        },
        method="POST",
    )
    with urllib.request.urlopen(request, timeout=30) as response:
        return json.loads(response.read())
