"""Module-scoped fixtures: one live stack, one world and one set of browsers for all the story's steps
(tests/e2e/conftest.py imports them; test_story.py alone asks for them)."""

import inspect

import pytest
from django.core.management import call_command

from tests.live_stack import running_live_stack
from tests.services import need_chromium

from ..browser import CHROMIUM, CHROMIUM_ARGS
from .cast import load_cast
from .harness import Story


def _asks_for_the_database(item):
    """pytest-django's own rule for which collected tests make `django_db_setup` create the database."""
    from django.test import TransactionTestCase

    fixtures = {"db", "transactional_db", "live_server"} & set(getattr(item, "fixturenames", ()))
    test_case = isinstance(getattr(item, "cls", None), type) and issubclass(item.cls, TransactionTestCase)
    return bool(item.get_closest_marker("django_db") or fixtures or test_case)


@pytest.fixture(scope="module")
def story_db(request, django_db_setup, django_db_blocker):
    """The test database for the whole module: the steps play on the world the earlier ones left, so
    it is committed (the live processes read it) and emptied after the last step, as transactional_db
    empties it after a test."""
    from django.test.utils import setup_databases, teardown_databases

    created = None
    with django_db_blocker.unblock():
        if not any(_asks_for_the_database(item) for item in request.session.items):
            # pytest-django creates the database only if some collected test asks for it; the steps
            # cannot (a `db` fixture or a django_db mark would reset the world after every step).
            created = setup_databases(verbosity=0, interactive=False, aliases={"default"})
    yield
    with django_db_blocker.unblock():
        call_command("flush", verbosity=0, interactive=False)
        if created is not None:
            teardown_databases(created, verbosity=0)


@pytest.fixture(scope="module")
def story_stack(story_db):
    """daphne + a Celery worker for all the steps (their logs are printed under a failed step)."""
    with running_live_stack() as stack:
        yield stack


@pytest.fixture(scope="module")
def cast(story_stack, django_db_blocker):
    """The demo world; written before Playwright starts (while its loop runs Django refuses the ORM)."""
    with django_db_blocker.unblock():
        return load_cast()


@pytest.fixture(scope="module")
def story(story_stack, cast):
    """The cast's browsers, one context per person, open from the first step to the last."""
    need_chromium()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield Story(browser, story_stack.url)
        finally:
            browser.close()


def step_tests(module):
    """The module's step test functions, in file order (the order pytest runs them in)."""
    steps = [
        (function.__code__.co_firstlineno, name)
        for name, function in vars(module).items()
        if name.startswith("test_step_") and inspect.isfunction(function)
    ]
    return [name for _, name in sorted(steps)]


@pytest.fixture
def in_story_order(request, story, story_stack):
    """A step runs only after every earlier step passed; its outcome is recorded for the later ones."""
    name = request.node.name
    steps = step_tests(request.module)
    story.require_played(steps[: steps.index(name)])
    yield
    report = getattr(request.node, "rep_call", None)
    passed = report is not None and report.passed
    crash = getattr(getattr(report, "longrepr", None), "reprcrash", None)
    story.record(name, passed, crash.message.splitlines()[0] if crash and crash.message else "")
    if not passed:
        print(story_stack.logs())
