"""Figure 6: locust (headless, on loopback) against the setup the README recommends: one daphne process
per CPU core (BENCH_WEB_PROCESSES overrides it; each locust user sticks to one of them, round robin, as
behind a load balancer) and a Celery worker, on the bench database: 50 people for 60 s, then rising
numbers of people until p95 crosses 200 ms (the saturation point)."""

import csv
import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

from django.conf import settings
from django.db import connection

from .data import TENANT_SLUG
from .figures import Result
from .live import _cookies, _stack

BIN = Path(sys.executable).parent
HERE = Path(__file__).resolve().parent


def _setup_file(people):
    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Membership

    members = (
        Membership.objects.filter(tenant__slug=TENANT_SLUG, user__username__startswith="bench-u")
        .select_related("user")
        .order_by("user_id")[:people]
    )
    subjects = list(
        Subject.objects.filter(tenant__slug=TENANT_SLUG, kind="product")
        .order_by("pk")
        .values_list("pk", flat=True)[:300]
    )
    setup = {
        "tenant": TENANT_SLUG,
        "session_cookie": settings.SESSION_COOKIE_NAME,
        "csrf_cookie": settings.CSRF_COOKIE_NAME,
        "sessions": [_cookies(m.user)[settings.SESSION_COOKIE_NAME] for m in members],
        "subjects": subjects,
    }
    path = Path(tempfile.mkdtemp(prefix="sopsocial-load-")) / "setup.json"
    path.write_text(json.dumps(setup))
    return path


def _locust(urls, setup, users, seconds):
    """One headless locust run; returns the aggregated row of its CSV stats."""
    prefix = setup.parent / f"u{users}"
    subprocess.run(
        [
            str(BIN / "locust"),
            *("-f", str(HERE / "locustfile.py"), "--headless", "--only-summary"),
            *("-u", str(users), "-r", str(max(10, users // 5)), "-t", f"{seconds}s"),
            *("--host", urls[0], "--csv", str(prefix), "--loglevel", "WARNING"),
        ],
        env={**os.environ, "BENCH_LOAD_FILE": str(setup), "BENCH_LOAD_HOSTS": " ".join(urls)},
        check=False,
        capture_output=True,
        timeout=seconds + 60,
    )
    with open(f"{prefix}_stats.csv", newline="") as fh:  # noqa: PTH123
        rows = {r["Name"]: r for r in csv.DictReader(fh)}
    agg = rows["Aggregated"]
    return {
        "users": users,
        "requests": int(agg["Request Count"]),
        "failures": int(agg["Failure Count"]),
        "rps": round(float(agg["Requests/s"]), 1),
        "median_ms": float(agg["50%"]),
        "p95_ms": float(agg["95%"]),
        "p99_ms": float(agg["99%"]),
        "max_ms": float(agg["Max Response Time"]),
        "by_name": {
            n: {"p95_ms": float(r["95%"]), "n": int(r["Request Count"])}
            for n, r in rows.items()
            if n != "Aggregated"
        },
    }


def load(ctx):
    quick = ctx.size.name != "full"
    steps = (100, 200, 400) if not quick else (100, 200)
    setup = _setup_file(max(steps))
    connection.close()
    stack = _stack().start()
    web_processes = int(os.environ.get("BENCH_WEB_PROCESSES") or os.cpu_count() or 1)
    try:
        urls = [stack.url, *stack.start_more_servers(web_processes - 1)]
        main = _locust(urls, setup, 50, 60)
        saturation, ramp = None, []
        for users in steps:
            step = _locust(urls, setup, users, 30)
            ramp.append({k: step[k] for k in ("users", "rps", "p95_ms", "p99_ms", "failures")})
            if step["p95_ms"] > 200:
                saturation = step["rps"]
                break
    except Exception:
        ctx.log(stack.logs(40))
        raise
    finally:
        stack.stop()
    # Locust reports percentiles, not samples: the row carries them as its median/p95/max.
    result = Result(
        "6 load (locust)",
        "50 people, 1-3 s think, 60 s",
        [main["median_ms"]],
        200,
        None,
        {
            "median_ms": main["median_ms"],
            "p95_ms": main["p95_ms"],
            "max_ms": main["max_ms"],
            "rps": main["rps"],
            "requests": main["requests"],
            "errors": main["failures"],
            "p99_ms": main["p99_ms"],
            "by_name": main["by_name"],
            "ramp": ramp,
            "web_processes": web_processes,
            "saturation_rps": saturation,
            "note": (
                f"{web_processes} daphne: {main['rps']} req/s, p95 {main['p95_ms']:.0f} ms, "
                f"p99 {main['p99_ms']:.0f} ms, "
                f"{main['failures']} errors of {main['requests']}; saturation (p95 > 200 ms): "
                + (f"~{saturation} req/s" if saturation else f"not reached up to {ramp[-1]['rps']} req/s")
            ),
        },
    )
    return [result]
