import pytest
from django.db.backends.base.operations import BaseDatabaseOperations

from sopsocial.audit import immutability

from . import services


def pytest_configure(config):
    from django.conf import settings

    # Fast hashing in tests (one test checks that Argon2 is what production uses).
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    settings.STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"
    # Unit tests run Celery tasks inline after commit; real workers are exercised by the live tests,
    # which start their own processes with their own environment.
    settings.CELERY_TASK_ALWAYS_EAGER = True
    _allow_test_flush_of_audit_table()


def _allow_test_flush_of_audit_table():
    """Between transactional tests Django empties every table; the audit table refuses that by design.
    The test run (and only it) lifts the guard for the duration of the flush statement list."""
    original = BaseDatabaseOperations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        vendor = self.connection.vendor
        if vendor == "postgresql":
            sql_list = ["SET LOCAL session_replication_role = replica", *sql_list]
        elif vendor == "sqlite":
            sql_list = [
                *immutability.all_statements("sqlite", install=False),
                *sql_list,
                *immutability.all_statements("sqlite", install=True),
            ]
        return original(self, sql_list)

    BaseDatabaseOperations.execute_sql_flush = execute_sql_flush


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.get_closest_marker("postgres"):
            item.fixturenames.append("_need_postgres")
        if item.get_closest_marker("redis"):
            item.fixturenames.append("_need_redis")
        if item.get_closest_marker("browser"):
            item.fixturenames.append("_need_chromium")


@pytest.fixture
def _need_postgres():
    services.need_postgres()


@pytest.fixture
def _need_redis():
    services.need_redis()


@pytest.fixture
def _need_chromium():
    services.need_chromium()


@pytest.fixture(autouse=True)
def _no_throttle_counters_from_earlier_tests():
    """Login and reset throttles count in the cache, which is Redis in the full run and outlives a test
    (and the run): each test starts with no counters. Only the throttle's keys are removed, so a live
    stack sharing that Redis keeps its queues."""
    from django.core.cache import cache

    client_of = getattr(getattr(cache, "_cache", None), "get_client", None)
    if client_of is None:
        cache.clear()
    else:
        from redis.exceptions import ConnectionError as RedisDown

        try:
            redis = client_of(write=True)
            for pattern in ("login-fail:*", "throttle:*"):
                keys = list(redis.scan_iter(cache.make_key(pattern)))
                if keys:
                    redis.delete(*keys)
        except RedisDown:
            pass  # tests that need Redis skip themselves (services.need_redis)
    yield


@pytest.fixture
def tenant(db):
    from .factories import TenantFactory

    return TenantFactory()


@pytest.fixture
def other_tenant(db):
    from .factories import TenantFactory

    return TenantFactory(slug="elsewhere", name="Elsewhere Ltd")


@pytest.fixture
def admin_member(tenant):
    from .factories import MembershipFactory

    return MembershipFactory(tenant=tenant, role="admin")


@pytest.fixture
def planner_member(tenant):
    from .factories import MembershipFactory

    return MembershipFactory(tenant=tenant, role="planner")


@pytest.fixture
def client_for(client):
    """Log a member's user into the test client and return it."""

    def login(member):
        client.force_login(member.user)
        return client

    return login


@pytest.fixture
def captured_pushes(monkeypatch):
    """{group name: html} of what a live push (`feeds.live.push_item`) would send over the channel layer,
    for any app's tests: the sends are captured instead of reaching Redis or a socket."""
    from feeds import live

    sent = {}

    async def capture(layer, messages):
        sent.update(messages)
        return len(messages)

    monkeypatch.setattr(live, "_send_all", capture)
    return sent


@pytest.hookimpl(hookwrapper=True)
def pytest_runtest_makereport(item, call):
    # Lets live_stack print the processes' logs when the test body failed.
    outcome = yield
    report = outcome.get_result()
    setattr(item, f"rep_{report.when}", report)
