"""The cycle calendar in the API: cycles and phases (with criteria) readable with a key or a session;
closing and reopening a phase by a person, refused to an API key; all in the OpenAPI document."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from planning.models import PlanCycleLock
from process.models import PhaseStatus, SopCycle
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db

DEC = dt.date(2026, 12, 1)


@pytest.fixture
def raw(admin_member):
    return do_create_api_key(admin_member, "erp")[1]


def _get(client, name, tenant, raw=None, **kwargs):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    return client.get(
        reverse(f"process_cycles_api:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs}), **headers
    )


def _post(client, name, tenant, body, raw=None, **kwargs):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    url = reverse(f"process_cycles_api:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


@pytest.fixture
def sop(tenant, client, raw):
    """A plan cycle made through the planning API gets its S&OP cycle."""
    response = client.post(
        reverse("planning_api:cycles", kwargs={"tenant_slug": tenant.slug}),
        json.dumps({"month": "2026-12-01", "start_week": "2026-11-30", "horizon_weeks": 8, "versions": []}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
    assert response.status_code == 200
    return SopCycle.objects.get(plan_cycle_id=response.json()["id"])


def test_cycles_and_phases_are_listed_with_live_criteria(tenant, client, raw, sop):
    cycles = _get(client, "cycles", tenant, raw).json()["items"]
    assert cycles == [
        {
            "id": sop.pk,
            "plan_cycle_id": sop.plan_cycle_id,
            "month": "2026-12-01",
            "starts_on": "2026-12-01",
            "current_phase": "Data gathering",
            "phases_done": 0,
            "phases_total": 5,
        }
    ]
    detail = _get(client, "cycle", tenant, raw, cycle_id=sop.pk).json()
    assert detail["locked_plan_types"] == []
    demand = detail["phases"][1]
    assert demand["name"] == "Demand review" and demand["locks_plan_type"] == "demand"
    assert demand["state"] in ("not_started", "late") and demand["due_on"] == "2026-12-11"
    assert {c["key"]: c["ok"] for c in demand["criteria"]} == {
        "demand_approved": False,
        "phase_tasks_done": True,
    }
    phases = _get(client, "phases", tenant, raw, cycle_id=sop.pk).json()["items"]
    assert [p["id"] for p in phases] == [p["id"] for p in detail["phases"]]


def test_another_tenants_cycle_is_a_404(tenant, client, raw):
    other = MembershipFactory(role="admin")
    from planning import actions

    cycle, _ = actions.check_create_cycle(
        other, month=DEC, start_week=DEC, horizon_weeks=4, first_versions=()
    )
    response = _get(client, "cycle", tenant, raw, cycle_id=cycle.sop_cycle.pk)
    assert response.status_code == 404 and response.json()["errors"][0]["field"] == "cycle_id"


def test_an_api_key_may_not_close_a_phase(tenant, client, raw, sop):
    phase = sop.phases.get(key="data-gathering")
    response = _post(client, "phase_close", tenant, {}, raw, cycle_id=sop.pk, phase_id=phase.pk)
    assert response.status_code == 403
    phase.refresh_from_db()
    assert phase.status == PhaseStatus.NOT_STARTED


def test_a_member_closes_refused_then_overrides_then_reopens(tenant, admin_member, client, sop):
    client.force_login(admin_member.user)
    demand = sop.phases.get(key="demand-review")
    refused = _post(client, "phase_close", tenant, {}, cycle_id=sop.pk, phase_id=demand.pk)
    assert refused.status_code == 422
    errors = refused.json()["errors"]
    assert errors[0]["field"] == "criteria" and "No demand version" in errors[0]["message"]
    closed = _post(
        client, "phase_close", tenant, {"reason": "Late sales input"}, cycle_id=sop.pk, phase_id=demand.pk
    )
    assert closed.status_code == 200 and closed.json()["status"] == "done"
    assert closed.json()["override_reason"] == "Late sales input"
    assert PlanCycleLock.objects.filter(cycle=sop.plan_cycle, plan_type="demand").exists()
    assert _get(client, "cycle", tenant, cycle_id=sop.pk).json()["locked_plan_types"] == ["demand"]
    no_reason = _post(client, "phase_reopen", tenant, {}, cycle_id=sop.pk, phase_id=demand.pk)
    assert no_reason.status_code == 422 and no_reason.json()["errors"][0]["field"] == "reason"
    reopened = _post(
        client, "phase_reopen", tenant, {"reason": "Promotion moved"}, cycle_id=sop.pk, phase_id=demand.pk
    )
    assert reopened.status_code == 200 and reopened.json()["status"] == "in_progress"
    assert AuditEvent.objects.filter(verb="phase.reopen").exists()
    assert not PlanCycleLock.objects.exists()


def test_a_nul_in_the_reason_is_a_422_naming_it(tenant, admin_member, client, sop):
    client.force_login(admin_member.user)
    demand = sop.phases.get(key="demand-review")
    response = _post(client, "phase_close", tenant, {"reason": "a\x00b"}, cycle_id=sop.pk, phase_id=demand.pk)
    assert response.status_code in (400, 422) and response.json()["errors"][0]["field"] == "reason"


def test_the_operations_are_in_the_openapi_document(client):
    doc = client.get("/api/v1/openapi.json").json()
    ids = {op["operationId"] for path in doc["paths"].values() for op in path.values()}
    assert {
        "list_sop_cycles",
        "get_sop_cycle",
        "list_cycle_phases",
        "close_cycle_phase",
        "reopen_cycle_phase",
    } <= ids
