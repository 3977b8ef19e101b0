"""Real processes for integration tests: an ASGI server (daphne) and a Celery worker, started as
subprocesses against the pytest-django TEST database and the configured Redis.

    def test_something(live_stack):           # needs transactional_db (the fixture asks for it)
        live_stack.url, live_stack.ws_url      # http://127.0.0.1:<port>, ws://127.0.0.1:<port>
        live_stack.kill_worker()               # SIGKILL, as a crash would
        live_stack.start_worker()
        live_stack.logs()                      # tails of both logs (printed when a test fails)

`LiveStack(..., supervised=True)` runs the worker and beat as the README's commands do: under
`bin/respawn`, with the prefork pool; `kill_worker()` then kills the Celery process (not its supervisor)
and `wait_worker_restarted()` waits for the supervisor's new one. `PrivateRedis` is a redis-server of a
test's own, to kill and restart without touching anyone else's.

Use with `@pytest.mark.live @pytest.mark.postgres @pytest.mark.redis`: the processes are separate, so
the data a test writes must be committed (transactional_db), and the in-memory SQLite test database
could not be shared with them.
"""

import os
import shutil
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
RESPAWN = ROOT / "bin" / "respawn"


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


def wait_until(ready, what, timeout=45, interval=0.2):
    """Poll `ready()` until it is true; a TimeoutError naming `what` after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if ready():
            return
        time.sleep(interval)
    raise TimeoutError(f"timed out waiting for {what}")


def _children(pid):
    try:
        return [int(p) for p in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


class PrivateRedis:
    """A redis-server of the test's own on a free port (no persistence), so that it can be killed and
    restarted on the same port without touching the Redis other tests use."""

    def __init__(self):
        self.port = free_port()
        self.proc = None
        self.url = f"redis://127.0.0.1:{self.port}/0"

    def start(self):
        server = shutil.which("redis-server")
        if server is None:
            pytest.fail("redis-server is needed to restart a broker in a test")
        self.proc = subprocess.Popen(
            [server, "--bind", "127.0.0.1", "--port", str(self.port), "--save", "", "--appendonly", "no"],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        wait_until(self.answers, "redis-server to answer", timeout=10, interval=0.05)

    def answers(self):
        try:
            with socket.create_connection(("127.0.0.1", self.port), timeout=1) as s:
                s.sendall(b"PING\r\n")
                return s.recv(16).startswith(b"+PONG")
        except OSError:
            return False

    def kill(self):
        """SIGKILL, as abrupt as a crash: every queued message and unacknowledged task is gone."""
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGKILL)
            self.proc.wait(timeout=10)

    stop = kill


class LiveStack:
    def __init__(self, *, database_url, redis_url, channels_prefix="live", env=None, supervised=False):
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
        self.supervised = supervised
        self.server = self.worker = None
        self.extra_servers = []
        self.beats = []
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
        self._mark_worker_log()
        if self.supervised:
            # The README's command (`make worker`): the prefork pool under bin/respawn.
            args = [
                *(str(RESPAWN), str(BIN / "celery"), "-A", "config", "worker"),
                *("--loglevel=INFO", "--concurrency=2", "-n", f"live{self._worker_starts}@%h"),
            ]
        else:
            args = [
                *(str(BIN / "celery"), "-A", "config", "worker", "--pool=solo", "--loglevel=INFO"),
                *("--without-heartbeat", "--without-gossip", "--without-mingle"),
                *("-n", f"live{self._worker_starts}@%h"),
            ]
        self.worker = self._spawn("worker", args)
        self._wait(self._worker_ready, "the Celery worker to be ready")

    def _mark_worker_log(self):
        marker = self.logdir / "worker.log"
        self._worker_log_offset = marker.stat().st_size if marker.exists() else 0

    def worker_pid(self):
        """The Celery worker's main process: the supervisor's child when supervised."""
        if self.worker is None or self.worker.poll() is not None:
            return None
        if not self.supervised:
            return self.worker.pid
        for pid in _children(self.worker.pid):  # Celery, or the supervisor's `sleep` between two runs
            try:
                if b"celery" in Path(f"/proc/{pid}/cmdline").read_bytes():
                    return pid
            except FileNotFoundError:
                continue
        return None

    def kill_worker(self):
        """SIGKILL the Celery worker, as a crash would (its pool processes die with it). Supervised, the
        supervisor stays and starts a new one: see `wait_worker_restarted`."""
        pid = self.worker_pid()
        if pid is None:
            return
        if self.supervised:
            self._mark_worker_log()
            os.kill(pid, signal.SIGKILL)
            self._wait(lambda: not Path(f"/proc/{pid}").exists(), "the killed worker to be gone")
        else:
            self.worker.send_signal(signal.SIGKILL)
            self.worker.wait(timeout=10)

    def wait_worker_restarted(self, timeout=60):
        self._wait(self._worker_ready, "the supervisor's new Celery worker to be ready", timeout=timeout)

    def start_beat(self):
        """Celery beat on a schedule file in the log folder (supervised like the worker if asked)."""
        args = [
            *(str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO"),
            f"--schedule={self.logdir / 'beat-schedule'}",
        ]
        log = self.logdir / "beat.log"
        offset = log.stat().st_size if log.exists() else 0
        beat = self._spawn("beat", [str(RESPAWN), *args] if self.supervised else args)
        self.beats.append(beat)
        self._wait(lambda: b"beat: Starting..." in log.read_bytes()[offset:], "celery beat to start")
        return beat

    def stop(self):
        for proc in (*self.beats, self.worker, self.server, *self.extra_servers):
            if proc and proc.poll() is None:
                proc.terminate()  # a supervisor passes it on and exits with its child
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    for child in _children(proc.pid):  # a supervisor's child would outlive a SIGKILL
                        os.kill(child, signal.SIGKILL)
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
        for name in ("daphne", "worker", "beat"):
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
