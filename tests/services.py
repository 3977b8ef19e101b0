"""What the suite needs from the outside world, and what to do when it is missing.

Locally a test that needs PostgreSQL, Redis or chromium is skipped with the reason; with CI=true the
same absence fails the test, so CI can never go green by skipping the real stack.
"""

import os
import shutil
import socket
from urllib.parse import urlparse

import pytest
from django.conf import settings

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
CHROMIUM = "/usr/bin/chromium"


def need(condition, reason):
    if condition:
        return
    if IN_CI:
        pytest.fail(f"CI=true and {reason}: CI must run this test on the real stack", pytrace=False)
    pytest.skip(reason)


def redis_reachable():
    url = getattr(settings, "REDIS_URL", None)
    if not url:
        return False
    parsed = urlparse(url)
    try:
        with socket.create_connection((parsed.hostname or "127.0.0.1", parsed.port or 6379), timeout=1):
            return True
    except OSError:
        return False


def need_postgres():
    need(settings.USING_POSTGRES, "needs PostgreSQL: set DATABASE_URL=postgres://... (bash .ci/run does)")


def need_redis():
    need(redis_reachable(), "needs Redis: set REDIS_URL=redis://127.0.0.1:6379/0 (bash .ci/run does)")


def need_chromium():
    need(os.path.exists(CHROMIUM) or shutil.which("chromium"), "needs Debian's chromium at /usr/bin/chromium")
