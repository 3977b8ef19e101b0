"""Bulk loads of rows that `planning.imports.validate` has checked: file uploads, `manage.py
import_planning`, the frePPLe demo and the ERP API all write through `do_load_rows`.

A batch is one transaction (all or nothing), audited as one `planning.<kind>_load` event per batch, and
changes nothing when the same rows are loaded again (existing rows with equal values are left alone).
Master data (products, customers, facilities) is written object by object through the same write and
after-write hook as the edit forms (`master._write_master_row`, `master._after_master_write`): same
Subjects, same auto-follows (owner; creator when a person), and the batch event names every object it
created or changed as a related subject, so it is on each one's trail. See `planning.actions.master`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from decimal import Decimal
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction

from sopsocial.audit.actions import record

from ..models import Actual, InventorySnapshot, PlanVersion, ResourceCapacity, ResourceLoad
from ..outbox import EvaluationScope
from ..verbs import load_verb
from ._common import Row, Touched, request_evaluation
from .entries import do_replace_entries
from .master import upsert_customers, upsert_facilities, upsert_products, upsert_resources, upsert_suppliers
from .orders import post_new_orders, upsert_orders

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.tenancy.models import Tenant

N = TypeVar("N", InventorySnapshot, Actual, ResourceCapacity, ResourceLoad)
# loads whose numbers the alert rules read: each asks alerts to re-evaluate what it touched
_EVALUATED = (
    "inventory",
    "actuals",
    "sales_orders",
    "sales_order_lines",
    "resource_capacity",
    "resource_loads",
)


def do_load_rows(
    tenant: Tenant,
    kind: str,
    rows: Sequence[Row],
    *,
    actor: User | None = None,
    actor_label: str | None = None,
    version: PlanVersion | None = None,
    source: str = "import",
    progress: Callable[[int], object] | None = None,
) -> dict[str, int]:
    """Write validated rows in one transaction. Returns {"created": n, "updated": n, "unchanged": n}."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        if kind == "plan_entries":
            version = (
                PlanVersion.objects.select_for_update(of=("self",))
                .select_related("plan", "subject")
                .get(pk=version.pk)  # type: ignore[union-attr]  # a plan_entries load names its version
            )
            written = do_replace_entries(
                tenant=tenant, version=version, rows=rows, actor=actor, actor_label=actor_label, reason=source
            )
            counts.update(written, unchanged=len(rows) - written["created"] - written["updated"])
            return counts
        progress = progress or (lambda i: None)
        if kind in _MASTER_WRITERS:
            touched = _MASTER_WRITERS[kind](tenant, rows, counts, progress, creator=actor)
        else:
            touched = _WRITERS[kind](tenant, rows, counts, progress)
        subjects = touched.pop("subjects", [])
        new_orders = touched.pop("new_orders", [])
        if counts["created"] or counts["updated"]:
            record(
                tenant=tenant,
                actor=actor,
                actor_label=actor_label,
                verb=load_verb(kind),
                target=f"{source}: {counts['created']} new, {counts['updated']} changed {kind}",
                after={"source": source, **counts},
                related=subjects,
            )
            if kind in _EVALUATED:
                request_evaluation(tenant, f"{kind} {source}", EvaluationScope.touching(**touched))
        if new_orders:
            post_new_orders(tenant, new_orders, actor)
    return counts


