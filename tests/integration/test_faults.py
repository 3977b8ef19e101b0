"""Faults on the real stack while people work: the broker (Redis) is SIGKILLed and restarted on the same
port, and the Celery worker is SIGKILLed once, while several people post and edit plan cells over HTTP.

The worker and beat run as the README's commands do (`make worker`, `make beat`: the prefork pool under
bin/respawn). Afterwards, with nobody lifting a finger:
- the worker is back at work after the broker restart: Celery usually reconnects in the same process;
  on the path where Celery 5.7 exits instead, the supervisor starts a new one (as in production);
- every stored feed item reached every follower's inbox exactly once (no one missing, no duplicates);
- alerts are not duplicated (one live alert per rule, slice and window; one feed item per alert);
- no request answered 5xx, in particular none whose write was stored; writes made while the broker was
  down answered their usual success;
- every stored post has its audit event, and `manage.py audit_verify` (a real process) exits 0.
Figures (posts, deliveries, seconds to converge) are printed and written to artifacts/.
"""

import collections
import json
import os
import re
import subprocess
import sys
import threading
import time
import urllib.error
from pathlib import Path

import pytest
from django.db import connections

from alerts.models import Alert
from feeds import actions as feed_actions
from feeds.models import FeedItem, FeedItemSubject, Follow, InboxEntry
from feeds.verbs import FeedsVerb
from planning.models import EvaluationRequest, PlanEntry
from sopsocial.audit.models import AuditEvent
from tests import live_stack as stacks
from tests.live_stack import ROOT, LiveStack, PrivateRedis, wait_until

from ..alerts import world as w
from ..alerts.factories import make_rule
from ..factories import MembershipFactory, TenantFactory
from .test_live_feed import Browser

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis]
ARTIFACTS = Path(ROOT) / "artifacts"

PEOPLE = 6  # everyone follows both customers and the product; the first POSTERS post, the last EDITORS edit
POSTERS = 3
EDITORS = 2
# The load runs until the faults are over and bounded in count all the same (a runaway loop stops).
MAX_POSTS_PER_PERSON = 150
THINK_SECONDS = 0.25  # between one person's posts: a steady load, not a flood the sweeps then wade through
MAX_EDIT_ROUNDS = 40
EDIT_THINK_SECONDS = 0.5  # each save queues an evaluation, heavier work than a fan-out
# Each editor owns its cells (no two people edit one cell, so no save is refused as stale) and keeps
# changing them between two spikes; non-adjacent weeks, so each cell is its own alert, and never 25 %
# more than before, so no alert is escalated (raised again).
EDITOR_CELLS = [
    [("contoso", 0), ("contoso", 2), ("contoso", 4), ("contoso", 6)],
    [("tesco", 0), ("tesco", 2), ("tesco", 4), ("tesco", 6)],
]
EDIT_VALUES = (5000, 5200)


class Journal:
    """Every request the clients made: what was asked, what came back, and when."""

    def __init__(self):
        self.lock = threading.Lock()
        self.rows = []

    def add(self, kind, marker, status, started, error=""):
        with self.lock:
            self.rows.append(
                {"kind": kind, "marker": marker, "status": status, "at": started, "error": error}
            )

    def all(self):
        with self.lock:
            return list(self.rows)

    def between(self, start, end):
        with self.lock:
            return [r for r in self.rows if start <= r["at"] < end]

    def statuses(self):
        with self.lock:
            return collections.Counter(r["status"] for r in self.rows)


def _request(journal, kind, marker, send):
    started = time.monotonic()
    try:
        response = send()
        status = response.status
        body = response.read()[:300].decode(errors="replace") if status >= 400 else ""
        journal.add(kind, marker, status, started, body)
    except (urllib.error.URLError, OSError) as error:  # no answer at all (timeout, reset)
        journal.add(kind, marker, None, started, repr(error))


def _poster(browser, slug, subjects, journal, stop, name):
    for n in range(MAX_POSTS_PER_PERSON):
        if stop.wait(THINK_SECONDS if n else 0):
            return
        subject = subjects[n % len(subjects)]
        marker = f"fault-post {name} #{n}"
        _request(
            journal,
            "post",
            marker,
            lambda s=subject, m=marker: browser.post(f"/t/{slug}/s/{s.pk}/post/", {"body": m}),
        )


def _editor(browser, world, cells, journal, stop):
    slug = world.tenant.slug
    path = f"/t/{slug}/planning/versions/{world.demand_v2.pk}/cell/"
    try:
        for round_ in range(MAX_EDIT_ROUNDS):
            value = EDIT_VALUES[round_ % len(EDIT_VALUES)]
            for customer_name, week in cells:
                if stop.wait(EDIT_THINK_SECONDS if round_ or cells.index((customer_name, week)) else 0):
                    return
                customer = getattr(world, customer_name)
                revision = PlanEntry.objects.values_list("revision", flat=True).get(
                    version=world.demand_v2,
                    product=world.oat,
                    customer=customer,
                    facility=world.leeds,
                    week=w.week(week),
                )
                form = {
                    "product": world.oat.pk,
                    "customer": customer.pk,
                    "facility": world.leeds.pk,
                    "week": w.week(week).isoformat(),
                    "value": str(value),
                    "revision": revision,
                    "reason": "",
                }
                marker = f"{customer_name} W+{week} = {value}"
                _request(journal, "cell", marker, lambda f=form: browser.post(path, f))
    finally:
        connections.close_all()  # this thread's own database connection


