"""Writes to exception rules: create, edit, enable/disable, delete. `Perm.MANAGE_RULES`; each audited.

Every change that can change what a rule raises queues an evaluation of that rule after commit."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from feeds.actions import do_auto_follow
from sopsocial.audit.actions import changed_fields, record
from sopsocial.queue import enqueue_on_commit
from sopsocial.subjects.actions import save_with_subject
from sopsocial.tenancy.policy import Perm, require

from . import task_names
from .kinds import KINDS, clean_params
from .models import LIVE_STATUSES, AlertStatus, ExceptionRule, Severity
from .scope import clean_scope
from .verbs import AlertsVerb

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Membership

RULE_FIELDS = (
    "name",
    "kind",
    "params",
    "scope",
    "severity",
    "min_consecutive_weeks",
    "enabled",
    "visible_to_partners",
)


def clean_rule(
    member: Membership,
    *,
    name: str | None,
    kind: str,
    params: Any,  # the kind's parameters as posted (JSON), checked by clean_params
    scope: Any,  # the scope as posted (JSON), checked by clean_scope
    severity: str,
    min_consecutive_weeks: int | str = 1,
    enabled: bool = True,
    visible_to_partners: bool = False,
    rule: ExceptionRule | None = None,
) -> dict[str, Any]:
    errors: dict[str, Any] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = "Give the rule a name."
    elif len(name) > 200:
        errors["name"] = "Keep the name under 200 characters."
    elif (
        ExceptionRule.objects.filter(tenant=member.tenant, name__iexact=name, is_deleted=False)
        .exclude(pk=rule.pk if rule else None)  # type: ignore[misc]  # pk=None is IS NULL: excludes nothing
        .exists()
    ):
        errors["name"] = "Another rule has this name."
    if kind not in KINDS:
        errors["kind"] = "Unknown rule kind."
    if severity not in Severity.values:
        errors["severity"] = "Choose high, medium or low."
    try:
        min_weeks = int(min_consecutive_weeks)
        if not 1 <= min_weeks <= 52:
            raise ValueError
    except (TypeError, ValueError):
        errors["min_consecutive_weeks"] = "A whole number of weeks from 1 to 52."
        min_weeks = 1
    clean: dict[str, Any] = {}
    for label, func, args in (
        ("params", clean_params, (kind, params)),
        ("scope", clean_scope, (member.tenant, scope)),
    ):
        if label == "params" and kind not in KINDS:
            continue
        try:
            clean[label] = func(*args)
        except ValidationError as error:
            errors.update({f"{label}.{k}": v for k, v in error.message_dict.items()})
    if errors:
        raise ValidationError(errors)
    return {
        "name": name,
        "kind": kind,
        "params": clean["params"],
        "scope": clean["scope"],
        "severity": severity,
        "min_consecutive_weeks": min_weeks,
        "enabled": bool(enabled),
        "visible_to_partners": bool(visible_to_partners),
    }


def _queue_evaluation(rule: ExceptionRule) -> None:
    enqueue_on_commit(task_names.EVALUATE_RULE, tenant_id=rule.tenant_id, rule_id=rule.pk)


@transaction.atomic
def check_create_rule(member: Membership, **values: Any) -> ExceptionRule:
    require(member, Perm.MANAGE_RULES, "change exception rules")
    data = clean_rule(member, **values)
    rule = save_with_subject(ExceptionRule(tenant=member.tenant, created_by=member.user, **data))
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=AlertsVerb.RULE_CREATE,
        subject=rule.subject,
        target=rule.name,
        after=data,
    )
    do_auto_follow(tenant=member.tenant, user=member.user, subject=rule.subject)  # hear what it raises
    if rule.enabled:
        _queue_evaluation(rule)
    return rule


@transaction.atomic
def check_update_rule(member: Membership, rule: ExceptionRule, **values: Any) -> ExceptionRule:
    require(member, Perm.MANAGE_RULES, "change exception rules")
    rule = ExceptionRule.objects.select_for_update().get(pk=rule.pk, tenant=member.tenant, is_deleted=False)
    data = clean_rule(member, rule=rule, **values)
    before, after = changed_fields(rule, RULE_FIELDS, data)
    if not after:
        return rule
    for key, value in after.items():
        setattr(rule, key, value)
    save_with_subject(rule)
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=AlertsVerb.RULE_UPDATE,
        subject=rule.subject,
        target=rule.name,
        before=before,
        after=after,
    )
    if not rule.enabled:
        _resolve_live_alerts(rule, "The rule was switched off.")
    else:
        _queue_evaluation(rule)
    return rule


@transaction.atomic
def do_set_rule_enabled(member: Membership, rule: ExceptionRule, enabled: bool) -> ExceptionRule:
    require(member, Perm.MANAGE_RULES, "change exception rules")
    rule = ExceptionRule.objects.select_for_update().get(pk=rule.pk, tenant=member.tenant, is_deleted=False)
    if rule.enabled == enabled:
        return rule
    rule.enabled = enabled
    rule.save(update_fields=["enabled", "updated"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=AlertsVerb.RULE_ENABLE if enabled else AlertsVerb.RULE_DISABLE,
        subject=rule.subject,
        target=rule.name,
        before={"enabled": not enabled},
        after={"enabled": enabled},
    )
    if enabled:
        _queue_evaluation(rule)
    else:
        _resolve_live_alerts(rule, "The rule was switched off.")
    return rule


@transaction.atomic
def do_delete_rule(member: Membership, rule: ExceptionRule) -> None:
    """Soft delete: the rule's alerts and their history stay readable; live ones are resolved."""
    require(member, Perm.MANAGE_RULES, "change exception rules")
    rule = ExceptionRule.objects.select_for_update().get(pk=rule.pk, tenant=member.tenant, is_deleted=False)
    rule.is_deleted, rule.enabled = True, False
    rule.save(update_fields=["is_deleted", "enabled", "updated"])
    record(
        tenant=member.tenant,
        actor=member.user,
        verb=AlertsVerb.RULE_DELETE,
        subject=rule.subject,
        target=rule.name,
        before={"deleted": False},
        after={"deleted": True},
    )
    _resolve_live_alerts(rule, "The rule was deleted.")


def _resolve_live_alerts(rule: ExceptionRule, note: str) -> None:
    now = timezone.now()
    for alert in rule.alerts.select_for_update().filter(status__in=LIVE_STATUSES):
        alert.status, alert.resolved_at, alert.auto_resolved, alert.resolution_note = (
            AlertStatus.RESOLVED,
            now,
            True,
            note,
        )
        alert.save()
        record(
            tenant=rule.tenant,
            verb=AlertsVerb.AUTO_RESOLVE,
            subject=alert.subject,
            target=alert.title,
            before={"status": "open"},
            after={"status": "resolved", "note": note},
        )
