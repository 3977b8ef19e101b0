"""`make bench` / `python -m bench [--size quick|full] [--only feed,fanout,...] [--rebuild] [--repeats N]`.

Needs PostgreSQL and Redis (the figures are about the production stack): BENCH_DATABASE_URL or
DATABASE_URL (default postgres://postgres@127.0.0.1:5432/sopsocial_bench, created and migrated if
missing) and REDIS_URL (default redis://127.0.0.1:6379/5). Builds the data once per size
(bench/data.py), then prints a table and writes bench/results/latest.json plus a timestamped copy.
"""

import argparse
import datetime as dt
import json
import os
import platform
import sys
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
RESULTS = Path(__file__).resolve().parent / "results"
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/sopsocial_bench"
DEFAULT_REDIS = "redis://127.0.0.1:6379/5"


def parse(argv):
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", choices=("quick", "full", "tiny"), default="quick")
    parser.add_argument("--only", default="", help="comma-separated benchmarks (default: all)")
    parser.add_argument("--rebuild", action="store_true", help="drop the bench database and rebuild")
    parser.add_argument("--repeats", type=int, default=None, help="samples per figure (default 30/50)")
    parser.add_argument("--out", default=str(RESULTS), help="results directory")
    return parser.parse_args(argv)


def _admin_url(url):
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path="/postgres")), parts.path.lstrip("/")


def prepare_services(database_url, redis_url, *, rebuild):
    """Check PostgreSQL and Redis; create (or drop and recreate) the bench database. Returns a list of
    problems (empty when both are there)."""
    import psycopg
    import redis

    problems = []
    admin, name = _admin_url(database_url)
    if not database_url.startswith("postgres"):
        problems.append(f"DATABASE_URL must be PostgreSQL (got {database_url!r})")
    else:
        try:
            with psycopg.connect(admin, autocommit=True, connect_timeout=5) as conn:
                if rebuild:
                    conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
                if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name]).fetchone():
                    conn.execute(f'CREATE DATABASE "{name}"')
        except psycopg.Error as exc:
            problems.append(f"PostgreSQL is not reachable at {admin}: {exc}".strip())
    try:
        redis.Redis.from_url(redis_url, socket_connect_timeout=5).ping()
    except redis.RedisError as exc:
        problems.append(f"Redis is not reachable at {redis_url}: {exc}")
    return problems


def machine_facts():
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg = cursor.fetchone()[0]
    memory = None
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal:"):
                memory = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return {
        "cpu_count": os.cpu_count(),
        "memory_gb": memory,
        "loadavg": [round(x, 2) for x in os.getloadavg()],
        "python": platform.python_version(),
        "postgresql": pg,
        "platform": platform.platform(),
    }


def table(results):
    lines = [
        f"{'figure':<24} {'case':<30} {'median':>9} {'p95':>9} {'max':>9} {'n':>4} {'queries':>7}  target",
        "-" * 108,
    ]
    for r in results:
        if r.target_ms is None:
            mark = "-"
        else:
            mark = f"p95 <= {r.target_ms:g} ms {'PASS' if r.ok else 'MISS'}"
        queries = "" if r.queries is None else str(r.queries)
        lines.append(
            f"{r.group:<24} {r.name:<30} {r.median:>7.1f}ms {r.p95:>7.1f}ms {r.max:>7.1f}ms "
            f"{len(r.samples_ms):>4} {queries:>7}  {mark}"
        )
        for key in ("ratio_to_page_1", "ratio", "note"):
            if key in r.extra:
                lines.append(f"{'':<24}   {key}: {r.extra[key]}")
    return "\n".join(lines)


def run(size_name, only=(), *, repeats=None, rebuild=False, out=RESULTS, log=print):
    """Build or reuse the data on the configured database, run the benchmarks, write the JSON.
    Returns (results, payload). Used by main() and by tests/bench."""
    from . import figures
    from .data import SIZES, ensure_data, facts_as_dict

    size = SIZES[size_name]
    unknown = set(only) - set(figures.BENCHMARKS)
    if unknown:
        raise SystemExit(
            f"unknown benchmark(s): {', '.join(sorted(unknown))}; know {', '.join(figures.BENCHMARKS)}"
        )
    facts = ensure_data(size, rebuild=rebuild, log=log)
    repeats = repeats or {"full": 50, "quick": 30}.get(size_name, 5)
    ctx = figures.Context(size=size, facts=facts, repeats=repeats, log=log)
    load_before = os.getloadavg()
    results = []
    for name, bench in figures.BENCHMARKS.items():
        if only and name not in only:
            continue
        log(f"running {name} ...")
        results.extend(bench(ctx))
    payload = {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "size": size_name,
        "size_spec": facts_as_dict(size),
        "data": facts,
        "machine": {**machine_facts(), "loadavg_before": [round(x, 2) for x in load_before]},
        "results": [r.as_dict() for r in results],
    }
    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    text = json.dumps(payload, indent=2, default=str)
    (out / "latest.json").write_text(text)
    stamp = payload["when"].replace(":", "").replace("-", "")[:15]
    (out / f"bench-{size_name}-{stamp}.json").write_text(text)
    return results, payload


def main(argv):
    args = parse(argv)
    # BENCH_DATABASE_URL first, so a DATABASE_URL exported for the app need not be the bench's.
    database_url = os.environ.get("BENCH_DATABASE_URL") or os.environ.get("DATABASE_URL") or DEFAULT_DB
    redis_url = os.environ.get("REDIS_URL") or DEFAULT_REDIS
    problems = prepare_services(database_url, redis_url, rebuild=args.rebuild)
    if problems:
        print("make bench needs PostgreSQL and Redis:", file=sys.stderr)
        for problem in problems:
            print(f"  - {problem}", file=sys.stderr)
        print(
            "Set DATABASE_URL / REDIS_URL (defaults: " + f"{DEFAULT_DB}, {DEFAULT_REDIS}).", file=sys.stderr
        )
        return 2
    os.environ["DATABASE_URL"] = database_url
    os.environ["REDIS_URL"] = redis_url
    os.environ.setdefault("CHANNELS_PREFIX", "bench")
    # Production settings: with DEBUG on, Django wraps every cursor to log its queries.
    os.environ.setdefault("DEBUG", "false")
    # In-process figures run the on-commit tasks inline; live figures start a real worker.
    os.environ["CELERY_TASK_ALWAYS_EAGER"] = "true"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0, interactive=False)
    only = tuple(x.strip() for x in args.only.split(",") if x.strip())
    results, payload = run(args.size, only, repeats=args.repeats, out=args.out)
    m = payload["machine"]
    print()
    print(
        f"sopsocial bench, size {args.size}: {payload['data']}\n"
        f"machine: {m['cpu_count']} CPUs, {m['memory_gb']} GB, PostgreSQL {m['postgresql']}, "
        f"Python {m['python']}, load average {m['loadavg_before']} before / {m['loadavg']} after"
    )
    print(table(results))
    print(f"\nwritten {Path(args.out) / 'latest.json'}")
    return 0
