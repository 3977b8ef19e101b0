"""Big planning imports as jobs: queued by the import page, run by the Celery worker in a child process
whose memory is capped, watched by the page through the `ImportJob` row.

- `do_queue_import` stores the upload, writes the job row and the audit event `planning.import_queue`
  in one transaction and queues `RUN_IMPORT_JOB` on commit.
- The task calls `run_import_job_in_child`: a fresh `manage.py run_import_job ID` process with
  RLIMIT_AS set to PLANNING_IMPORT_MEMORY_LIMIT_BYTES before it starts. A workbook that needs more
  fails there (MemoryError, or the kernel ends the child), the worker process itself never grows, and
  the job is marked failed with a message saying so.
- The child runs `run_import_job`: read (XLSX checked first), validate, then `do_load_rows` (one
  transaction, audited like every load: a failed job writes no rows). Progress is written through a
  connection of its own, so the page sees it while the load's transaction is still open.

Any exit leaves the job finished (done or failed) and its stored file removed.
"""

from __future__ import annotations

import datetime as dt
import logging
import os
import resource
import subprocess
import sys
import uuid
from collections.abc import Iterable, Iterator, Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.files.base import File
from django.core.files.storage import default_storage
from django.db import DEFAULT_DB_ALIAS, connections, transaction
from django.utils import timezone

from sopsocial.api.errors import ErrorItem, error_item
from sopsocial.audit.actions import record
from sopsocial.queue import enqueue_on_commit, send_now

from .. import imports
from ..models import ImportJob, PlanVersion
from ..task_names import RUN_IMPORT_JOB
from ..verbs import PlanningVerb
from .loads import do_load_rows

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.tenancy.models import Tenant

log = logging.getLogger(__name__)

ERRORS_KEPT = 500
# Settings the child must see as the worker sees them (tests and deployments may change them).
_SHARED_SETTINGS = (
    "MEDIA_ROOT",
    "PLANNING_XLSX_MAX_UNPACKED_BYTES",
    "PLANNING_XLSX_MAX_PART_BYTES",
    "PLANNING_XLSX_MAX_RATIO",
    "PLANNING_XLSX_MAX_PARTS",
    "PLANNING_IMPORT_MEMORY_LIMIT_BYTES",
)


def memory_message() -> str:
    limit = settings.PLANNING_IMPORT_MEMORY_LIMIT_BYTES
    return (
        f"The file needed more than the {limit // (1024 * 1024):,} MB of memory an import may use; "
        "nothing was imported. Split it into smaller files or save it as CSV."
    )


def do_queue_import(
    tenant: Tenant,
    *,
    actor: User,
    kind: str,
    upload: Any,
    version: PlanVersion | None = None,
    numbers: str = "auto",
    round_to_cents: bool = False,
) -> ImportJob:
    """Store the upload (copied from its temporary file), write the `ImportJob` and the audit event
    `planning.import_queue`, and queue the job for the worker on commit. The stored file is removed
    again if the transaction fails."""
    name = imports_display_name(upload.name)
    extension = name.rsplit(".", 1)[-1].lower()
    stored = default_storage.save(f"imports/{tenant.pk}/{uuid.uuid4().hex}.{extension}", File(upload))
    try:
        with transaction.atomic():
            job = ImportJob.objects.create(
                tenant=tenant,
                created_by=actor,
                kind=kind,
                version=version,
                file_name=name,
                stored_file=stored,
                size=upload.size,
                numbers=numbers,
                round_to_cents=round_to_cents,
            )
            record(
                tenant=tenant,
                actor=actor,
                verb=PlanningVerb.IMPORT_QUEUE,
                target=f"import #{job.pk}: {name}",
                after={
                    "kind": kind,
                    "file": name,
                    "size": upload.size,
                    "version": getattr(version, "pk", None),
                    "numbers": numbers,
                    "round_to_cents": round_to_cents,
                },
            )
            enqueue_on_commit(RUN_IMPORT_JOB, job_id=job.pk)
    except Exception:
        default_storage.delete(stored)
        raise
    return job


def imports_display_name(name: str) -> str:
    return os.path.basename(str(name or "file").replace("\\", "/"))[:200] or "file"


# --- in the worker ------------------------------------------------------------------------------


