"""Sales orders loaded from the ERP or a file: upsert by number with their lines (and their Subject,
whose parents follow the lines' products); new orders are posted on their own feed."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from feeds import actions as feed_actions
from sopsocial.subjects.actions import save_with_subject

from ..models import SalesOrder, SalesOrderLine
from ._common import Row, Touched

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.tenancy.models import Tenant


def upsert_orders(
    tenant: Tenant, rows: Sequence[Row], counts: dict[str, int], progress: Callable[[int], object]
) -> Touched:
    existing = {
        o.number: o
        for o in SalesOrder.objects.filter(
            tenant=tenant, number__in=[r["number"] for r in rows]
        ).prefetch_related("lines")
    }
    new_orders: list[SalesOrder] = []
    touched: list[SalesOrder] = []
    for i, row in enumerate(rows):
        order = existing.get(row["number"])
        values = {
            "customer": row["customer"],
            "facility": row["facility"],
            "order_date": row["order_date"],
            "ship_date": row["ship_date"],
            "status": row["status"] or (order.status if order else "open"),
        }
        lines = [(j + 1, line["product"].pk, line["qty"]) for j, line in enumerate(row["lines"])]
        if order is not None:
            same_lines = [(ln.line, ln.product_id, ln.qty) for ln in order.lines.all()] == lines
            if same_lines and all(getattr(order, k) == v for k, v in values.items()):
                counts["unchanged"] += 1
                progress(i)
                continue
            for k, v in values.items():
                setattr(order, k, v)
            order.lines.all().delete()
            counts["updated"] += 1
        else:
            order = SalesOrder(tenant=tenant, number=row["number"], **values)
            save_with_subject(order)
            new_orders.append(order)
            counts["created"] += 1
        SalesOrderLine.objects.bulk_create(
            [SalesOrderLine(order=order, line=n, product_id=p, qty=q) for n, p, q in lines]
        )
        save_with_subject(order)  # parents follow the lines' products
        touched.append(order)
        progress(i)
    return {
        "subjects": [o.subject for o in touched],  # the batch event is on each order's trail
        "order_ids": [o.pk for o in touched],
        "new_orders": new_orders,
        "customer_ids": sorted({o.customer_id for o in touched}),
        "facility_ids": sorted({o.facility_id for o in touched}),
    }


def post_new_orders(tenant: Tenant, orders: Iterable[SalesOrder], actor: User | None) -> None:

    for order in orders:
        lines = list(order.lines.select_related("product__subject"))
        total = sum(ln.qty for ln in lines)
        feed_actions.do_create_system_item(
            tenant=tenant,
            subject=order.subject,
            actor=actor,
            verb="order arrived",
            tagged=[order.customer.subject, *[ln.product.subject for ln in lines[:5]]],
            text=f"Order {order.number} arrived from {order.customer.name}: {total:,.0f} cases from "
            f"{order.facility.name}, ship {order.ship_date:%d %b %Y}.",
            data={"order_id": order.pk, "qty": float(total)},
        )
