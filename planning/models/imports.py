"""Import jobs: a big planning import file, run by the Celery worker in a memory-capped child process.

The job row is bookkeeping the import page polls (status, phase, progress, the result or the errors);
the rows themselves are written by `planning.actions.do_load_rows` in one transaction, as for any load.
"""

from django.conf import settings
from django.db import models
from django.urls import reverse

from sopsocial.tenancy.models import Tenant

from .plans import PlanVersion


class ImportJob(models.Model):
    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting for the worker"
        RUNNING = "running", "Running"
        DONE = "done", "Imported"
        FAILED = "failed", "Nothing imported"

    class Phase(models.TextChoices):
        WAITING = "", "Waiting"
        READING = "reading", "Reading the file"
        CHECKING = "checking", "Checking rows"
        WRITING = "writing", "Writing rows"

    FINISHED = (Status.DONE, Status.FAILED)

    tenant = models.ForeignKey(Tenant, on_delete=models.CASCADE, related_name="+")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=40)
    version = models.ForeignKey(
        PlanVersion, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    file_name = models.CharField(max_length=200)  # the person's file name, for display only
    stored_file = models.CharField(max_length=300, blank=True)  # in default storage; removed when finished
    size = models.PositiveBigIntegerField()
    numbers = models.CharField(max_length=5, default="auto")  # decimal mark: auto, point or comma
    round_to_cents = models.BooleanField(default=False)
    notes = models.JSONField(default=list, blank=True)  # how the file was read (encoding, separator...)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    phase = models.CharField(max_length=10, choices=Phase.choices, blank=True, default="")
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    counts = models.JSONField(default=dict, blank=True)  # {"created": n, "updated": n, "unchanged": n}
    errors = models.JSONField(default=list, blank=True)  # the first error items (row, field, message)
    error_count = models.PositiveIntegerField(default=0)
    created = models.DateTimeField(auto_now_add=True)
    claimed = models.DateTimeField(null=True, blank=True)  # when a worker took it (see the import sweep)
    finished = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["tenant", "-created"], name="importjob_tenant_recent")]

    def __str__(self):
        return f"import #{self.pk} {self.file_name}"

    def get_absolute_url(self):
        return reverse(
            "planning:import_job", kwargs={"tenant_slug": self.tenant.slug, "import_job_id": self.pk}
        )

    @property
    def is_finished(self):
        return self.status in self.FINISHED
