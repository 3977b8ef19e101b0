"""The story's smoke version on the embedded default, on the very server `make run` starts (SQLite, the
in-memory channel layer, tasks inline): log in through the form, see the feed, post, and see the post
appear, on the author's page and live on a colleague's phone."""

import os
import signal
import socket
import subprocess
import time
import urllib.request
from pathlib import Path

import pytest

from tests.services import need_chromium

from .browser import CHROMIUM, CHROMIUM_ARGS, DESKTOP, PHONE

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _log_in(browser, base, username, viewport):
    context = browser.new_context(viewport=viewport)
    context.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = true; });")
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{base}/accounts/login/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill("sopsocial-demo")
    page.get_by_role("button", name="Log in").click()
    page.wait_for_url(f"{base}/t/northwind/")
    return page


@pytest.mark.live
@pytest.mark.browser
def test_make_run_smoke_log_in_see_the_feed_post_and_see_it_appear(tmp_path):
    from playwright.sync_api import expect, sync_playwright

    need_chromium()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CI"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    log = open(tmp_path / "make-run.log", "w")  # noqa: SIM115 - closed in finally
    server = subprocess.Popen(
        ["make", "run", f"PORT={port}"],
        cwd=ROOT,
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 180
        while True:
            try:
                page = urllib.request.urlopen(f"{base}/accounts/login/", timeout=5).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("make run did not serve:\n" + (tmp_path / "make-run.log").read_text()[-3000:])
                time.sleep(0.5)
        assert "Log in to sopsocial" in page
        output = (tmp_path / "make-run.log").read_text()
        assert "alex" in output and "sopsocial-demo" in output, "make run prints the demo logins"

        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            sam = _log_in(browser, base, "sam", PHONE)
            expect(
                sam.locator("#feed-items .feed-item", has_text="November S&OP cycle").first
            ).to_be_visible()
            sam.wait_for_function("() => window.__wsOpen === true")
            alex = _log_in(browser, base, "alex", DESKTOP)
            expect(alex.locator("#feed-items .feed-item").first).to_be_visible()
            # to the customer through the Customers list (the demo's cycle in motion fills page 1 of
            # the feed with newer items than Contoso's posts)
            alex.goto(f"{base}/t/northwind/planning/customers/")
            alex.locator("main tr", has_text="Contoso Retail").get_by_role("link").first.click()
            alex.get_by_label("Post about Contoso Retail").fill(
                "Smoke test: Contoso confirmed the promo dates"
            )
            alex.get_by_role("button", name="Post", exact=True).click()
            expect(
                alex.locator(".feed-item", has_text="Contoso confirmed the promo dates").first
            ).to_be_visible()
            # Sam follows Contoso Retail: the post reaches his open phone without a reload.
            card = sam.locator("#feed-items .feed-item", has_text="Contoso confirmed the promo dates")
            expect(card).to_be_visible(timeout=15_000)
            browser.close()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
