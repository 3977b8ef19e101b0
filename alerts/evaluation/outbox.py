"""Consume planning's outbox (EvaluationRequest rows): durable, at-least-once, idempotent.

Rows are claimed with SELECT ... FOR UPDATE SKIP LOCKED, evaluated and marked processed in ONE
transaction: if the worker dies half-way, the transaction rolls back, the rows stay pending and the
redelivered task (acks_late) or the beat sweeper evaluates them again. Alerts are keyed, so evaluating
twice never duplicates them.
"""

import logging

from django.db import transaction
from django.db.models import F
from django.utils import timezone

from planning.models import EvaluationRequest
from planning.outbox import DIMENSIONS, EvaluationScope

from ..lifecycle import wake_snoozed
from ..models import ExceptionRule
from .cache import frames_shared
from .runner import evaluate_rule

log = logging.getLogger(__name__)
BATCH = 200
MAX_ATTEMPTS = 5


def merge_scopes(scopes):
    """One slice covering every request: a dimension any request leaves open stays open."""
    merged = {}
    for dim in DIMENSIONS:
        values = [getattr(s, dim) for s in scopes]
        if any(v is None for v in values):
            continue
        merged[dim] = {x for v in values for x in v}
    return EvaluationScope.touching(**merged)


def process_pending(tenant_id):
    """Evaluate every enabled rule over the merged slice of the tenant's pending requests."""
    processed = 0
    while True:
        failure = None
        with transaction.atomic():
            batch = list(
                EvaluationRequest.objects.select_for_update(skip_locked=True)
                .filter(tenant_id=tenant_id, processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
                .order_by("created", "id")[:BATCH]
            )
            if not batch:
                return processed
            ids = [r.pk for r in batch]
            try:
                # the evaluation and the "processed" mark commit together; the rules share the frames
                with transaction.atomic(), frames_shared():
                    scope = merge_scopes([EvaluationScope.from_json(r.scope) for r in batch])
                    for rule in ExceptionRule.objects.filter(
                        tenant_id=tenant_id, enabled=True, is_deleted=False
                    ):
                        evaluate_rule(rule, scope)
                    EvaluationRequest.objects.filter(pk__in=ids).update(processed_at=timezone.now())
            except Exception as error:  # counted, so a request that always fails stops being retried
                log.exception("evaluation of requests %s failed; they stay pending", ids)
                EvaluationRequest.objects.filter(pk__in=ids).update(attempts=F("attempts") + 1)
                failure = error
        if failure is not None:
            raise failure
        processed += len(batch)


def tenants_with_pending():
    return list(
        EvaluationRequest.objects.filter(processed_at__isnull=True, attempts__lt=MAX_ATTEMPTS)
        .values_list("tenant_id", flat=True)
        .distinct()
    )


def evaluate_everything(tenant):
    """The nightly full pass: every enabled rule over everything, and snoozes that ran out."""
    wake_snoozed(tenant)
    totals = {}
    with frames_shared():
        for rule in ExceptionRule.objects.filter(tenant=tenant, enabled=True, is_deleted=False):
            for key, value in evaluate_rule(rule).items():
                totals[key] = totals.get(key, 0) + value
    return totals
