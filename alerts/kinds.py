"""The rule kinds: what each watches, its parameters (validated) and how its findings read."""

from dataclasses import dataclass

from django.core.exceptions import ValidationError


@dataclass(frozen=True)
class Param:
    name: str
    label: str
    type: type  # int, float, str
    default: object = None
    min: float | None = None
    max: float | None = None
    choices: tuple = ()
    help: str = ""


@dataclass(frozen=True)
class Kind:
    code: str
    label: str
    description: str
    params: tuple = ()
    weekly: bool = True  # weekly kinds merge consecutive weeks and auto-resolve; order kinds are events
    dims: tuple = ("product_id", "customer_id", "facility_id")


HORIZON = Param(
    "horizon_weeks", "Look ahead (weeks)", int, 4, 1, 104, help="Only weeks from this week on, this many."
)
KINDS = {
    k.code: k
    for k in [
        Kind(
            "demand_change",
            "Demand change vs previous version",
            "Weekly demand moves more than a threshold against the previous plan version.",
            (
                Param(
                    "change_pct",
                    "Change above (%)",
                    float,
                    50.0,
                    0,
                    100000,
                    help="50 fires when demand is above 150% (or below 50%) of the previous version.",
                ),
                Param("min_abs_change", "And at least (units)", float, 0.0, 0, None),
                Param("direction", "Direction", str, "up", choices=("up", "down", "both")),
                Param(
                    "level",
                    "Compare",
                    str,
                    "customer",
                    choices=("customer", "total"),
                    help="customer: product x customer x facility; total: product over all customers.",
                ),
                HORIZON,
            ),
            dims=("product_id", "customer_id", "facility_id"),
        ),
        Kind(
            "stock_below_safety",
            "Projected stock below safety stock",
            "Projected stock (on hand + supply - demand) falls below safety stock within the horizon.",
            (HORIZON,),
            dims=("product_id", "facility_id"),
        ),
        Kind(
            "stockout",
            "Projected stock-out",
            "Projected stock goes below zero within the horizon.",
            (HORIZON,),
            dims=("product_id", "facility_id"),
        ),
        Kind(
            "excess",
            "Excess stock (days of supply)",
            "Days of supply above a maximum within the horizon.",
            (Param("max_days_of_supply", "Days of supply above", float, 60.0, 1, 3650), HORIZON),
            dims=("product_id", "facility_id"),
        ),
        Kind(
            "capacity_overload",
            "Capacity overload",
            "Each resource's load (planned production of each product made on it x its usage per unit)"
            " above the resource's weekly capacity, so a bottleneck is found even where the facility has"
            " room; and a facility's planned supply above its own weekly capacity where that is given.",
            (Param("utilisation_pct", "Load above (% of capacity)", float, 100.0, 1, 1000), HORIZON),
            # facility findings carry no resource_id, so their alert keys ("f12") are what they were
            dims=("resource_id", "facility_id"),
        ),
        Kind(
            "forecast_accuracy",
            "Forecast bias / accuracy",
            "Forecast against actuals over the last N weeks: MAPE, or |tracking signal|, above a threshold.",
            (
                Param("metric", "Metric", str, "mape", choices=("mape", "tracking_signal")),
                Param(
                    "threshold",
                    "Threshold",
                    float,
                    30.0,
                    0,
                    100000,
                    help="MAPE in %, or tracking signal (typically 4).",
                ),
                Param("weeks", "Over the last (weeks)", int, 8, 2, 104),
            ),
            weekly=False,
            dims=("product_id",),
        ),
        Kind(
            "large_order",
            "Large sales order",
            "An order line above k times the customer's typical (median) order for that product.",
            (
                Param("multiple", "Above k x typical", float, 3.0, 1, 1000),
                Param("min_history", "Needs at least (past orders)", int, 3, 1, 1000),
            ),
            weekly=False,
            dims=("order_id", "product_id"),
        ),
        Kind(
            "new_order",
            "New sales order for a customer",
            "Tell me when a sales order arrives for a customer in scope.",
            (),
            weekly=False,
            dims=("order_id",),
        ),
    ]
}
KIND_CHOICES = [(k.code, k.label) for k in KINDS.values()]


def clean_params(kind_code, raw):
    """Typed, range-checked parameters with defaults; ValidationError names each bad field."""
    kind = KINDS.get(kind_code)
    if kind is None:
        raise ValidationError({"kind": "Unknown rule kind."})
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationError({"params": "Parameters must be an object."})
    unknown = set(raw) - {p.name for p in kind.params}
    errors, clean = {}, {}
    for name in sorted(unknown):
        errors[name] = f"{kind.label} has no parameter '{name}'."
    for p in kind.params:
        value = raw.get(p.name, p.default)
        if value in (None, ""):
            errors[p.name] = "Required."
            continue
        try:
            if p.type is int:
                if isinstance(value, float) and not value.is_integer():
                    raise ValueError
                value = int(str(value).strip())
            elif p.type is float:
                value = float(str(value).strip())
                if value != value or value in (float("inf"), float("-inf")):
                    raise ValueError
            else:
                value = str(value).strip()
        except (TypeError, ValueError):
            errors[p.name] = "Enter a whole number." if p.type is int else "Enter a number."
            continue
        if p.choices and value not in p.choices:
            errors[p.name] = f"Choose one of: {', '.join(p.choices)}."
        elif p.min is not None and value < p.min:
            errors[p.name] = f"Must be at least {p.min:g}."
        elif p.max is not None and value > p.max:
            errors[p.name] = f"Must be at most {p.max:g}."
        else:
            clean[p.name] = value
    if errors:
        raise ValidationError(errors)
    return clean