def _database_url() -> str:
    """The database this process uses, as a URL for the child (under tests: the test database)."""
    db = settings.DATABASES[DEFAULT_DB_ALIAS]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        return f"sqlite:///{db['NAME']}"
    user = db.get("USER") or ""
    password = f":{db['PASSWORD']}" if db.get("PASSWORD") else ""
    auth = f"{user}{password}@" if user else ""
    return f"postgres://{auth}{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


def _cap_memory(limit: int) -> Any:
    def cap() -> None:  # runs in the child, before it executes Python
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return cap


def sweep_import_jobs() -> dict[str, int]:
    """Queue again the jobs still waiting PLANNING_IMPORT_REQUEUE_SECONDS after they were queued (their
    task message was lost: broker down at commit, or restarted), and fail the jobs running past the task's
    hard time limit (their worker died; the load is one transaction, so nothing was written). A job
    queued twice runs once: `run_import_job_in_child` claims it first."""
    now = timezone.now()
    waiting = list(
        ImportJob.objects.filter(
            status=ImportJob.Status.QUEUED,
            created__lt=now - dt.timedelta(seconds=settings.PLANNING_IMPORT_REQUEUE_SECONDS),
        ).values_list("pk", flat=True)[:100]
    )
    for job_id in waiting:
        send_now(RUN_IMPORT_JOB, job_id=job_id)
    stale = ImportJob.objects.filter(
        status=ImportJob.Status.RUNNING,
        claimed__lt=now - dt.timedelta(seconds=settings.CELERY_TASK_TIME_LIMIT + 60),
    )
    lost = 0
    for job in stale:
        _finish(job, ImportJob.Status.FAILED, errors=[error_item(WORKER_LOST, "file")])
        lost += 1
    return {"requeued": len(waiting), "failed": lost}


WORKER_LOST = (
    "The worker running this import stopped before it finished; nothing was imported. Upload it again."
)


def _claim(job_id: int) -> bool:
    """Take the job from the queue, once: a second message for it (a sweep's, a redelivery) finds it
    taken and does nothing."""
    return bool(
        ImportJob.objects.filter(pk=job_id, status=ImportJob.Status.QUEUED).update(
            status=ImportJob.Status.RUNNING, claimed=timezone.now()
        )
    )


def run_import_job_in_child(job_id: int) -> ImportJob:
    """Run the job in `manage.py run_import_job` with its address space capped; mark it failed if the
    child dies without finishing it (out of memory, killed, timed out)."""
    if not _claim(job_id):
        return ImportJob.objects.get(pk=job_id)  # running elsewhere, or finished
    limit = settings.PLANNING_IMPORT_MEMORY_LIMIT_BYTES
    env = {
        **os.environ,
        "DATABASE_URL": _database_url(),
        "DB_POOL": "false",
        # one BLAS thread: each would reserve address space the limit is meant for the file
        "OPENBLAS_NUM_THREADS": "1",
        "OMP_NUM_THREADS": "1",
        **{name: str(getattr(settings, name)) for name in _SHARED_SETTINGS},
    }
    command = [sys.executable, str(settings.BASE_DIR / "manage.py"), "run_import_job", str(job_id)]
    reason = ""
    try:
        child = subprocess.run(
            command,
            env=env,
            preexec_fn=_cap_memory(limit),  # the limit applies to the child only
            capture_output=True,
            timeout=settings.CELERY_TASK_SOFT_TIME_LIMIT - 30,
            check=False,
        )
    except subprocess.TimeoutExpired:
        reason = "The import took too long and was stopped; nothing was imported. Split the file."
    else:
        if child.returncode != 0:
            log.warning("import job %s child exited %s: %s", job_id, child.returncode, child.stderr[-2000:])
            reason = memory_message() if child.returncode < 0 or b"MemoryError" in child.stderr else ""
            reason = reason or "The import failed unexpectedly; nothing was imported."
    job = ImportJob.objects.get(pk=job_id)
    if not job.is_finished:
        _finish(job, ImportJob.Status.FAILED, errors=[error_item(reason or "The import stopped.", "file")])
    return job


# --- in the child ---------------------------------------------------------------------------------