@pytest.fixture
def office(transactional_db):
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    people = [
        MembershipFactory(tenant=tenant, role="planner", user__username=f"person{n}") for n in range(PEOPLE)
    ]
    world = w.build(people[0])
    rule = make_rule(tenant, "Demand spike", "demand_change", {"change_pct": 50, "horizon_weeks": 8})
    # Follows do not change during the test, so each item's followers are known: everyone follows both
    # customers and the product (where alerts are placed).
    for member in people:
        for subject in (world.contoso.subject, world.tesco.subject, world.oat.subject):
            feed_actions.do_follow(member, subject)
    return {"tenant": tenant, "people": people, "world": world, "rule": rule}


def _expected_recipients():
    """{item id: user ids} from the follows and placements alone (nobody here is a partner or mentioned)."""
    followers = collections.defaultdict(set)
    for user_id, subject_id in Follow.objects.values_list("user_id", "subject_id"):
        followers[subject_id].add(user_id)
    expected = collections.defaultdict(set)
    for item_id, subject_id in FeedItemSubject.objects.values_list("item_id", "subject_id"):
        expected[item_id] |= followers[subject_id]
    for item_id in FeedItem.objects.values_list("pk", flat=True):
        expected.setdefault(item_id, set())
    return expected


def _delivered():
    delivered = collections.defaultdict(list)
    for item_id, user_id in InboxEntry.objects.values_list("item_id", "user_id"):
        delivered[item_id].append(user_id)
    return delivered


def _converged():
    return (
        not FeedItem.objects.filter(fanned_out_at__isnull=True).exists()
        and not EvaluationRequest.objects.filter(processed_at__isnull=True).exists()
    )


def _stored_posts():
    return FeedItem.objects.filter(kind=FeedItem.Kind.POST, body__startswith="fault-post").count()


def _worker_log(stack):
    return (stack.logdir / "worker.log").read_text(errors="replace")


def _ran_after(stack, offset, task, result="", times=1):
    """The worker's log shows `task` succeeded `times` times (with `result`) after `offset`."""
    pattern = re.escape(task) + r"\[[^]]+\] succeeded in [0-9.]+s" + re.escape(result)
    return len(re.findall(pattern, _worker_log(stack)[offset:])) >= times


