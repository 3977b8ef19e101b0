"""Planning's outbox contract with alerts: what an `EvaluationRequest` row says changed, and the name of
the task queued to consume it. Planning writes both and never imports alerts; alerts reads the scope
through `EvaluationScope.from_json` and registers its task under `EVALUATE_PENDING_TASK`.

Pure values: no models, so the settings and the alerts app can import it cheaply.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

# alerts.tasks.evaluate_pending is registered under this name; planning queues it by name on commit.
EVALUATE_PENDING_TASK = "alerts.evaluate_pending"

DIMENSIONS = ("product_ids", "customer_ids", "facility_ids", "order_ids")


def _ids(values: Iterable[Any] | None) -> tuple[int, ...] | None:
    """Sorted distinct ids; None, or nothing at all, leaves the dimension open."""
    if values is None or isinstance(values, str | bytes):
        return None
    ids = tuple(sorted({int(v) for v in values}))
    return ids or None


@dataclass(frozen=True)
class EvaluationScope:
    """The slice of data whose numbers changed, per dimension; None = any (no restriction).

    Only what alerts narrows its evaluation by: earlier rows also carried `version_id` and `weeks`,
    which nothing read (alerts always evaluates the working versions from this week on); `from_json`
    ignores them.
    """

    product_ids: tuple[int, ...] | None = None
    customer_ids: tuple[int, ...] | None = None
    facility_ids: tuple[int, ...] | None = None
    order_ids: tuple[int, ...] | None = None

    @classmethod
    def touching(
        cls,
        *,
        product_ids: Iterable[Any] | None = None,
        customer_ids: Iterable[Any] | None = None,
        facility_ids: Iterable[Any] | None = None,
        order_ids: Iterable[Any] | None = None,
    ) -> "EvaluationScope":
        """A scope from any iterables of ids (sorted, deduplicated; empty means open)."""
        return cls(
            product_ids=_ids(product_ids),
            customer_ids=_ids(customer_ids),
            facility_ids=_ids(facility_ids),
            order_ids=_ids(order_ids),
        )

    def to_json(self) -> dict[str, list[int]]:
        """The row's JSON: one list per restricted dimension; open dimensions are left out."""
        return {dim: list(ids) for dim in DIMENSIONS if (ids := getattr(self, dim)) is not None}

    @classmethod
    def from_json(cls, raw: object) -> "EvaluationScope":
        """Read a stored row, tolerant of older shapes: unknown keys are ignored, and anything that is
        not an object (or a dimension that is not a list of ids) leaves that much open; evaluating
        more than changed is safe, evaluating less is not."""
        if not isinstance(raw, dict):
            return cls()
        values: dict[str, tuple[int, ...] | None] = {}
        for dim in DIMENSIONS:
            try:
                values[dim] = _ids(raw.get(dim))
            except (TypeError, ValueError):
                values[dim] = None
        return cls(**values)
