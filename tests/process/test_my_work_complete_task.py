"""Completing a task from My work, in place: the row's Complete button posts status=done to the tasks
area's `process:task_status` route (defined by the tasks work, merged separately: until then this file
skips, and the page shows no Complete button)."""

import pytest
from django.urls import NoReverseMatch, reverse

from process.models import TaskStatus

from ..factories import MembershipFactory
from .factories import make_task

pytestmark = pytest.mark.django_db


def _has_task_status_route():
    try:
        reverse("process:task_status", kwargs={"tenant_slug": "x", "task_id": 1})
    except NoReverseMatch:
        return False
    return True


@pytest.mark.skipif(not _has_task_status_route(), reason="process:task_status comes with the tasks work")
def test_a_task_is_completed_in_place_from_my_work(tenant, client_for):
    sam = MembershipFactory(tenant=tenant, role="executive")
    task = make_task(tenant, title="Confirm Leeds capacity", assignee_member=sam)
    client = client_for(sam)
    my_work_url = reverse("process:my_work", kwargs={"tenant_slug": tenant.slug})
    status_url = reverse("process:task_status", kwargs={"tenant_slug": tenant.slug, "task_id": task.pk})
    page = client.get(my_work_url).content.decode()
    assert f'hx-post="{status_url}"' in page and 'name="status" value="done"' in page

    response = client.post(status_url, {"status": "done"}, HTTP_HX_REQUEST="true")
    assert 200 <= response.status_code < 300
    task.refresh_from_db()
    assert task.status == TaskStatus.DONE
    assert f'id="my-task-{task.pk}"' not in client.get(my_work_url).content.decode()
