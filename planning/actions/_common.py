"""What every planning action shares: reading a plan number; asking
alerts to re-evaluate after numbers changed (an outbox row plus a task queued on commit; planning never
imports alerts); the products to tag on a version's feed items."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import ValidationError

from sopsocial.queue import enqueue_on_commit

from ..models import EvaluationRequest, Product
from ..outbox import EVALUATE_PENDING_TASK, EvaluationScope
from ..quantities import DECIMAL_POINT, NumberFormat, read_quantity

if TYPE_CHECKING:
    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Tenant

    from ..models import PlanVersion

# A system feed item tags at most this many products; more would flood their followers.
MAX_TAGGED_PRODUCTS = 5


def request_evaluation(tenant: Tenant, reason: str, scope: EvaluationScope) -> None:
    """The outbox row and the task queued on commit: alerts re-evaluate what these numbers touch."""
    EvaluationRequest.objects.create(tenant=tenant, reason=reason[:100], scope=scope.to_json())
    enqueue_on_commit(EVALUATE_PENDING_TASK, tenant_id=tenant.pk)


def parse_qty(raw: object, field: str = "qty", fmt: NumberFormat = DECIMAL_POINT) -> Decimal:
    """A plan number (see `planning.quantities.read_quantity`). Raises ValidationError keyed by field."""
    try:
        return read_quantity(raw, fmt)
    except ValueError as e:
        raise ValidationError({field: [str(e)]}) from None


def _changed_products(version: PlanVersion) -> list[Subject]:
    """Subjects of the products changed in this version, to tag on its feed items: only when there are
    few (a whole-plan reload would otherwise notify every product's followers)."""
    ids = list(version.changes.values_list("product_id", flat=True).distinct()[: MAX_TAGGED_PRODUCTS + 1])
    if not ids or len(ids) > MAX_TAGGED_PRODUCTS:
        return []
    return [p.subject for p in Product.objects.filter(pk__in=ids).select_related("subject")]


# One validated row of a bulk load (`planning.imports.validate`): column -> model instance, Decimal, date...
Row = Mapping[str, Any]
# What a bulk writer touched: "subjects" (the batch event's related subjects), "new_orders" (to post on
# their feeds), and ids and weeks by key (the evaluation scope).
Touched = dict[str, list[Any]]


def _plain(value: Any) -> Any:
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _plain_dict(d: Mapping[str, Any] | None) -> dict[str, Any] | None:
    return None if d is None else {k: _plain(v) for k, v in d.items()}
