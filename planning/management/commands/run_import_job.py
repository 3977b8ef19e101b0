"""manage.py run_import_job ID: the child process the worker starts for one import job (its address
space capped by the worker, see planning.actions.import_jobs). Not meant to be run by hand, though it is
safe to: a finished job is left alone."""

from django.core.management.base import BaseCommand

from planning.actions.import_jobs import run_import_job


class Command(BaseCommand):
    help = "Run one queued planning import job (started by the Celery worker in a memory-capped process)."

    def add_arguments(self, parser):
        parser.add_argument("job_id", type=int)

    def handle(self, *args, job_id, **options):
        job = run_import_job(job_id)
        self.stdout.write(f"import #{job.pk}: {job.status}")
