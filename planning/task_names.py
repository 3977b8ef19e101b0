"""The names planning's Celery tasks are registered under (planning.tasks), for whoever queues them.
Plain strings, no imports of task code."""

RUN_IMPORT_JOB = "planning.run_import_job"
SWEEP_IMPORT_JOBS = "planning.sweep_import_jobs"

__all__ = ["RUN_IMPORT_JOB", "SWEEP_IMPORT_JOBS"]
