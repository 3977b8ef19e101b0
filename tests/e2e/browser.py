"""Shared browser helpers for the end-to-end tests: Debian's chromium through Playwright, accessibility
checks with the vendored axe-core, keyboard reachability and the no-horizontal-scroll check."""

from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]
PHONE = {"width": 390, "height": 844}
DESKTOP = {"width": 1280, "height": 800}
AXE = Path(__file__).parent / "vendor" / "axe-4.14.1.min.js"


def axe_violations(page, impacts=("serious", "critical")):
    """Serious and critical axe-core findings on the current page (WCAG 2.x A/AA and best practice)."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate(
        "async () => await axe.run(document, {runOnly: ['wcag2a', 'wcag2aa', 'wcag21aa', 'best-practice']})"
    )
    return [
        f"{v['id']} ({v['impact']}): {v['help']} -> {[n['target'] for n in v['nodes']][:5]}"
        for v in result["violations"]
        if v["impact"] in impacts
    ]


def horizontal_overflow(page):
    """How many pixels the page is wider than the viewport (0 = no horizontal scrolling)."""
    return page.evaluate("document.documentElement.scrollWidth - window.innerWidth")


def overflowing_elements(page, limit=8):
    """The elements that stick out on the right, to say what to fix when a page scrolls sideways."""
    return page.evaluate(
        """(limit) => [...document.querySelectorAll('body *')]
        .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
        .slice(0, limit)
        .map(e => [e.tagName, e.className, Math.round(e.getBoundingClientRect().right)].join(' '))""",
        limit,
    )


FOCUSABLE = "a[href], button, input:not([type=hidden]), select, textarea, summary"


def unreachable_by_keyboard(page, limit=None):
    """Visible interactive elements that Tab never reaches, in document order. By default it presses Tab
    twice per interactive element on the page and a few more, so a long page is walked to its end."""
    if limit is None:
        # twice round: the walk may start anywhere in the page, and wraps at its end
        limit = 2 * page.evaluate("(s) => document.querySelectorAll(s).length", FOCUSABLE) + 30
    page.evaluate(
        """() => {
        window.__seen = new Set();
        document.addEventListener('focusin', e => window.__seen.add(e.target), true);
        document.activeElement && document.activeElement.blur();
    }"""
    )
    page.locator("body").focus()
    for _ in range(limit):
        page.keyboard.press("Tab")
    return page.evaluate(
        """(selector) => {
        const items = [...document.querySelectorAll(selector)]
          .filter(el => !el.disabled && el.offsetParent !== null)
          .filter(el => getComputedStyle(el).visibility !== 'hidden')
          .filter(el => !el.closest('details:not([open])') || el.tagName === 'SUMMARY');
        return items.filter(el => !window.__seen.has(el)).map(el => el.outerHTML.slice(0, 120));
    }""",
        FOCUSABLE,
    )
