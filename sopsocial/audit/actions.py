"""Writing audit events. Every action calls `record()` inside its own transaction."""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from typing import TYPE_CHECKING, Any

from django.core.serializers.json import DjangoJSONEncoder
from django.db import connection
from django.utils import timezone

from . import context
from .chain import GENESIS_HASH, event_hash
from .models import AuditEvent, AuditEventSubject
from .verbs import Verb, checked

if TYPE_CHECKING:
    from django.contrib.auth.models import User
    from django.db.models import Model

    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Tenant

# Namespace for pg_advisory_xact_lock(bigint): the high bits say "audit chain", the low bits the tenant.
_LOCK_NAMESPACE = 0x5A0D17 << 32


def _jsonable(value: Any) -> Any:
    """Round-trip through JSON so the hashed value is exactly what the database will hand back."""
    if value is None:
        return None
    return json.loads(json.dumps(value, cls=DjangoJSONEncoder))


def actor_label_for(user: User | None) -> str:
    if user is None:
        return "system"
    return user.get_full_name() or user.get_username()


def _lock_chain(tenant_id: int) -> None:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [_LOCK_NAMESPACE | tenant_id])
    # SQLite serialises writers on the database file; the unique (tenant, seq) constraint is the backstop.


def record(
    *,
    tenant: Tenant,
    verb: Verb,
    actor: User | None = None,
    actor_label: str | None = None,
    subject: Subject | None = None,
    target: str = "",
    before: Mapping[str, Any] | None = None,
    after: Mapping[str, Any] | None = None,
    related: Iterable[Subject | None] = (),
) -> AuditEvent:
    """Append one event to the tenant's chain. Must run inside the action's transaction, so the event
    commits or rolls back with the change it describes. `related`: further subjects the event concerns
    (their trails show it too). `verb` must be a member of a registered app enum (`verbs`): anything
    else is refused, so every stored verb has a label."""
    verb = checked(verb)
    if not connection.in_atomic_block:
        raise RuntimeError("audit.record() must be called inside the action's transaction.atomic()")
    _lock_chain(tenant.pk)
    last = AuditEvent.objects.filter(tenant_id=tenant.pk).order_by("-seq").values_list("seq", "hash").first()
    seq, prev_hash = (last[0] + 1, last[1]) if last else (1, GENESIS_HASH)
    ctx = context.current()
    fields = dict(
        tenant_id=tenant.pk,
        seq=seq,
        actor_id=actor.pk if actor is not None else None,
        actor_label=actor_label or actor_label_for(actor),
        verb=verb.value,  # the plain string, as the database hands it back to be re-hashed
        subject_id=subject.pk if subject is not None else None,
        target=str(target)[:300],
        before=_jsonable(before),
        after=_jsonable(after),
        request_id=ctx.request_id,
        ip=ctx.ip,
        at=timezone.now(),
        prev_hash=prev_hash,
    )
    related_subjects = [s for s in related if s is not None]  # read twice below: a generator would not be
    related_ids = sorted({s.pk for s in related_subjects} - {fields["subject_id"]})
    if any(s.tenant_id != tenant.pk for s in related_subjects):
        raise ValueError("an audit event's related subjects belong to its tenant")
    event = AuditEvent(**fields, hash=event_hash(**fields, related=related_ids))
    event.save(force_insert=True)
    AuditEventSubject.objects.bulk_create(
        [AuditEventSubject(tenant_id=tenant.pk, event=event, subject_id=sid) for sid in related_ids]
    )
    return event


def changed_fields(
    obj: Model, fields: Iterable[str], new_values: Mapping[str, Any]
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(before, after) dicts of only the fields whose value changes; used to audit old -> new."""
    before: dict[str, Any] = {}
    after: dict[str, Any] = {}
    for name in fields:
        old, new = getattr(obj, name), new_values.get(name, getattr(obj, name))
        if old != new:
            before[name], after[name] = old, new
    return before, after
