"""Alerts on real processes: a plan cell changed over HTTP raises the demand-spike alert and the
follower's open websocket receives it; and faults (the worker SIGKILLed mid-evaluation, Redis restarted
with requests queued) only delay alerts: afterwards every expected alert exists exactly once."""

import json
import os
import random
import shutil
import time
from pathlib import Path

import pytest

from alerts.models import Alert
from feeds import actions as feed_actions
from feeds.models import FeedItem, InboxEntry
from planning.models import EvaluationRequest, PlanEntry
from tests import live_stack as stacks
from tests.live_stack import BIN, ROOT, LiveStack, PrivateRedis

from ..alerts import world as w
from ..alerts.factories import make_rule
from ..factories import MembershipFactory, TenantFactory
from .test_live_feed import Browser, wait_for

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis]
ARTIFACTS = Path(ROOT) / "artifacts"


@pytest.fixture
def story(transactional_db):
    tenant = TenantFactory(slug="northwind", name="Northwind Foods")
    alex = MembershipFactory(tenant=tenant, role="planner", user__username="alex")
    dana = MembershipFactory(tenant=tenant, role="planner", user__username="dana")
    world = w.build(alex)
    rule = make_rule(tenant, "Demand spike", "demand_change", {"change_pct": 50, "horizon_weeks": 8})
    feed_actions.do_follow(dana, world.contoso.subject)
    return {"world": world, "alex": alex, "dana": dana, "rule": rule}


def set_cell(browser, world, customer, week, value, reason=""):
    browser.get(f"/t/{world.tenant.slug}/")  # a page sets the CSRF cookie, as a real browser would have it
    entry = PlanEntry.objects.get(
        version=world.demand_v2, product=world.oat, customer=customer, facility=world.leeds, week=w.week(week)
    )
    response = browser.post(
        f"/t/{world.tenant.slug}/planning/versions/{world.demand_v2.pk}/cell/",
        {
            "product": world.oat.pk,
            "customer": customer.pk,
            "facility": world.leeds.pk,
            "week": w.week(week).isoformat(),
            "value": str(value),
            "revision": entry.revision,
            "reason": reason,
        },
    )
    assert response.status == 200, response.read()[:800]


def test_a_cell_changed_over_http_raises_the_spike_and_the_follower_sees_it_live(live_stack, story):
    world = story["world"]
    alex, dana = Browser(live_stack, story["alex"].user), Browser(live_stack, story["dana"].user)
    with dana.websocket("northwind") as dana_ws:
        started = time.monotonic()
        set_cell(alex, world, world.contoso, 3, 4800, reason="Confirmed by Contoso's buyer")
        message = wait_for(dana_ws, "4,800 vs 1,200, +300%", seconds=20)
        latency = time.monotonic() - started
    assert "Alert" in message
    alert = Alert.objects.get(rule=story["rule"])
    assert alert.subject_id == world.oat.subject_id and alert.status == "open"
    ARTIFACTS.mkdir(exist_ok=True)
    (ARTIFACTS / "live-alert.json").write_text(json.dumps({"edit_to_websocket_seconds": round(latency, 3)}))


def _start_beat(stack):
    schedule = stack.logdir / "beat-schedule"
    return stack._spawn(
        "beat", [str(BIN / "celery"), "-A", "config", "beat", "--loglevel=INFO", f"--schedule={schedule}"]
    )


def _worker_received_count(stack):
    path = stack.logdir / "worker.log"
    return path.read_text(errors="replace").count("alerts.evaluate_pending") if path.exists() else 0


def _wait_until(predicate, seconds, what):
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


def _expected_alerts_exactly_once(rule, cells, follower, followed):
    alerts = list(Alert.objects.filter(rule=rule).order_by("window_start", "key"))
    seen = {(a.key, a.window_start) for a in alerts}
    assert len(alerts) == len(seen) == len(cells), [(a.key, a.window_start) for a in alerts]
    about_followed = [a for a in alerts if a.subjects.filter(pk=followed.pk).exists()]
    assert len(about_followed) == sum(1 for name, _ in cells if name == "contoso")
    items = [FeedItem.objects.get(kind="alert", data__alert_id=alert.pk) for alert in about_followed]
    # ...and each reached the follower's feed once (a lost fan-out message is swept, never duplicated)
    _wait_until(
        lambda: InboxEntry.objects.filter(user=follower.user, item__in=items).count() == len(items),
        60,
        "every alert in the follower's feed",
    )
    assert InboxEntry.objects.filter(user=follower.user, item__in=items).count() == len(items)
    return alerts


