"""Real processes for integration tests: an ASGI server (daphne) and a Celery worker, started as
subprocesses against the pytest-django TEST database and the configured Redis.

    def test_something(live_stack):           # needs transactional_db (the fixture asks for it)
        live_stack.url, live_stack.ws_url      # http://127.0.0.1:<port>, ws://127.0.0.1:<port>
        live_stack.kill_worker()               # SIGKILL, as a crash would
        live_stack.start_worker()
        live_stack.logs()                      # tails of both logs (printed when a test fails)

Use with `@pytest.mark.live @pytest.mark.postgres @pytest.mark.redis`: the processes are separate, so
the data a test writes must be committed (transactional_db), and the in-memory SQLite test database
could not be shared with them.
"""

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_database_url():
    db = settings.DATABASES["default"]
    user = db.get("USER") or "postgres"
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    host, port = db.get("HOST") or "127.0.0.1", db.get("PORT") or 5432
    return f"postgres://{user}{password}@{host}:{port}/{db['NAME']}"


def _answers(url):
    try:
        with urllib.request.urlopen(f"{url}/healthz", timeout=1) as r:
            return r.status < 500
    except (urllib.error.URLError, OSError):
        return False


class LiveStack:
    def __init__(self, *, database_url, redis_url, channels_prefix="live", env=None):
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.ws_url = f"ws://127.0.0.1:{self.port}"
        self.logdir = Path(tempfile.mkdtemp(prefix="sopsocial-live-"))
        self.env = {
            **os.environ,
            "DATABASE_URL": database_url,
            "REDIS_URL": redis_url,
            "CHANNELS_PREFIX": channels_prefix,
            "CELERY_TASK_ALWAYS_EAGER": "false",
            "DB_POOL_MIN_SIZE": "1",
            "DB_POOL_MAX_SIZE": "4",
            "PYTHONUNBUFFERED": "1",
            # Pages without a websocket poll this often; short, so a test of the fallback is quick.
            "FEEDS_POLL_SECONDS": os.environ.get("FEEDS_POLL_SECONDS", "2"),
            **(env or {}),
        }
        self.server = self.worker = None
        self.extra_servers = []
        self._worker_starts = 0

    # --- processes ---------------------------------------------------------------------------
    def _spawn(self, name, args):
        log = open(self.logdir / f"{name}.log", "ab")  # noqa: SIM115 - closed with the process
        return subprocess.Popen(args, cwd=ROOT, env=self.env, stdout=log, stderr=subprocess.STDOUT)

    def _daphne(self, name, port):
        return self._spawn(
            name, [str(BIN / "daphne"), "-b", "127.0.0.1", "-p", str(port), "config.asgi:application"]
        )

    def start(self):
        self.server = self._daphne("daphne", self.port)
        self.start_worker()
        self._wait(self._server_ready, "daphne to answer HTTP")
        return self

    def start_more_servers(self, count):
        """More daphne processes on the same database and Redis (as behind a load balancer); their URLs."""
        urls = []
        for n in range(count):
            port = free_port()
            self.extra_servers.append(self._daphne(f"daphne{n + 2}", port))
            urls.append(f"http://127.0.0.1:{port}")
        for url in urls:
            self._wait(lambda url=url: _answers(url), f"daphne at {url} to answer HTTP")
        return urls

    def start_worker(self):
        self._worker_starts += 1
        marker = self.logdir / "worker.log"
        self._worker_log_offset = marker.stat().st_size if marker.exists() else 0
        self.worker = self._spawn(
            "worker",
            [
                *(str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle"),
                *("-n", f"live{self._worker_starts}@%h"),
            ],
        )
        self._wait(self._worker_ready, "the Celery worker to be ready")

    def kill_worker(self):
        if self.worker and self.worker.poll() is None:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=10)

    def stop(self):
        for proc in (self.worker, self.server, *self.extra_servers):
            if proc and proc.poll() is None:
                proc.terminate()
                try:
                    proc.wait(timeout=10)
                except subprocess.TimeoutExpired:
                    proc.kill()
                    proc.wait(timeout=5)

    # --- readiness and logs ------------------------------------------------------------------------
    def _server_ready(self):
        if self.server.poll() is not None:
            raise RuntimeError("daphne exited:\n" + self.logs())
        return _answers(self.url)

    def _worker_ready(self):
        if self.worker.poll() is not None:
            raise RuntimeError("the Celery worker exited:\n" + self.logs())
        log = (self.logdir / "worker.log").read_bytes()[self._worker_log_offset :]
        return b" ready." in log

    def _wait(self, ready, what, timeout=45):
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return
            time.sleep(0.2)
        raise TimeoutError(f"timed out waiting for {what}\n{self.logs()}")

    def logs(self, lines=60):
        out = []
        for name in ("daphne", "worker"):
            path = self.logdir / f"{name}.log"
            if path.exists():
                tail = path.read_text(errors="replace").splitlines()[-lines:]
                out.append(f"----- {name} ({path}) -----\n" + "\n".join(tail))
        return "\n".join(out)


@contextmanager
def running_live_stack():
    """daphne + a Celery worker on the test database and Redis, stopped on the way out. The caller owns
    the data: it must be committed (the processes are separate) and removed afterwards."""
    from tests.services import need_postgres, need_redis

    need_postgres()
    need_redis()
    stack = LiveStack(
        database_url=test_database_url(),
        redis_url=settings.REDIS_URL,
        channels_prefix=f"live{os.getpid()}",
    )
    try:
        stack.start()
        yield stack
    finally:
        stack.stop()


@pytest.fixture
def live_stack(transactional_db, request):
    """daphne + a Celery worker on the test database and Redis; stopped (and logs shown on failure) after."""
    with running_live_stack() as stack:
        try:
            yield stack
        finally:
            failed = getattr(request.node, "rep_call", None)
            if failed is not None and failed.failed:
                print(stack.logs())