def _bulk_numbers(
    tenant: Tenant,
    model: type[N],
    rows: Sequence[Row],
    counts: dict[str, int],
    progress: Callable[[int], object],
    key_fields: Sequence[str],
    value_fields: list[str],
    make: Callable[[Row], dict[str, Any]],
) -> Touched:
    if "resource_id" in key_fields:
        among = {"resource_id__in": {r["resource"].pk for r in rows}}
    else:
        among = {"product_id__in": {r["product"].pk for r in rows}}
    existing = {
        tuple(getattr(o, f) for f in key_fields): o for o in model.objects.filter(tenant=tenant, **among)
    }
    creates: list[N] = []
    updates: list[N] = []
    for i, row in enumerate(rows):
        obj_values = make(row)
        ident = tuple(obj_values[f] for f in key_fields)
        obj = existing.get(ident)
        if obj is None:
            creates.append(model(tenant=tenant, **obj_values))
        elif any(getattr(obj, f) != obj_values[f] for f in value_fields):
            for f in value_fields:
                setattr(obj, f, obj_values[f])
            updates.append(obj)
        else:
            counts["unchanged"] += 1
        progress(i)
    model.objects.bulk_create(creates, batch_size=2000)
    model.objects.bulk_update(updates, value_fields, batch_size=2000)
    counts["created"] += len(creates)
    counts["updated"] += len(updates)
    changed: list[N] = creates + updates

    def ids(field: str) -> list[int]:
        return sorted({getattr(o, field) for o in changed})

    if "resource_id" in key_fields:
        # a resource's capacity or usage changed: re-judge its facility, and put the batch on its trail
        changed_resources = set(ids("resource_id"))
        unique = list(
            {r["resource"].pk: r["resource"] for r in rows if r["resource"].pk in changed_resources}.values()
        )
        return {
            "subjects": [r.subject for r in unique],
            "facility_ids": sorted({r.facility_id for r in unique}),
        }
    return {"product_ids": ids("product_id"), "facility_ids": ids("facility_id")}


def upsert_inventory(
    tenant: Tenant, rows: Sequence[Row], counts: dict[str, int], progress: Callable[[int], object]
) -> Touched:
    return _bulk_numbers(
        tenant,
        InventorySnapshot,
        rows,
        counts,
        progress,
        ("product_id", "facility_id", "as_of"),
        ["on_hand", "safety_stock"],
        lambda r: {
            "product_id": r["product"].pk,
            "facility_id": r["facility"].pk,
            "as_of": r["as_of"],
            "on_hand": r["on_hand"],
            "safety_stock": r["safety_stock"] or Decimal(0),
        },
    )


def upsert_actuals(
    tenant: Tenant, rows: Sequence[Row], counts: dict[str, int], progress: Callable[[int], object]
) -> Touched:
    return _bulk_numbers(
        tenant,
        Actual,
        rows,
        counts,
        progress,
        ("product_id", "customer_id", "facility_id", "week"),
        ["qty"],
        lambda r: {
            "product_id": r["product"].pk,
            "customer_id": r["customer"].pk,
            "facility_id": r["facility"].pk,
            "week": r["week"],
            "qty": r["qty"],
        },
    )


def upsert_resource_capacity(
    tenant: Tenant, rows: Sequence[Row], counts: dict[str, int], progress: Callable[[int], object]
) -> Touched:
    return _bulk_numbers(
        tenant,
        ResourceCapacity,
        rows,
        counts,
        progress,
        ("resource_id", "week"),
        ["capacity"],
        lambda r: {"resource_id": r["resource"].pk, "week": r["week"], "capacity": r["capacity"]},
    )


def upsert_resource_loads(
    tenant: Tenant, rows: Sequence[Row], counts: dict[str, int], progress: Callable[[int], object]
) -> Touched:
    return _bulk_numbers(
        tenant,
        ResourceLoad,
        rows,
        counts,
        progress,
        ("resource_id", "product_id"),
        ["usage"],
        lambda r: {"resource_id": r["resource"].pk, "product_id": r["product"].pk, "usage": r["usage"]},
    )


_MASTER_WRITERS = {
    "products": upsert_products,
    "customers": upsert_customers,
    "facilities": upsert_facilities,
    "resources": upsert_resources,
}
_WRITERS = {
    "inventory": upsert_inventory,
    "actuals": upsert_actuals,
    "sales_orders": upsert_orders,
    "sales_order_lines": upsert_orders,
    "suppliers": upsert_suppliers,
    "resource_capacity": upsert_resource_capacity,
    "resource_loads": upsert_resource_loads,
}
