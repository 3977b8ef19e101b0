import pytest

from .push_fixtures import push_service, vapid  # noqa: F401 - the phone notification tests' fixtures


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    """Attachments go to a throwaway folder per test."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run queued after-commit work (fan-out, pushes, e-mails) as the worker would."""

    def run(fn, *args, **kwargs):
        with django_capture_on_commit_callbacks(execute=True) as callbacks:
            result = fn(*args, **kwargs)
        return result, callbacks

    return run


@pytest.fixture(autouse=True)
def tasks_inline(settings):
    """Unit tests run queued tasks inline (after commit) even when REDIS_URL is set; the real worker
    is exercised by tests/integration."""
    settings.CELERY_TASK_ALWAYS_EAGER = True