class JobProgress:
    """Writes the job's phase and progress through a connection of its own (autocommit), so they are
    visible while the load's transaction is open. At most ~100 updates per phase."""

    def __init__(self, job: ImportJob) -> None:
        self.job = job
        self.connection = connections.create_connection(DEFAULT_DB_ALIAS)
        self.step = 1

    def phase(self, phase: str, total: int = 0) -> None:
        self.job.phase, self.job.total, self.job.done = phase, total, 0
        self.step = max(total // 100, 1)
        self._write()

    def tick(self, index: int) -> None:
        done = index + 1
        if done % self.step == 0 or done == self.job.total:
            self.job.done = done
            self._write()

    def counting(self, rows: Sequence[Any]) -> Iterator[Any]:
        for index, row in enumerate(rows):
            yield row
            self.tick(index)

    def _write(self) -> None:
        if self.connection.vendor == "sqlite" and connections[DEFAULT_DB_ALIAS].in_atomic_block:
            return  # SQLite has one writer: the load's transaction holds it
        with self.connection.cursor() as cursor:
            cursor.execute(
                "UPDATE planning_importjob SET status = %s, phase = %s, done = %s, total = %s WHERE id = %s",
                [ImportJob.Status.RUNNING, self.job.phase, self.job.done, self.job.total, self.job.pk],
            )

    def close(self) -> None:
        self.connection.close()


def run_import_job(job_id: int) -> ImportJob:
    """Read, check and load the job's file (the child process's work). Rows are written by
    `do_load_rows` in one transaction, audited as `planning.<kind>_load` with the job's creator as actor;
    on any error nothing is written and the job holds the errors."""
    job = ImportJob.objects.select_related("tenant", "created_by", "version").get(pk=job_id)
    if job.is_finished:
        return job  # a redelivered task after the job ended
    progress = JobProgress(job)
    try:
        progress.phase(ImportJob.Phase.READING)
        with default_storage.open(job.stored_file, "rb") as source:
            table = imports.read_table(
                job.file_name, source, kind=job.kind, numbers=job.numbers, round_to_cents=job.round_to_cents
            )
        rows = table.rows
        job.notes = table.notes
        job.save(update_fields=["notes"])
        progress.phase(ImportJob.Phase.CHECKING, len(rows))
        version = job.version
        if version is not None:
            version = PlanVersion.objects.select_related("plan").get(pk=version.pk)
        clean, errors = imports.validate(
            job.tenant,
            job.kind,
            _Rows(progress.counting(rows), len(rows)),
            first_row=2,
            version=version,
            fmt=table.fmt,
        )
        del rows, table
        if errors:
            return _finish(job, ImportJob.Status.FAILED, errors=errors)
        progress.phase(ImportJob.Phase.WRITING, len(clean))
        counts = do_load_rows(
            job.tenant,
            job.kind,
            clean,
            actor=job.created_by,
            version=version,
            source=f"upload {job.file_name} (import #{job.pk})",
            progress=progress.tick,
        )
        return _finish(job, ImportJob.Status.DONE, counts=counts)
    except ValueError as error:
        return _finish(job, ImportJob.Status.FAILED, errors=[error_item(str(error), "file")])
    except MemoryError:
        return _finish(job, ImportJob.Status.FAILED, errors=[error_item(memory_message(), "file")])
    finally:
        progress.close()


class _Rows:
    """An iterable with a length: `validate` walks it once (reporting progress as it goes)."""

    def __init__(self, rows: Iterable[Any], length: int) -> None:
        self.rows, self.length = rows, length

    def __iter__(self) -> Iterator[Any]:
        return iter(self.rows)

    def __len__(self) -> int:
        return self.length


def _finish(
    job: ImportJob,
    status: str,
    *,
    counts: dict[str, int] | None = None,
    errors: Sequence[ErrorItem] = (),
) -> ImportJob:
    job.status = status
    job.counts = counts or {}
    job.errors = list(errors[:ERRORS_KEPT])
    job.error_count = len(errors)
    job.finished = timezone.now()
    if job.phase == ImportJob.Phase.WRITING and status == ImportJob.Status.DONE:
        job.done = job.total
    stored, job.stored_file = job.stored_file, ""
    job.save(
        update_fields=[
            "status",
            "phase",
            "total",
            "done",
            "counts",
            "errors",
            "error_count",
            "finished",
            "stored_file",
        ]
    )
    if stored:
        default_storage.delete(stored)
    return job
