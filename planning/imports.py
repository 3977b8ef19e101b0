"""Bulk loads shared by file uploads, `manage.py import_planning` and the ERP API.

`validate(tenant, kind, rows)` checks every row first and resolves references (SKU, customer and
facility codes) without writing; it returns the clean rows and a list of errors
`{"row": n, "field": name, "message": text}`. `apply(...)` writes a clean batch in one transaction
(all or nothing), audited as one event per batch, and changes nothing when the same rows are loaded
again (existing rows with equal values are left alone).
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl.utils.exceptions import InvalidFileException

from sopsocial.audit.actions import record
from sopsocial.subjects.actions import save_with_subject

from . import actions
from . import weeks as wk
from .models import (
    Actual,
    Brand,
    Customer,
    Facility,
    FacilityKind,
    InventorySnapshot,
    OrderStatus,
    PlanVersion,
    Product,
    SalesOrder,
    SalesOrderLine,
)


@dataclass(frozen=True)
class Col:
    name: str
    type: str = "str"  # str, int, qty, date, week, choice, lines
    required: bool = True
    max_length: int = 200
    choices: tuple = ()


SPECS = {
    "products": (
        [
            Col("sku", max_length=64),
            Col("name"),
            Col("brand", required=False),
            Col("family", required=False, max_length=100),
            Col("unit", required=False, max_length=20),
            Col("case_size", "int", required=False),
        ],
        ("sku",),
    ),
    "customers": (
        [Col("code", max_length=64), Col("name"), Col("owner", required=False, max_length=150)],
        ("code",),
    ),
    "facilities": (
        [
            Col("code", max_length=64),
            Col("name"),
            Col("kind", "choice", required=False, choices=tuple(FacilityKind.values)),
        ],
        ("code",),
    ),
    "inventory": (
        [
            Col("sku", max_length=64),
            Col("facility", max_length=64),
            Col("as_of", "date"),
            Col("on_hand", "qty"),
            Col("safety_stock", "qty", required=False),
        ],
        ("sku", "facility", "as_of"),
    ),
    "actuals": (
        [
            Col("sku", max_length=64),
            Col("customer", max_length=64),
            Col("facility", max_length=64),
            Col("week", "week"),
            Col("qty", "qty"),
        ],
        ("sku", "customer", "facility", "week"),
    ),
    "plan_entries": (
        [
            Col("sku", max_length=64),
            Col("customer", required=False, max_length=64),
            Col("facility", max_length=64),
            Col("week", "week"),
            Col("qty", "qty"),
        ],
        ("sku", "customer", "facility", "week"),
    ),
    "sales_orders": (
        [
            Col("number", max_length=64),
            Col("customer", max_length=64),
            Col("facility", max_length=64),
            Col("order_date", "date"),
            Col("ship_date", "date"),
            Col("status", "choice", required=False, choices=tuple(OrderStatus.values)),
            Col("lines", "lines"),
        ],
        ("number",),
    ),
}
KINDS = tuple(SPECS)
# int columns are PostgreSQL integers: larger values would fail in the database ("out of range")
INT_MAX = 2147483647
# a file import is one transaction; past this size it belongs in smaller files (or the API in batches)
IMPORT_MAX_ROWS = 200_000


class Errors(list):
    def add(self, row, field, message):
        self.append({"row": row, "field": field, "message": message})


def _parse(col, value):
    """One cell -> a Python value; raises ValueError with a message for the user."""
    empty = value is None or (isinstance(value, str) and value.strip() == "")
    if empty:
        if col.required:
            raise ValueError("is required")
        return None
    if col.type in ("str", "choice"):
        if not isinstance(value, str):
            raise ValueError("must be a string")
        value = value.strip()
        if "\x00" in value:
            # PostgreSQL text cannot hold NUL; refuse it here rather than fail in the database
            raise ValueError("contains a NUL character")
        if len(value) > col.max_length:
            raise ValueError(f"is longer than {col.max_length} characters")
        if col.type == "choice" and value not in col.choices:
            raise ValueError(f"must be one of {', '.join(col.choices)}")
        return value
    if col.type == "int":
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("must be a whole number")
        try:
            number = int(str(value).strip())
        except ValueError:
            raise ValueError("must be a whole number") from None
        if number < 0:
            raise ValueError("cannot be negative")
        if number > INT_MAX:
            raise ValueError(f"must be at most {INT_MAX}")
        return number
    if col.type == "qty":
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError("must be a number")
        try:
            return actions.parse_qty(value, col.name)
        except ValidationError as e:
            raise ValueError(e.message_dict[col.name][0].rstrip(".").lower()) from None
    if col.type in ("date", "week"):
        if not isinstance(value, str):
            raise ValueError("must be a date as YYYY-MM-DD")
        try:
            day = dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            raise ValueError("must be a date as YYYY-MM-DD") from None
        return wk.week_start(day) if col.type == "week" else day
    if col.type == "lines":
        if not isinstance(value, list) or not value:
            raise ValueError("must be a non-empty list of {sku, qty}")
        lines = []
        for i, line in enumerate(value, 1):
            if not isinstance(line, dict) or not isinstance(line.get("sku"), str):
                raise ValueError(f"line {i}: sku must be a string")
            if "\x00" in line["sku"]:
                raise ValueError(f"line {i}: sku contains a NUL character")
            try:
                qty = actions.parse_qty(line.get("qty"), "qty")
            except ValidationError as e:
                raise ValueError(f"line {i}: qty {e.message_dict['qty'][0].lower()}") from None
            lines.append({"sku": line["sku"].strip(), "qty": qty})
        return lines
    raise AssertionError(col.type)


def validate(tenant, kind, rows, *, first_row=1, version=None):
    """(clean rows, errors). Nothing is written. Row numbers start at `first_row`."""
    columns, key = SPECS[kind]
    errors, clean, seen = Errors(), [], {}
    products = {p.sku: p for p in Product.objects.filter(tenant=tenant).select_related("subject")}
    customers = {c.code: c for c in Customer.objects.filter(tenant=tenant).select_related("subject")}
    facilities = {f.code: f for f in Facility.objects.filter(tenant=tenant).select_related("subject")}
    if kind == "plan_entries":
        if version is None:
            errors.add(None, "version", "Choose the draft version to load into.")
            return [], errors
        if not version.is_editable:
            errors.add(None, "version", "Only a draft version can be loaded.")
            return [], errors
    for index, raw in enumerate(rows):
        n = first_row + index
        if not isinstance(raw, dict):
            errors.add(n, None, "must be an object")
            continue
        row, ok = {}, True
        unknown = set(raw) - {c.name for c in columns}
        for name in sorted(unknown):
            errors.add(n, name, "is not a known column")
            ok = False
        for col in columns:
            try:
                row[col.name] = _parse(col, raw.get(col.name))
            except ValueError as e:
                errors.add(n, col.name, f"{col.name} {e}")
                ok = False
        if not ok:
            continue
        for field, table, label in (
            ("sku", products, "product SKU"),
            ("customer", customers, "customer code"),
            ("facility", facilities, "facility code"),
        ):
            if (
                field in row
                and row[field] is not None
                and kind not in ("products", "customers", "facilities")
            ):
                obj = table.get(row[field])
                if obj is None:
                    errors.add(n, field, f"unknown {label} “{row[field]}”")
                    ok = False
                row[{"sku": "product"}.get(field, field)] = obj
        if kind == "plan_entries" and ok:
            if version.is_demand and row["customer"] is None:
                errors.add(n, "customer", "customer is required for a demand plan")
                ok = False
            if not version.is_demand and row["customer"] is not None:
                errors.add(n, "customer", "a supply plan has no customer")
                ok = False
            last = version.start_week + dt.timedelta(weeks=version.weeks - 1)
            if not version.start_week <= row["week"] <= last:
                errors.add(n, "week", f"week is outside the version ({version.start_week} to {last})")
                ok = False
        if kind == "sales_orders" and ok:
            for i, line in enumerate(row["lines"], 1):
                line["product"] = products.get(line["sku"])
                if line["product"] is None:
                    errors.add(n, "lines", f"line {i}: unknown product SKU “{line['sku']}”")
                    ok = False
            if row["ship_date"] < row["order_date"]:
                errors.add(n, "ship_date", "ship_date is before order_date")
                ok = False
        if kind == "customers" and ok and row.get("owner"):
            from django.contrib.auth import get_user_model

            row["owner"] = (
                get_user_model()
                .objects.filter(
                    username=row["owner"],
                    memberships__tenant=tenant,
                    memberships__is_active=True,
                    memberships__partner__isnull=True,
                )
                .first()
            )
            if row["owner"] is None:
                errors.add(n, "owner", "owner is not an active internal member of this tenant")
                ok = False
        if not ok:
            continue
        ident = tuple(row.get(k) if not hasattr(row.get(k), "pk") else row[k].pk for k in key)
        ident = tuple(str(x) for x in ident)
        if ident in seen:
            errors.add(
                n, key[0], f"duplicate of row {seen[ident]} ({', '.join(key)} must be unique in a batch)"
            )
            continue
        seen[ident] = n
        clean.append(row)
    return clean, errors


def read_table(upload_name, data, *, max_rows=None):
    """Rows (dicts of strings, blank cells as "") from CSV or XLSX bytes. Raises ValueError.

    At most `max_rows` data rows (default IMPORT_MAX_ROWS); only one more is parsed to tell."""
    max_rows = IMPORT_MAX_ROWS if max_rows is None else max_rows
    name = upload_name.lower()
    try:
        if name.endswith(".xlsx"):
            df = pd.read_excel(io.BytesIO(data), dtype=str, keep_default_na=False, nrows=max_rows + 1)
        elif name.endswith(".csv"):
            df = pd.read_csv(
                io.BytesIO(data), dtype=str, keep_default_na=False, encoding="utf-8-sig", nrows=max_rows + 1
            )
        else:
            raise ValueError("Upload a .csv or .xlsx file.")
    except (zipfile.BadZipFile, InvalidFileException):
        raise ValueError("The file is not a readable .xlsx workbook (it may be damaged).") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError, KeyError) as e:
        raise ValueError(f"The file could not be read: {e}") from None
    except ValueError as e:
        raise ValueError(str(e)) from None
    if len(df) > max_rows:
        raise ValueError(f"The file has more than {max_rows:,} rows; split it into smaller files.")
    df.columns = [str(c).strip().lower() for c in df.columns]
    return [
        {k: (v.strip() if isinstance(v, str) else v) for k, v in r.items()} for r in df.to_dict("records")
    ]


def apply(tenant, kind, rows, *, actor=None, actor_label=None, version=None, source="import", progress=None):
    """Write validated rows in one transaction. Returns {"created": n, "updated": n, "unchanged": n}."""
    counts = {"created": 0, "updated": 0, "unchanged": 0}
    with transaction.atomic():
        if kind == "plan_entries":
            version = (
                PlanVersion.objects.select_for_update(of=("self",))
                .select_related("plan", "subject")
                .get(pk=version.pk)
            )
            changed = actions.do_replace_entries(
                tenant=tenant, version=version, rows=rows, actor=actor, actor_label=actor_label, reason=source
            )
            counts.update(updated=changed, unchanged=len(rows) - changed)
            return counts
        writer = _WRITERS[kind]
        touched = writer(tenant, rows, counts, progress or (lambda i: None))
        new_orders = touched.pop("new_orders", [])
        if counts["created"] or counts["updated"]:
            record(
                tenant=tenant,
                actor=actor,
                actor_label=actor_label,
                verb=f"planning.{kind}_load",
                target=f"{source}: {counts['created']} new, {counts['updated']} changed {kind}",
                after={"source": source, **counts},
            )
            if kind in ("inventory", "actuals", "sales_orders"):
                actions.request_evaluation(tenant, f"{kind} {source}", touched)
        if new_orders:
            _post_new_orders(tenant, new_orders, actor)
    return counts


def _upsert_subject_objects(tenant, model, key, rows, counts, progress, build):
    existing = {getattr(o, key): o for o in model.objects.filter(tenant=tenant)}
    for i, row in enumerate(rows):
        obj = existing.get(row[key])
        values = build(row, obj)
        if obj is None:
            obj = model(tenant=tenant, **values)
            save_with_subject(obj)
            existing[row[key]] = obj
            counts["created"] += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            save_with_subject(obj)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        progress(i)
    return {}


def _write_products(tenant, rows, counts, progress):
    brands = {b.name: b for b in Brand.objects.filter(tenant=tenant)}
    for row in rows:
        if row["brand"] and row["brand"] not in brands:
            brands[row["brand"]] = save_with_subject(Brand(tenant=tenant, name=row["brand"]))

    def build(row, obj):
        return {
            "sku": row["sku"],
            "name": row["name"],
            "brand": brands.get(row["brand"]) if row["brand"] else None,
            "family": row["family"] or "",
            "unit": row["unit"] or (obj.unit if obj else "case"),
            "case_size": row["case_size"] if row["case_size"] is not None else (obj.case_size if obj else 1),
        }

    return _upsert_subject_objects(tenant, Product, "sku", rows, counts, progress, build)


def _write_customers(tenant, rows, counts, progress):
    def build(row, obj):
        values = {"code": row["code"], "name": row["name"]}
        if row.get("owner"):
            values["owner"] = row["owner"]
        return values

    return _upsert_subject_objects(tenant, Customer, "code", rows, counts, progress, build)


def _write_facilities(tenant, rows, counts, progress):
    def build(row, obj):
        return {
            "code": row["code"],
            "name": row["name"],
            "kind": row["kind"] or (obj.kind if obj else FacilityKind.DEPOT),
        }

    return _upsert_subject_objects(tenant, Facility, "code", rows, counts, progress, build)


def _bulk_numbers(tenant, model, rows, counts, progress, key_fields, value_fields, make):
    products = {r["product"].pk for r in rows}
    existing = {
        tuple(getattr(o, f) for f in key_fields): o
        for o in model.objects.filter(tenant=tenant, product_id__in=products)
    }
    creates, updates = [], []
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
    changed = creates + updates
    return {
        "product_ids": sorted({o.product_id for o in changed}),
        "facility_ids": sorted({o.facility_id for o in changed}),
        "weeks": sorted({getattr(o, "week", None) or wk.week_start(o.as_of) for o in changed}),
    }


def _write_inventory(tenant, rows, counts, progress):
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


def _write_actuals(tenant, rows, counts, progress):
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


def _write_orders(tenant, rows, counts, progress):
    existing = {
        o.number: o
        for o in SalesOrder.objects.filter(
            tenant=tenant, number__in=[r["number"] for r in rows]
        ).prefetch_related("lines")
    }
    new_orders, touched = [], []
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
        "order_ids": [o.pk for o in touched],
        "new_orders": new_orders,
        "customer_ids": sorted({o.customer_id for o in touched}),
        "facility_ids": sorted({o.facility_id for o in touched}),
    }


def _post_new_orders(tenant, orders, actor):
    from feeds import actions as feed_actions

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


_WRITERS = {
    "products": _write_products,
    "customers": _write_customers,
    "facilities": _write_facilities,
    "inventory": _write_inventory,
    "actuals": _write_actuals,
    "sales_orders": _write_orders,
}
