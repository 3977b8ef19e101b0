"""The decisions API: list with filters, record a decision and take its choice, as the pages do (audited
in the key's name, posted, the owner notified); in the OpenAPI document."""

import json

import pytest
from django.urls import reverse

from feeds.models import FeedItem, Notification
from process.actions import decisions as actions
from process.models import Decision, DecisionStatus
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.models import AuditEvent

from ..factories import MembershipFactory
from .factories import make_meeting
from .meeting_world import build_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return build_world()


@pytest.fixture
def raw(world):
    admin = MembershipFactory(tenant=world.tenant, role="admin")
    return do_create_api_key(admin, "board-pack")[1]


def call(client, world, name, body=None, raw=None, method="post", query=None, **kwargs):
    url = reverse(f"process_decisions_api:{name}", kwargs={"tenant_slug": world.tenant.slug, **kwargs})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if method == "get":
        return client.get(url, query or {}, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_record_then_decide_through_the_api(world, client, raw):
    meeting = make_meeting(world.cycle, phase=world.phase)
    body = {
        "question": "Build stock ahead of Contoso?",
        "options": ["Build", "Wait"],
        "owner": "sam@northwind.example",
        "due_on": "2026-12-04",
        "expected_kpi": "fill rate",
        "expected_direction": "up",
        "expected_size": 3,
        "expected_unit": "%",
        "horizon_weeks": 6,
        "meeting": meeting.pk,
    }
    created = call(client, world, "decisions", body, raw)
    assert created.status_code == 200, created.json()
    out = created.json()
    assert (
        out["status"] == "open" and out["owner"] == "sam@northwind.example" and out["cycle"] == world.cycle.pk
    )
    decision = Decision.objects.get(pk=out["id"])
    assert AuditEvent.objects.filter(
        verb="decision.record", subject=decision.subject, actor_label="API key board-pack"
    ).exists()
    assert Notification.objects.filter(user=world.sam.user, verb="decision").exists()

    decided = call(
        client,
        world,
        "decision_decide",
        {"choice": "Build", "rationale": "Leeds full"},
        raw,
        decision_id=decision.pk,
    )
    assert decided.status_code == 200 and decided.json()["status"] == "decided"
    assert FeedItem.objects.filter(subject=decision.subject, verb="decision.decide").exists()
    again = call(client, world, "decision_decide", {"choice": "Wait"}, raw, decision_id=decision.pk)
    assert again.status_code == 422 and again.json()["errors"][0]["field"] == "status"


def test_bad_input_is_a_422_naming_the_field_and_writes_nothing(world, client, raw):
    response = call(
        client, world, "decisions", {"question": "Raise prices?", "owner": "nobody@else.example"}, raw
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "owner"
    response = call(
        client, world, "decisions", {"question": "Raise prices?", "expected_direction": "up"}, raw
    )
    assert response.status_code == 422 and response.json()["errors"][0]["field"] == "expected_kpi"
    response = call(client, world, "decisions", {"question": "x", "colour": "red"}, raw)
    assert response.status_code in (400, 422)
    assert not Decision.objects.filter(question__in=["Raise prices?", "x"]).exists()


def test_list_filters_like_the_register(world, client, raw):
    a = actions.check_record_decision(
        world.priya, actions.DecisionInput(question="Build ahead?", owner=world.sam, expected_kpi="fill rate")
    )
    actions.check_decide(world.sam, a, choice="Yes")
    response = call(client, world, "decisions", raw=raw, method="get", query={"status": "decided"})
    assert [d["question"] for d in response.json()["items"]] == ["Build ahead?"]
    response = call(
        client, world, "decisions", raw=raw, method="get", query={"owner": "SAM@northwind.example"}
    )
    assert [d["question"] for d in response.json()["items"]] == ["Build ahead?"]
    response = call(client, world, "decisions", raw=raw, method="get", query={"q": "contoso"})
    assert [d["question"] for d in response.json()["items"]] == [world.open_decision.question]
    assert response.json()["items"][0]["status"] == DecisionStatus.OPEN


def test_a_viewers_session_may_not_write_and_another_tenants_decision_is_404(world, client, raw):
    client.force_login(world.vic.user)
    assert call(client, world, "decisions", method="get").status_code == 200
    assert call(client, world, "decisions", {"question": "x"}).status_code == 403
    other = build_world()
    response = call(
        client, world, "decision_decide", {"choice": "x"}, raw, decision_id=other.open_decision.pk
    )
    assert response.status_code == 404


def test_the_operations_are_in_the_openapi_document(client):
    paths = client.get("/api/v1/openapi.json").json()["paths"]
    operations = {op["operationId"] for path in paths.values() for op in path.values()}
    assert {"list_decisions", "create_decision", "decide_decision"} <= operations