# Non-adjacent weeks, so that each spike is its own alert (consecutive weeks would merge into one).
FAULT_CELLS = [
    ("contoso", 0),
    ("tesco", 0),
    ("contoso", 2),
    ("tesco", 2),
    ("contoso", 4),
    ("tesco", 4),
    ("contoso", 6),
    ("tesco", 6),
]


def test_worker_killed_mid_evaluation_only_delays_alerts(live_stack, story, monkeypatch):
    world, rule = story["world"], story["rule"]
    live_stack.env.update(ALERTS_SWEEP_SECONDS="1", FEEDS_SWEEP_SECONDS="1", FEEDS_FAN_OUT_GRACE_SECONDS="3")
    beat = _start_beat(live_stack)
    alex = Browser(live_stack, story["alex"].user)
    rng = random.Random(7)
    trials = []
    try:
        for customer_name, week in FAULT_CELLS:
            before = _worker_received_count(live_stack)
            set_cell(alex, world, getattr(world, customer_name), week, 5000)
            _wait_until(
                lambda before=before: _worker_received_count(live_stack) > before,
                20,
                "the worker to take the task",
            )
            time.sleep(rng.uniform(0, 0.25))  # somewhere inside the evaluation
            live_stack.kill_worker()
            pending = EvaluationRequest.objects.filter(processed_at__isnull=True).count()
            trials.append({"cell": f"{customer_name} W+{week}", "killed_before_commit": pending > 0})
            live_stack.start_worker()
        _wait_until(
            lambda: not EvaluationRequest.objects.filter(processed_at__isnull=True).exists(),
            90,
            "every evaluation request to be processed after the restarts",
        )
        _wait_until(lambda: Alert.objects.filter(rule=rule).count() >= len(FAULT_CELLS), 30, "all alerts")
        time.sleep(2)  # a late duplicate would show up now
        _expected_alerts_exactly_once(rule, FAULT_CELLS, story["dana"], world.contoso.subject)
    finally:
        beat.terminate()
        beat.wait(timeout=10)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "fault-worker-kill.json").write_text(
            json.dumps(
                {
                    "trials": len(trials),
                    "killed_mid_evaluation": sum(t["killed_before_commit"] for t in trials),
                    "alerts_expected": len(FAULT_CELLS),
                    "alerts_found": Alert.objects.filter(rule=rule).count(),
                    "detail": trials,
                },
                indent=2,
            )
        )


def test_redis_restarted_with_requests_queued_only_delays_alerts(story):
    if not shutil.which("redis-server"):
        pytest.fail("redis-server is needed for the Redis restart test")
    world, rule = story["world"], story["rule"]
    redis = PrivateRedis()
    redis.start()
    stack = LiveStack(
        database_url=stacks.test_database_url(), redis_url=redis.url, channels_prefix=f"fault{os.getpid()}"
    )
    stack.env.update(ALERTS_SWEEP_SECONDS="1", FEEDS_SWEEP_SECONDS="1", FEEDS_FAN_OUT_GRACE_SECONDS="3")
    beat = None
    try:
        stack.start()
        stack.kill_worker()  # requests will queue in Redis with nobody to take them
        alex = Browser(stack, story["alex"].user)
        for customer_name, week in FAULT_CELLS:
            set_cell(alex, world, getattr(world, customer_name), week, 5000)
        queued = EvaluationRequest.objects.filter(processed_at__isnull=True).count()
        assert queued == len(FAULT_CELLS)
        redis.stop()  # the queued task messages die with it
        redis.start()
        stack.start_worker()
        beat = _start_beat(stack)
        _wait_until(
            lambda: not EvaluationRequest.objects.filter(processed_at__isnull=True).exists(),
            90,
            "the sweeper to evaluate the requests whose messages were lost",
        )
        _wait_until(lambda: Alert.objects.filter(rule=rule).count() >= len(FAULT_CELLS), 30, "all alerts")
        time.sleep(2)
        _expected_alerts_exactly_once(rule, FAULT_CELLS, story["dana"], world.contoso.subject)
        ARTIFACTS.mkdir(exist_ok=True)
        (ARTIFACTS / "fault-redis-restart.json").write_text(
            json.dumps(
                {
                    "requests_queued_when_redis_died": queued,
                    "alerts_expected": len(FAULT_CELLS),
                    "alerts_found": Alert.objects.filter(rule=rule).count(),
                },
                indent=2,
            )
        )
    finally:
        if beat is not None:
            beat.terminate()
            beat.wait(timeout=10)
        stack.stop()
        redis.stop()
