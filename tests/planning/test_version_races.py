"""Concurrent version numbering and publishing on PostgreSQL: the plan row lock serialises them, so
two new drafts get different numbers and two publishes leave exactly one published version."""

import threading

import pytest
from django.db import connection
from django.utils import timezone as real_timezone

from planning import actions
from planning.actions import versions
from planning.models import PlanVersion, VersionStatus
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory, TenantFactory
from . import factories as pf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

WAIT = 1.5  # seconds a thread waits at the rendezvous for the other one


def _rendezvous(barrier):
    """Both threads meet here if nothing serialises them; with the plan lock the second is still
    waiting for the lock, so the first gives up after WAIT and carries on."""
    try:
        barrier.wait(timeout=WAIT)
    except threading.BrokenBarrierError:
        pass


def _run_both(target, args):
    outcomes = []

    def run(*a):
        try:
            outcomes.append(target(*a))
        except Exception as e:  # noqa: BLE001 - the assertion shows what went wrong
            outcomes.append(e)
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=a) for a in args]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return outcomes


def test_two_concurrent_new_drafts_get_different_numbers(monkeypatch):
    tenant = TenantFactory()
    plan = actions.ensure_plans(tenant)["demand"]
    start = pf.MONDAY
    versions._cycle(tenant, start)  # the cycle exists; only the numbering races
    barrier = threading.Barrier(2)
    real_cycle = versions._cycle

    def slow_cycle(*args, **kwargs):
        _rendezvous(barrier)  # between computing the number and inserting the version
        return real_cycle(*args, **kwargs)

    monkeypatch.setattr(versions, "_cycle", slow_cycle)
    outcomes = _run_both(
        lambda: actions.do_create_version(tenant=tenant, plan=plan, start_week=start), [(), ()]
    )
    assert all(isinstance(o, PlanVersion) for o in outcomes), outcomes
    assert sorted(PlanVersion.objects.filter(plan=plan).values_list("number", flat=True)) == [1, 2]


class _SlowClock:
    """Stands in for django.utils.timezone inside planning.actions.versions: now() is called after the version
    row is locked and before the published version is looked up."""

    def __init__(self, barrier):
        self.barrier = barrier

    def now(self):
        _rendezvous(self.barrier)
        return real_timezone.now()

    def __getattr__(self, name):
        return getattr(real_timezone, name)


def test_two_concurrent_publishes_leave_one_published_version(monkeypatch):
    tenant = TenantFactory()
    alex, priya = (MembershipFactory(tenant=tenant, role="planner") for _ in range(2))
    old = pf.make_version(tenant, status=VersionStatus.PUBLISHED)
    a = pf.make_version(tenant, status=VersionStatus.APPROVED, based_on=old)
    b = pf.make_version(tenant, status=VersionStatus.APPROVED, based_on=old)
    monkeypatch.setattr(versions, "timezone", _SlowClock(threading.Barrier(2)))
    outcomes = _run_both(
        lambda member, version: actions.check_transition(member, version, "publish"), [(alex, a), (priya, b)]
    )
    assert all(isinstance(o, PlanVersion) for o in outcomes), outcomes
    statuses = dict(PlanVersion.objects.filter(tenant=tenant).values_list("pk", "status"))
    assert statuses[old.pk] == VersionStatus.SUPERSEDED
    assert sorted([statuses[a.pk], statuses[b.pk]]) == [VersionStatus.PUBLISHED, VersionStatus.SUPERSEDED]
    superseded = AuditEvent.objects.filter(verb="planning.version_supersede")
    assert superseded.count() == 2
    assert {e.subject_id for e in superseded} == {old.subject_id} | {
        v.subject_id for v in (a, b) if statuses[v.pk] == VersionStatus.SUPERSEDED
    }
