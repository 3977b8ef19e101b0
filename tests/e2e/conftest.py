import pytest

from tests.services import need_chromium

from .browser import CHROMIUM, CHROMIUM_ARGS
from .story.fixtures import cast, in_story_order, story, story_db, story_stack  # noqa: F401 - test_story.py's


@pytest.fixture
def new_page():
    """Open a page in a fresh browser context (one per person). Playwright starts on the first call, so
    a test writes its data before that: while Playwright's event loop runs, Django refuses synchronous
    database calls, and the tests keep it that way instead of switching the protection off."""
    need_chromium()
    state = {}

    def make(viewport, **options):
        if "browser" not in state:
            from playwright.sync_api import sync_playwright

            state["playwright"] = sync_playwright().start()
            state["browser"] = state["playwright"].chromium.launch(
                executable_path=CHROMIUM, args=CHROMIUM_ARGS
            )
        # bypass_csp only lets the test inject axe-core; the app's own pages never need it.
        context = state["browser"].new_context(viewport=viewport, bypass_csp=True, **options)
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield make
    if "browser" in state:
        state["browser"].close()
        state["playwright"].stop()
