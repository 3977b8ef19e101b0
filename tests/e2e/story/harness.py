"""The story's harness: the cast's browsers, each step's screenshots and failure message, and the order
of the steps (each step is a test function playing on the world the earlier ones left behind)."""

import time
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests import services
from tests.live_stack import ROOT

from ..browser import DESKTOP

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
    """The cast's browsers and the step bookkeeping (screenshots, failure messages, order)."""

    def __init__(self, browser, base):
        self.browser, self.base, self.pages, self.timings = browser, base, {}, {}
        # What a step leaves for a later one (the click a live card is timed from, the order's page).
        self.demand_saved_at = self.supply_saved_at = self.order_path = None
        self.played, self.broken, self.failure = [], None, None
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
            self.failure = f"STORY step {number} ({who}): {title}"
            raise StoryFailure(
                f"STORY step {number} ({who}): {title}\n  {error}\n  screenshot: {shot}"
            ) from error
        self.timings[f"step {number}"] = round(time.monotonic() - started, 2)
        for who in people:
            order = number.rjust(2 if number.isdigit() else 3, "0")  # files sort in story order
            self.pages[who].screenshot(path=str(SHOTS / f"{order}-{who}.png"), full_page=True)

    # --- the order of the steps ---------------------------------------------------------------------
    def require_played(self, earlier):
        """Before a step: every earlier step test (names, in order) must have passed. After a failure the
        later steps fail naming it, so the report points at one cause; a step left out (`-k`) is a skip
        locally and a failure under CI, where nothing may turn green by not running."""
        missing = [name for name in earlier if name not in self.played]
        if not missing:
            return
        if self.broken is not None:
            pytest.fail(f"not played: the story broke earlier, at {self.broken}", pytrace=False)
        reason = f"not played: {missing[0]} did not run first (the story's steps play in order, whole)"
        if services.IN_CI:
            pytest.fail(f"CI=true and {reason}", pytrace=False)
        pytest.skip(reason)

    def record(self, name, passed, crash=""):
        """After a step test: what require_played reads. The first failure is the one later steps name."""
        if passed:
            self.played.append(name)
        elif self.broken is None:
            self.broken = f"{name}: {self.failure or crash or 'failed'}"