def test_broker_restart_and_worker_kill_under_load_converge_without_a_manual_step(office):
    world, rule, people = office["world"], office["rule"], office["people"]
    slug = world.tenant.slug
    redis = PrivateRedis()
    redis.start()
    stack = LiveStack(
        database_url=stacks.test_database_url(),
        redis_url=redis.url,
        channels_prefix=f"faults{os.getpid()}",
        supervised=True,  # bin/respawn + the prefork pool, as `make worker` / `make beat` run them
        env={
            "ALERTS_SWEEP_SECONDS": "1",
            "FEEDS_SWEEP_SECONDS": "1",
            "FEEDS_FAN_OUT_GRACE_SECONDS": "3",
            "RESPAWN_DELAY": "1",
        },
    )
    journal, stop = Journal(), threading.Event()
    figures, threads = {}, []
    try:
        stack.start()
        stack.start_beat()
        subjects = [world.contoso.subject, world.tesco.subject]
        browsers = [Browser(stack, m.user) for m in people]  # sessions made here, not in the threads
        for browser in browsers[-EDITORS:]:
            browser.get(f"/t/{slug}/")  # the CSRF cookie, as a browser that opened a page has it
        threads = [
            threading.Thread(target=_poster, args=(b, slug, subjects, journal, stop, f"person{n}"))
            for n, b in enumerate(browsers[:POSTERS])
        ] + [
            threading.Thread(target=_editor, args=(b, world, cells, journal, stop))
            for b, cells in zip(browsers[-EDITORS:], EDITOR_CELLS, strict=True)
        ]
        load_start = time.monotonic()
        for thread in threads:
            thread.start()
        wait_until(lambda: _stored_posts() >= 10, "the first posts", timeout=60)

        # --- the broker dies under load and comes back on the same port, empty ------------------------
        worker = stack.worker_pid()
        outage_start = time.monotonic()
        redis.kill()
        stored_before = _stored_posts()
        wait_until(lambda: _stored_posts() >= stored_before + 5, "posts stored while Redis is down", 60)
        redis.start()
        outage_end = time.monotonic()
        log_at_restart = len(_worker_log(stack))
        # Back at work without anyone stepping in: a task queued after the restart runs. Celery usually
        # rides the restart out in the same process; when it exits instead (on a bug in its reconnect
        # path) the supervisor starts a new one, which is what production does too.
        wait_until(
            lambda: _ran_after(stack, log_at_restart, "feeds.fan_out_item"),
            "the worker to run a fan-out task after Redis came back",
            timeout=90,
        )
        back_at_work = time.monotonic()
        figures["worker_rode_out_the_broker_restart"] = stack.worker_pid() == worker

        # --- the worker is killed once, mid-load; its supervisor starts a new one ---------------------
        stack.kill_worker()
        stored_at_kill = _stored_posts()
        wait_until(lambda: _stored_posts() >= stored_at_kill + 5, "posts while the worker is down", 60)
        stop.set()
        for thread in threads:
            thread.join(timeout=60)
        load_end = time.monotonic()

        # --- nobody does anything: the supervisor restarts the worker, the sweeps converge ------------
        stack.wait_worker_restarted(timeout=90)
        wait_until(_converged, "every item fanned out and every evaluation request processed", timeout=120)
        converged = time.monotonic()
        # Quiet: two more sweeps of each kind ran and found nothing left to do.
        log_at_converged = len(_worker_log(stack))
        wait_until(
            lambda: (
                _ran_after(stack, log_at_converged, "feeds.sweep_fan_out", result=": 0", times=2)
                and _ran_after(stack, log_at_converged, "alerts.sweep_pending", result=": {}", times=2)
            ),
            "the sweeps to find nothing left",
            timeout=60,
        )
        audit = subprocess.run(
            [sys.executable, "manage.py", "audit_verify"],
            cwd=ROOT,
            env=stack.env,
            capture_output=True,
            text=True,
            timeout=120,
        )
    finally:
        stop.set()
        for thread in threads:
            thread.join(timeout=30)
        stack.stop()
        redis.kill()

    rows = journal.all()
    during_outage = journal.between(outage_start, outage_end)
    expected, delivered = _expected_recipients(), _delivered()
    posts = FeedItem.objects.filter(kind=FeedItem.Kind.POST, body__startswith="fault-post")
    alerts = list(Alert.objects.filter(rule=rule))
    figures.update(
        {
            "requests": len(rows),
            "statuses": {str(k): v for k, v in sorted(journal.statuses().items(), key=str)},
            "requests_while_redis_down": len(during_outage),
            "posts_stored": posts.count(),
            "posts_stored_while_redis_down": sum(
                1 for r in during_outage if r["kind"] == "post" and r["status"] == 302
            ),
            "cell_saves": sum(1 for r in rows if r["kind"] == "cell"),
            "cell_saves_while_redis_down": sum(1 for r in during_outage if r["kind"] == "cell"),
            "feed_items": len(expected),
            "deliveries_expected": sum(len(users) for users in expected.values()),
            "deliveries_made": sum(len(users) for users in delivered.values()),
            "alerts": len(alerts),
            "redis_down_seconds": round(outage_end - outage_start, 1),
            "worker_back_at_work_seconds_after_redis_back": round(back_at_work - outage_end, 1),
            "load_seconds": round(load_end - load_start, 1),
            "converged_seconds_after_load": round(converged - load_end, 1),
        }
    )
    print("\nfault test figures: " + json.dumps(figures, indent=2))
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "fault-broker-restart.json").write_text(json.dumps(figures, indent=2))

    # No request answered 5xx (or not at all), above all none whose write was stored; a write made while
    # the broker was down answered its usual success.
    stored = set(posts.values_list("body", flat=True))
    failed = [r for r in rows if r["status"] is None or r["status"] >= 500]
    assert not [r for r in failed if r["marker"] in stored], "a stored write answered an error"
    assert not failed, failed[:5]
    unusual = [r for r in rows if r["status"] not in {200, 302}]  # a refused save (409, 4xx) is a defect here
    assert not unusual, unusual[:5]
    assert during_outage and all(r["status"] in {200, 302} for r in during_outage)
    posted = {r["marker"] for r in rows if r["kind"] == "post"}
    assert stored == posted, "every post that answered success is stored, once"
    assert posts.count() == len(posted)
    # Every stored item reached every follower's inbox exactly once.
    missing = {
        i: expected[i] - set(delivered.get(i, []))
        for i in expected
        if expected[i] - set(delivered.get(i, []))
    }
    doubled = {i: users for i, users in delivered.items() if len(users) != len(set(users))}
    extra = {
        i: set(users) - expected.get(i, set())
        for i, users in delivered.items()
        if set(users) - expected.get(i, set())
    }
    assert not missing and not doubled and not extra, (missing, doubled, extra)
    assert figures["deliveries_made"] == figures["deliveries_expected"] > posts.count() * (PEOPLE - 1)
    # Alerts: one per spiked cell, never two for a rule, slice and window, each announced once.
    cells = {cell for owned in EDITOR_CELLS for cell in owned}
    assert len(alerts) == len({(a.key, a.window_start) for a in alerts}) == len(cells)
    for alert in alerts:
        assert FeedItem.objects.filter(kind=FeedItem.Kind.ALERT, data__alert_id=alert.pk).count() == 1
    # Each stored post was audited with it (no half-written change), and the chain verifies, checked by
    # the real command.
    assert AuditEvent.objects.filter(verb=FeedsVerb.POST_CREATE.value).count() == posts.count()
    assert audit.returncode == 0, audit.stdout + audit.stderr
