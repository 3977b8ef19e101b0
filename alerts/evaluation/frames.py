"""What a rule evaluates: its scope narrowed by the changed slice, and the frames planning does not
already provide (capacity, order lines, subject and name maps). Plan, stock and actuals frames come from
`planning.selectors`, the maths from `planning.plan_math`.

Rows come straight from the database into pandas (no model instances).
"""

from dataclasses import dataclass

import pandas as pd

from planning.frames import read_frame
from planning.models import (
    Capacity,
    Customer,
    Facility,
    Product,
    Resource,
    ResourceCapacity,
    ResourceLoad,
    SalesOrder,
    SalesOrderLine,
)
from planning.outbox import EvaluationScope
from sopsocial.pages.filters import where_given


def frame(queryset, columns, floats=(), dates=()):
    """A DataFrame of `queryset.values_list(*columns)` (COPY on PostgreSQL, see planning.frames)."""
    df = read_frame(queryset, list(columns))
    for col in floats:
        df[col] = df[col].astype(float)
    for col in dates:
        df[col] = pd.to_datetime(df[col])
    return df


@dataclass
class Slice:
    """What to evaluate: the rule's scope narrowed by the changed cells (None = no restriction)."""

    product_ids: set | None = None
    customer_ids: set | None = None
    facility_ids: set | None = None
    order_ids: set | None = None

    def admits(self, dims):
        for dim, value in dims.items():
            allowed = getattr(self, dim.replace("_id", "_ids"), None)
            if allowed is not None and value not in allowed:
                return False
        return True


def _intersect(a, b):
    if a is None:
        return b
    if b is None:
        return a
    return set(a) & set(b)


def scope_slice(rule, request_scope: EvaluationScope | None = None):
    """The rule's scope (subjects and families) as model ids, narrowed by an evaluation request's scope
    (None: nothing narrows it)."""
    tenant, scope = rule.tenant, rule.scope or {}
    products = customers = facilities = None
    if scope.get("brand_ids") or scope.get("families"):
        qs = Product.objects.filter(tenant=tenant)
        if scope.get("brand_ids"):
            qs = qs.filter(brand__subject_id__in=scope["brand_ids"])
        if scope.get("families"):
            qs = qs.filter(family__in=scope["families"])
        products = set(qs.values_list("pk", flat=True))
    if scope.get("customer_ids"):
        customers = set(
            Customer.objects.filter(tenant=tenant, subject_id__in=scope["customer_ids"]).values_list(
                "pk", flat=True
            )
        )
    if scope.get("facility_ids"):
        facilities = set(
            Facility.objects.filter(tenant=tenant, subject_id__in=scope["facility_ids"]).values_list(
                "pk", flat=True
            )
        )
    request_scope = request_scope or EvaluationScope()

    def ids(dim):
        values = getattr(request_scope, dim)
        return None if values is None else set(values)

    return Slice(
        product_ids=_intersect(products, ids("product_ids")),
        customer_ids=_intersect(customers, ids("customer_ids")),
        facility_ids=_intersect(facilities, ids("facility_ids")),
        order_ids=ids("order_ids"),
    )


def capacity(tenant, sl):
    qs = where_given(Capacity.objects.filter(tenant=tenant), facility_id__in=sl.facility_ids)
    return frame(qs, ["facility_id", "week", "capacity"], floats=["capacity"], dates=["week"])


def resource_loads(tenant, sl):
    """What making one unit of each product uses of each resource, with the resource's facility."""
    qs = where_given(
        ResourceLoad.objects.filter(tenant=tenant),
        resource__facility_id__in=sl.facility_ids,
        product_id__in=sl.product_ids,
    )
    return frame(
        qs, ["resource_id", "resource__facility_id", "product_id", "usage"], floats=["usage"]
    ).rename(columns={"resource__facility_id": "facility_id"})


def resource_capacity(tenant, sl):
    qs = where_given(
        ResourceCapacity.objects.filter(tenant=tenant), resource__facility_id__in=sl.facility_ids
    )
    return frame(qs, ["resource_id", "week", "capacity"], floats=["capacity"], dates=["week"])


def order_lines(tenant, sl, statuses, since=None):
    qs = where_given(
        SalesOrderLine.objects.filter(order__tenant=tenant, order__status__in=statuses),
        order__subject__created__gte=since,
        order_id__in=sl.order_ids,
        order__customer_id__in=sl.customer_ids,
        product_id__in=sl.product_ids,
    )
    return frame(
        qs, ["order_id", "order__customer_id", "product_id", "order__facility_id", "qty"], floats=["qty"]
    ).rename(columns={"order__customer_id": "customer_id", "order__facility_id": "facility_id"})


def subject_maps(tenant, findings):
    """{dim: {id: subject_id}} and {dim: {id: name}} for the ids that appear in findings."""
    models = {
        "product_id": (Product, "name"),
        "customer_id": (Customer, "name"),
        "facility_id": (Facility, "name"),
        "order_id": (SalesOrder, "number"),
        "resource_id": (Resource, "name"),
    }
    subjects, names = {}, {}
    for dim, (model, name_field) in models.items():
        if dim not in findings:
            continue
        ids = {int(v) for v in findings[dim].dropna().unique()}
        rows = model.objects.filter(tenant=tenant, pk__in=ids).values_list("pk", "subject_id", name_field)
        subjects[dim] = {pk: sid for pk, sid, _ in rows}
        names[dim] = {pk: (f"Order {n}" if dim == "order_id" else n) for pk, _, n in rows}
    return subjects, names
