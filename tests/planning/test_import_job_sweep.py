"""An import job whose task message was lost (broker down at commit, or restarted) is queued again by the
sweep and runs once; a job whose worker died is failed with a message, not left "running" for ever."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from planning.actions import import_jobs
from planning.models import ImportJob, Product
from sopsocial.audit.models import AuditEvent

CSV = b"sku,name\nSW-1,Rye sourdough\nSW-2,Spelt loaf\n"


@pytest.fixture
def big_imports(settings, tmp_path):
    settings.PLANNING_IMPORT_INLINE_MAX_BYTES = 10  # every file here becomes a job
    settings.MEDIA_ROOT = tmp_path / "media"


def _upload(client, tenant):
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    return client.post(url, {"kind": "products", "file": SimpleUploadedFile("p.csv", CSV)})


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_job_whose_message_was_lost_is_queued_again_and_runs_once(
    tenant, planner_member, client_for, big_imports, monkeypatch
):
    # the broker was down when the job committed: its message never left (sopsocial.queue logs and drops it)
    monkeypatch.setattr(import_jobs, "enqueue_on_commit", lambda name, **kwargs: None)
    assert _upload(client_for(planner_member), tenant).status_code == 302
    job = ImportJob.objects.get()
    assert job.status == ImportJob.Status.QUEUED and not Product.objects.exists()

    assert import_jobs.sweep_import_jobs() == {"requeued": 0, "failed": 0}  # too recent to be lost
    ImportJob.objects.filter(pk=job.pk).update(created=timezone.now() - dt.timedelta(minutes=5))
    assert import_jobs.sweep_import_jobs() == {"requeued": 1, "failed": 0}

    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE and job.counts["created"] == 2
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["SW-1", "SW-2"]
    # a late duplicate of the message (the original after all, or a redelivery) changes nothing
    loads = AuditEvent.objects.filter(verb="planning.products_load").count()
    import_jobs.run_import_job_in_child(job.pk)
    assert AuditEvent.objects.filter(verb="planning.products_load").count() == loads == 1
    assert import_jobs.sweep_import_jobs() == {"requeued": 0, "failed": 0}


@pytest.mark.django_db
def test_a_job_whose_worker_died_is_failed_with_a_message(tenant, planner_member, settings):
    long_ago = timezone.now() - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 120)
    stuck = ImportJob.objects.create(
        tenant=tenant,
        created_by=planner_member.user,
        kind="products",
        file_name="p.csv",
        size=1,
        status=ImportJob.Status.RUNNING,
        claimed=long_ago,
    )
    running = ImportJob.objects.create(
        tenant=tenant,
        created_by=planner_member.user,
        kind="products",
        file_name="q.csv",
        size=1,
        status=ImportJob.Status.RUNNING,
        claimed=timezone.now(),
    )
    assert import_jobs.sweep_import_jobs() == {"requeued": 0, "failed": 1}
    stuck.refresh_from_db()
    running.refresh_from_db()
    assert stuck.status == ImportJob.Status.FAILED and stuck.errors[0]["message"] == import_jobs.WORKER_LOST
    assert running.status == ImportJob.Status.RUNNING
