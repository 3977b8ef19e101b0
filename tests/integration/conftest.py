import pytest

from tests.live_stack import live_stack  # noqa: F401 - the fixture


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Lets live_stack print the processes' logs when the test body failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
