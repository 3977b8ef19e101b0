"""The task API: list (filters), create, change status, with an API key; audited as the pages are; bad
input names the field and writes nothing; another tenant's task is a 404; in the OpenAPI document."""

import json

import pytest
from django.urls import reverse

from feeds.models import Notification
from process.models import Task
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Team

from ..factories import MembershipFactory
from .factories import make_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def raw_key(admin_member):
    return do_create_api_key(admin_member, "erp-feed")[1]


def _call(client, tenant, name, body=None, raw=None, method="post", query=None, **kwargs):
    url = reverse(f"process_tasks_api:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})
    headers = {"HTTP_AUTHORIZATION": f"Bearer {raw}"} if raw else {}
    if method == "get":
        return client.get(url, query or {}, **headers)
    return client.post(url, json.dumps(body), content_type="application/json", **headers)


def test_create_list_and_complete_a_task_through_the_api(tenant, client, raw_key):
    sam = MembershipFactory(tenant=tenant, role="executive")
    body = {
        "title": "Confirm Leeds capacity",
        "assignee_member": sam.pk,
        "due_on": "2026-12-10",
        "checklist": ["Call"],
    }
    created = _call(client, tenant, "tasks", body, raw_key)
    assert created.status_code == 200, created.json()
    task = created.json()
    assert (task["title"], task["assignee_member"], task["due_on"], task["source"]) == (
        "Confirm Leeds capacity",
        sam.pk,
        "2026-12-10",
        "api",
    )
    assert task["checklist"] == ["Call"] and task["url"].endswith(f"/tasks/{task['id']}/")
    assert AuditEvent.objects.filter(verb="task.create", actor_label="API key erp-feed").exists()
    assert Notification.objects.filter(user=sam.user, verb="task").exists()

    make_task(tenant, title="Later", due_on=None)
    listed = _call(client, tenant, "tasks", raw=raw_key, method="get", query={"assignee": sam.pk})
    assert listed.status_code == 200, listed.json()
    assert [t["title"] for t in listed.json()["items"]] == ["Confirm Leeds capacity"]
    due = _call(client, tenant, "tasks", raw=raw_key, method="get", query={"due_before": "2026-12-09"})
    assert due.json()["items"] == []

    done = _call(client, tenant, "task_status", {"status": "done"}, raw_key, task_id=task["id"])
    assert done.status_code == 200 and done.json()["status"] == "done"
    assert AuditEvent.objects.filter(verb="task.complete", actor_label="API key erp-feed").exists()
    still_open = _call(client, tenant, "tasks", raw=raw_key, method="get")
    assert [t["title"] for t in still_open.json()["items"]] == ["Later"]
    every = _call(client, tenant, "tasks", raw=raw_key, method="get", query={"status": "any"})
    assert len(every.json()["items"]) == 2


def test_bad_input_names_the_field_and_writes_nothing(tenant, client, raw_key):
    foreign = MembershipFactory()
    team = Team.objects.create(tenant=tenant, name="Demand", handle="demand")
    sam = MembershipFactory(tenant=tenant)
    for body, field in (
        ({"title": ""}, "title"),
        ({"title": "x", "assignee_member": foreign.pk}, "assignee_member"),
        ({"title": "x", "due_on": "2026-02-30"}, "due_on"),
        ({"title": "x", "assignee_member": sam.pk, "assignee_team": team.pk}, "assignee"),
        ({"title": "x", "colour": "red"}, "colour"),
        ({"title": "x\u0000"}, "title"),
    ):
        response = _call(client, tenant, "tasks", body, raw_key)
        assert response.status_code in (400, 422), (body, response.json())
        assert field in {e["field"] for e in response.json()["errors"]}, (body, response.json())
    assert not Task.objects.exists()
    bad_day = _call(client, tenant, "tasks", raw=raw_key, method="get", query={"due_before": "2026-02-30"})
    assert bad_day.status_code == 422 and bad_day.json()["errors"][0]["field"] == "due_before"
    task = make_task(tenant)
    refused = _call(client, tenant, "task_status", {"status": "finished"}, raw_key, task_id=task.pk)
    assert refused.status_code in (400, 422) and refused.json()["errors"][0]["field"] == "status"


def test_another_tenants_task_is_a_404_and_no_key_a_401(tenant, client, raw_key):
    theirs = make_task(MembershipFactory().tenant)
    response = _call(client, tenant, "task_status", {"status": "done"}, raw_key, task_id=theirs.pk)
    assert response.status_code == 404
    assert _call(client, tenant, "tasks", method="get").status_code == 401
    theirs.refresh_from_db()
    assert theirs.status == "open"


def test_the_operations_are_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json()
    operations = {op["operationId"] for path in document["paths"].values() for op in path.values()}
    assert {"list_tasks", "create_task", "set_task_status"} <= operations
