"""Planning's Celery tasks: thin wrappers that call actions. Names are constants in
`planning.task_names`."""

from celery import shared_task

from . import task_names


@shared_task(name=task_names.RUN_IMPORT_JOB)
def run_import_job(job_id):
    """A big import file: run in a memory-capped child process (`actions.import_jobs`)."""
    from .actions.import_jobs import run_import_job_in_child

    run_import_job_in_child(job_id)


@shared_task(name=task_names.SWEEP_IMPORT_JOBS)
def sweep_import_jobs():
    """Import jobs whose task message was lost are queued again; jobs whose worker died are failed."""
    from .actions.import_jobs import sweep_import_jobs as sweep

    return sweep()
