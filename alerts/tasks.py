"""Celery tasks: thin wrappers, queued on commit by name (planning never imports alerts); the names are
constants in `alerts.task_names`."""

from celery import shared_task

from sopsocial.tenancy.models import Tenant

from . import task_names
from .evaluation import outbox
from .evaluation.runner import evaluate_rule as run_rule
from .models import ExceptionRule


@shared_task(name=task_names.EVALUATE_PENDING)
def evaluate_pending(tenant_id):
    return outbox.process_pending(tenant_id)


@shared_task(name=task_names.EVALUATE_RULE)
def evaluate_rule(tenant_id, rule_id):
    rule = ExceptionRule.objects.filter(tenant_id=tenant_id, pk=rule_id).first()
    return run_rule(rule) if rule is not None else None


@shared_task(name=task_names.SWEEP_PENDING)
def sweep_pending():
    """Beat, every minute: requests whose message was lost (worker or Redis died) are evaluated late."""
    return {tenant_id: outbox.process_pending(tenant_id) for tenant_id in outbox.tenants_with_pending()}


@shared_task(name=task_names.EVALUATE_ALL)
def evaluate_all():
    """Beat, nightly: every rule over everything, and snoozed alerts whose date has come."""
    return {tenant.slug: outbox.evaluate_everything(tenant) for tenant in Tenant.objects.all()}
