"""Many plan cells of a draft version at once (file imports, the ERP API, management commands)."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction

from feeds import actions as feed_actions
from sopsocial.audit.actions import record

from ..models import PlanChange, PlanEntry
from ..outbox import EvaluationScope
from ..verbs import PlanningVerb
from ._common import Row, _changed_products, request_evaluation
from .locks import refuse_locked_version

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.tenancy.models import Tenant

    from ..models import PlanVersion


def do_replace_entries(
    *,
    tenant: Tenant,
    version: PlanVersion,
    rows: Sequence[Row],
    actor: User | None = None,
    actor_label: str | None = None,
    reason: str = "import",
) -> dict[str, int]:
    """Upsert many cells of a draft version at once (imports, API). `rows` are validated dicts
    (product, customer, facility, week, qty). One PlanChange per changed cell, one audit event for the
    batch. Returns {"created": cells that did not exist, "updated": existing cells given a new number}:
    a load into an empty version reports its rows as new, not as changed."""
    if not version.is_editable:
        raise ValidationError({"version": ["Only a draft version can be loaded."]})
    refuse_locked_version(version)
    with transaction.atomic():
        existing = {
            (e.product_id, e.customer_id, e.facility_id, e.week): e
            for e in version.entries.filter(product_id__in={r["product"].pk for r in rows})
        }
        creates: list[PlanEntry] = []
        updates: list[PlanEntry] = []
        changes: list[PlanChange] = []
        for r in rows:
            key = (r["product"].pk, r["customer"].pk if r["customer"] else None, r["facility"].pk, r["week"])
            entry = existing.get(key)
            old = entry.qty if entry else Decimal(0)
            if entry is not None and entry.qty == r["qty"]:
                continue
            if entry is None:
                creates.append(
                    PlanEntry(
                        version=version,
                        product=r["product"],
                        customer=r["customer"],
                        facility=r["facility"],
                        week=r["week"],
                        qty=r["qty"],
                    )
                )
            else:
                entry.qty, entry.revision = r["qty"], entry.revision + 1
                updates.append(entry)
            changes.append(
                PlanChange(
                    tenant=tenant,
                    version=version,
                    product=r["product"],
                    customer=r["customer"],
                    facility=r["facility"],
                    week=r["week"],
                    old_qty=old,
                    new_qty=r["qty"],
                    changed_by=actor,
                    changed_by_label=actor_label or (actor.get_full_name() if actor else "system"),
                    reason=reason,
                )
            )
        PlanEntry.objects.bulk_create(creates, batch_size=1000)
        PlanEntry.objects.bulk_update(updates, ["qty", "revision"], batch_size=1000)
        PlanChange.objects.bulk_create(changes, batch_size=1000)
        if changes:
            record(
                tenant=tenant,
                actor=actor,
                actor_label=actor_label,
                verb=PlanningVerb.ENTRIES_LOAD,
                subject=version.subject,
                target=f"{len(changes)} cells of {version.subject.title}",
                after={"cells": len(changes), "new": len(creates), "changed": len(updates), "reason": reason},
            )
            feed_actions.do_create_system_item(
                tenant=tenant,
                subject=version.subject,
                tagged=_changed_products(version),
                actor=actor,
                verb="plan load",
                text=f"{actor_label or (actor.get_full_name() if actor else 'An import')} changed "
                f"{len(changes)} cells of {version.subject.title} ({reason}).",
                data={"version_id": version.pk, "cells": len(changes)},
            )
            request_evaluation(
                tenant, reason, EvaluationScope.touching(product_ids=[c.product_id for c in changes])
            )
    return {"created": len(creates), "updated": len(updates)}
