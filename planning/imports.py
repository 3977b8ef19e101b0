"""Reading and checking bulk loads (file uploads, `manage.py import_planning`, the ERP API): no writes.

`validate(tenant, kind, rows)` checks every row first and resolves references (SKU, customer and
facility codes) without writing; it returns the clean rows and a list of errors
`{"row": n, "field": name, "message": text}`. Writing a clean batch is an action:
`planning.actions.do_load_rows` (all or nothing, idempotent).
"""

import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.core.exceptions import ValidationError
from openpyxl.utils.exceptions import InvalidFileException

from sopsocial.api.errors import error_item
from sopsocial.tenancy.models import Partner

from . import actions
from . import weeks as wk
from .models import Customer, Facility, FacilityKind, OrderStatus, Product, Resource


@dataclass(frozen=True)
class Col:
    name: str
    type: str = "str"  # str, int, qty, rate, date, week, choice, lines
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
    # one row per order line, for files (a CSV cell cannot hold a list): rows with the same number are
    # one order, and must agree on its customer, facility, dates and status
    "sales_order_lines": (
        [
            Col("number", max_length=64),
            Col("customer", max_length=64),
            Col("facility", max_length=64),
            Col("order_date", "date"),
            Col("ship_date", "date"),
            Col("status", "choice", required=False, choices=tuple(OrderStatus.values)),
            Col("sku", max_length=64),
            Col("qty", "qty"),
        ],
        ("number",),
    ),
    "suppliers": ([Col("code", max_length=64), Col("name")], ("code",)),
    "resources": (
        [
            Col("code", max_length=64),
            Col("name"),
            Col("facility", max_length=64),
            Col("category", required=False, max_length=100),
            Col("unit", required=False, max_length=20),
        ],
        ("code",),
    ),
    "resource_capacity": (
        [Col("resource", max_length=64), Col("week", "week"), Col("capacity", "qty")],
        ("resource", "week"),
    ),
    "resource_loads": (
        [Col("resource", max_length=64), Col("sku", max_length=64), Col("usage", "rate")],
        ("resource", "sku"),
    ),
}
KINDS = tuple(SPECS)
# kinds that name a facility by code but create it rather than look it up
_CREATES_OWN_CODE = ("products", "customers", "facilities")
ORDER_HEADER = ("customer", "facility", "order_date", "ship_date", "status")
# int columns are PostgreSQL integers: larger values would fail in the database ("out of range")
INT_MAX = 2147483647
# a file import is one transaction; past this size it belongs in smaller files (or the API in batches)
IMPORT_MAX_ROWS = 200_000


class Errors(list):
    def add(self, row, field, message):
        self.append(error_item(message, field, row))


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
    if col.type == "rate":
        # a usage per unit (hours per case): not negative, up to four decimals (a 20-minute step is 0.3333)
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError("must be a number")
        try:
            number = Decimal(str(value).strip())
        except ArithmeticError:
            raise ValueError("must be a number") from None
        if not number.is_finite() or number < 0:
            raise ValueError("must be a number, not negative")
        if number > actions.MAX_QTY:
            raise ValueError("is too large")
        if number != number.quantize(Decimal("0.0001")):
            raise ValueError("has more than four decimals")
        return number.quantize(Decimal("0.0001"))
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


def _group_order_lines(rows, first_row, errors):
    """Flat order-line rows -> sales_orders rows (one per number, lines in file order) and the file row
    number of each order's first line. Rows that disagree with their order's first line are errors."""
    columns = {c.name: c for c in SPECS["sales_order_lines"][0]}
    orders, numbers = {}, {}
    for index, raw in enumerate(rows):
        n = first_row + index
        if not isinstance(raw, dict):
            errors.add(n, None, "must be an object")
            continue
        unknown = set(raw) - set(columns)
        for name in sorted(unknown):
            errors.add(n, name, "is not a known column")
        number = raw.get("number")
        try:
            number = _parse(columns["number"], number)
        except ValueError as e:
            errors.add(n, "number", f"number {e}")
            continue
        if unknown:
            continue
        line = {"sku": raw.get("sku"), "qty": raw.get("qty")}
        header = {k: raw.get(k) for k in ("number", *ORDER_HEADER)}
        if number not in orders:
            orders[number], numbers[number] = {**header, "lines": [line]}, n
            continue
        first = orders[number]
        differs = [k for k in ORDER_HEADER if (first[k] or "") != (header[k] or "")]
        for k in differs:
            errors.add(n, k, f"{k} differs from row {numbers[number]} of order {number}")
        if not differs:
            first["lines"].append(line)
    return list(orders.values()), list(numbers.values())


def validate(tenant, kind, rows, *, first_row=1, version=None):
    """(clean rows, errors). Nothing is written. Row numbers start at `first_row`."""
    if kind == "sales_order_lines":
        errors = Errors()
        grouped, row_numbers = _group_order_lines(rows, first_row, errors)
        clean, order_errors = validate(tenant, "sales_orders", grouped, first_row=0)
        for e in order_errors:
            errors.add(row_numbers[e["row"]] if e["row"] is not None else None, e["field"], e["message"])
        return ([] if errors else clean), errors
    columns, key = SPECS[kind]
    errors, clean, seen = Errors(), [], {}
    products = {p.sku: p for p in Product.objects.filter(tenant=tenant).select_related("subject")}
    customers = {c.code: c for c in Customer.objects.filter(tenant=tenant).select_related("subject")}
    facilities = {f.code: f for f in Facility.objects.filter(tenant=tenant).select_related("subject")}
    resources = (
        {r.code: r for r in Resource.objects.filter(tenant=tenant).select_related("subject", "facility")}
        if kind in ("resource_capacity", "resource_loads")
        else {}
    )
    # suppliers: partner name (lower case) -> the code of the supplier it is, or None for other partners
    partner_names = (
        {
            name.lower(): code
            for name, code in Partner.objects.filter(tenant=tenant).values_list("name", "supplier__code")
        }
        if kind == "suppliers"
        else {}
    )
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
            ("resource", resources, "resource code"),
        ):
            if field in row and row[field] is not None and kind not in _CREATES_OWN_CODE:
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
        if kind == "suppliers" and ok:
            # a supplier is a partner organisation, and partner names are unique (whatever the case)
            owner = partner_names.get(row["name"].lower(), row["code"])
            if owner != row["code"]:
                errors.add(n, "name", f"another partner is already named “{row['name']}”")
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
