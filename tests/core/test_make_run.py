"""`make run` on the embedded default serves the login page and a demo user lands on the tenant home."""

import http.cookiejar
import os
import re
import signal
import socket
import subprocess
import time
import urllib.parse
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def _free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.live
def test_make_run_serves_login_and_a_demo_user_lands_on_the_tenant_home(tmp_path):
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in {"DATABASE_URL", "REDIS_URL", "CI"}}
    env["DATABASE_URL"] = f"sqlite:///{tmp_path / 'run.sqlite3'}"
    log = open(tmp_path / "make-run.log", "w")
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
        jar = http.cookiejar.CookieJar()
        opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        deadline = time.monotonic() + 120
        while True:
            try:
                page = opener.open(f"{base}/accounts/login/", timeout=5).read().decode()
                break
            except OSError:
                if server.poll() is not None or time.monotonic() > deadline:
                    pytest.fail("make run did not serve:\n" + (tmp_path / "make-run.log").read_text()[-3000:])
                time.sleep(0.5)
        assert "Log in to sopsocial" in page
        output = (tmp_path / "make-run.log").read_text()
        assert "alex" in output and "sopsocial-demo" in output, "make run prints the demo logins"

        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode(
            {"username": "alex", "password": "sopsocial-demo", "csrfmiddlewaretoken": token}
        ).encode()
        request = urllib.request.Request(f"{base}/accounts/login/", data=form, headers={"Referer": base})
        home = opener.open(request, timeout=10)
        assert home.geturl() == f"{base}/t/northwind/"
        assert "Northwind Foods" in home.read().decode()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=20)
        log.close()
