"""The names alerts' Celery tasks are registered under (alerts.tasks), for whoever queues or schedules
them: the rule actions, the beat schedule in config.settings. Plain strings, no imports of task code.

`EVALUATE_PENDING` is planning's outbox contract (planning.outbox): planning queues it without importing
alerts, alerts registers its consumer under that name.
"""

from planning.outbox import EVALUATE_PENDING_TASK as EVALUATE_PENDING

EVALUATE_RULE = "alerts.evaluate_rule"
SWEEP_PENDING = "alerts.sweep_pending"
EVALUATE_ALL = "alerts.evaluate_all"

__all__ = ["EVALUATE_ALL", "EVALUATE_PENDING", "EVALUATE_RULE", "SWEEP_PENDING"]
