"""Reading and checking bulk loads (file uploads, `manage.py import_planning`, the ERP API): no writes.

`validate(tenant, kind, rows)` checks every row first and resolves references (SKU, customer and
facility codes) without writing; it returns the clean rows and a list of errors
`{"row": n, "field": name, "message": text}`. Writing a clean batch is an action:
`planning.actions.do_load_rows` (all or nothing, idempotent).

An XLSX workbook is a ZIP: before it is opened, `check_workbook` reads only its central directory and
refuses one whose parts unpack to too much (in total, any one part, or at a compression ratio no real
spreadsheet has) or that has too many parts; a 140 KB file of 3 million shared strings never reaches
openpyxl. Python's zipfile stops inflating a part at its declared size, so the declared sizes bound
what reading can unpack. `work_size` is what decides whether an import runs inline or as a job.
"""

import dataclasses
import datetime as dt
import io
import zipfile
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.conf import settings
from django.core.exceptions import ValidationError
from openpyxl.utils.exceptions import InvalidFileException

from sopsocial.api.errors import error_item
from sopsocial.tenancy.models import Partner

from . import actions, tables
from . import weeks as wk
from .models import Customer, Facility, FacilityKind, OrderStatus, PlanCycleLock, Product, Resource
from .quantities import DECIMAL_POINT, MAX_QTY, NumberFormat, read_date, read_number, read_whole_number


@dataclass(frozen=True)
class Col:
    name: str
    type: str = "str"  # str, int, qty, rate, date, week, choice, lines
    required: bool = True
    max_length: int = 200
    choices: tuple = ()


# a sales order's own columns: the API sends its lines as a list, a file repeats them on each line's row
_ORDER_COLUMNS = [
    Col("number", max_length=64),
    Col("customer", max_length=64),
    Col("facility", max_length=64),
    Col("order_date", "date"),
    Col("ship_date", "date"),
    Col("status", "choice", required=False, choices=tuple(OrderStatus.values)),
]

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
    "sales_orders": ([*_ORDER_COLUMNS, Col("lines", "lines")], ("number",)),
    # one row per order line, for files (a CSV cell cannot hold a list): rows with the same number are
    # one order, and must agree on its customer, facility, dates and status
    "sales_order_lines": ([*_ORDER_COLUMNS, Col("sku", max_length=64), Col("qty", "qty")], ("number",)),
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


def column_rules(kind):
    """What the import screen says about each column of `kind`: (name, required, what it holds)."""
    columns, key = SPECS[kind]
    out = []
    for c in columns:
        if c.type == "str":
            what = f"text, at most {c.max_length} characters"
        elif c.type == "choice":
            what = f"one of: {', '.join(c.choices)}"
        elif c.type == "int":
            what = "a whole number, 0 or more"
        elif c.type == "qty":
            what = "a number, 0 or more, at most two decimals"
        elif c.type == "rate":
            what = "a number per unit, 0 or more, at most four decimals"
        elif c.type == "date":
            what = "a date, YYYY-MM-DD"
        elif c.type == "week":
            what = "any date in the week, YYYY-MM-DD (stored as its Monday)"
        else:
            what = "lines of sku and qty (API only)"
        if c.name in key:
            what += "; identifies the row"
        out.append((c.name, c.required, what))
    return out


def template_csv(kind):
    """An empty file of `kind` with its header row, to fill in."""
    names = [c.name for c in SPECS[kind][0] if c.type != "lines"]
    return (",".join(names) + "\r\n").encode("utf-8")


class Errors(list):
    def add(self, row, field, message):
        self.append(error_item(message, field, row))


def _parse(col, value, fmt=DECIMAL_POINT):
    """One cell -> a Python value; raises ValueError with a message for the user. Numbers are read
    by `fmt`'s rules (planning.quantities): a value that could mean two numbers is an error."""
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
            number = read_whole_number(value, fmt)
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
            return actions.parse_qty(value, col.name, fmt)
        except ValidationError as e:
            raise ValueError(_clause(e.message_dict[col.name][0])) from None
    if col.type == "rate":
        # a usage per unit (hours per case): not negative, up to four decimals (a 20-minute step is 0.3333)
        if isinstance(value, bool) or not isinstance(value, (int, float, str, Decimal)):
            raise ValueError("must be a number")
        number = read_number(value, fmt)
        if number < 0:
            raise ValueError("must be a number, not negative")
        if number > MAX_QTY:
            raise ValueError("is too large")
        if number != number.quantize(Decimal("0.0001")):
            raise ValueError("has more than four decimals")
        return number.quantize(Decimal("0.0001"))
    if col.type in ("date", "week"):
        day = read_date(value)
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
                qty = actions.parse_qty(line.get("qty"), "qty", fmt)
            except ValidationError as e:
                raise ValueError(f"line {i}: qty: {_clause(e.message_dict['qty'][0])}") from None
            lines.append({"sku": line["sku"].strip(), "qty": qty})
        return lines
    raise AssertionError(col.type)


def _clause(message):
    """A sentence made to follow a column name: "qty " + "a plan number cannot be negative"."""
    message = message.rstrip(".")
    return message if message[:1] == "“" else message[:1].lower() + message[1:]


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


def validate(tenant, kind, rows, *, first_row=1, version=None, fmt=DECIMAL_POINT):
    """(clean rows, errors). Nothing is written. Row numbers start at `first_row`; numbers are read
    by `fmt` (decimal point or comma, rounding to cents or not)."""
    if kind == "sales_order_lines":
        errors = Errors()
        grouped, row_numbers = _group_order_lines(rows, first_row, errors)
        clean, order_errors = validate(tenant, "sales_orders", grouped, first_row=0, fmt=fmt)
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
        lock = PlanCycleLock.objects.filter(
            cycle_id=version.cycle_id, plan_type=version.plan.plan_type
        ).first()
        if lock is not None:
            errors.add(None, "version", lock.message())
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
                row[col.name] = _parse(col, raw.get(col.name), fmt)
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


# parts this small may compress at any ratio (an empty sheet's XML is mostly repetition)
RATIO_CHECKED_FROM = 1024 * 1024


def _mb(n):
    return f"{n / (1024 * 1024):,.0f} MB" if n >= 1024 * 1024 else f"{n / 1024:,.0f} KB"


def check_workbook(source):
    """The unpacked size of an XLSX workbook (bytes, a path or a binary file), after checking its parts
    against the PLANNING_XLSX_* limits from the ZIP directory alone. Raises ValueError naming the limit."""
    opened = io.BytesIO(source) if isinstance(source, bytes | bytearray) else source
    try:
        if hasattr(opened, "seek"):
            opened.seek(0)
        with zipfile.ZipFile(opened) as archive:
            infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError):
        raise ValueError("The file is not a readable .xlsx workbook (it may be damaged).") from None
    finally:
        if hasattr(opened, "seek"):
            opened.seek(0)
    if len(infos) > settings.PLANNING_XLSX_MAX_PARTS:
        raise ValueError(
            f"The workbook has {len(infos):,} parts; "
            f"at most {settings.PLANNING_XLSX_MAX_PARTS:,} are accepted."
        )
    total = sum(info.file_size for info in infos)
    if total > settings.PLANNING_XLSX_MAX_UNPACKED_BYTES:
        raise ValueError(
            f"The workbook unpacks to {_mb(total)}; at most {_mb(settings.PLANNING_XLSX_MAX_UNPACKED_BYTES)} "
            "is accepted. Split it into smaller files or save it as CSV."
        )
    for info in infos:
        if info.file_size > settings.PLANNING_XLSX_MAX_PART_BYTES:
            raise ValueError(
                f"The workbook's part {info.filename} unpacks to {_mb(info.file_size)}; at most "
                f"{_mb(settings.PLANNING_XLSX_MAX_PART_BYTES)} per part is accepted. "
                "Split it into smaller files."
            )
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size >= RATIO_CHECKED_FROM and ratio > settings.PLANNING_XLSX_MAX_RATIO:
            raise ValueError(
                f"The workbook's part {info.filename} unpacks {ratio:,.0f} times its packed size "
                f"({_mb(info.compress_size)} to {_mb(info.file_size)}); spreadsheets do not compress more "
                f"than {settings.PLANNING_XLSX_MAX_RATIO} times, so it is refused."
            )
    return total


def work_size(upload_name, source, size):
    """How much an import has to read: the unpacked size for XLSX (checked first), else the file size."""
    if upload_name.lower().endswith(".xlsx"):
        return check_workbook(source)
    return size


@dataclass
class Table:
    """A file's rows (dicts of stripped strings, blank cells as ""), how its numbers are written, and
    notes for the person (the encoding or separator found, columns left out)."""

    rows: list
    fmt: NumberFormat = DECIMAL_POINT
    notes: list = dataclasses.field(default_factory=list)


def read_table(upload_name, data, *, kind=None, numbers="auto", round_to_cents=False, max_rows=None):
    """A `Table` from CSV or XLSX bytes or a binary file. Raises ValueError with one file-level message.
    An XLSX workbook is checked (`check_workbook`) before it is opened.

    `kind` checks the header row once for the whole file (missing required columns are an error naming
    the expected ones; unknown columns are left out with a note). `numbers` is "auto" (a decimal comma
    when a CSV is separated by semicolons), "point" or "comma". At most `max_rows` data rows (default
    IMPORT_MAX_ROWS); only one more is parsed to tell."""
    max_rows = IMPORT_MAX_ROWS if max_rows is None else max_rows
    name = upload_name.lower()
    source = io.BytesIO(data) if isinstance(data, bytes | bytearray) else data
    notes = []
    try:
        if name.endswith(".xlsx"):
            check_workbook(source)
            blank = tables.formulas_without_values(source)
            if blank:
                raise ValueError(
                    f"Cells {', '.join(blank)} hold formulas without a calculated value (the workbook was "
                    "saved by a program that does not calculate). Open it in Excel or LibreOffice, save "
                    "it and upload it again, or paste the values instead of the formulas."
                )
            source.seek(0)
            df = pd.read_excel(source, dtype=str, keep_default_na=False, nrows=max_rows + 1)
            fmt = tables.number_format_for(",", numbers, round_to_cents=round_to_cents)
        elif name.endswith(".csv"):
            # a CSV is at most PLANNING_IMPORT_MAX_BYTES; its encoding and separator need the text
            text_file = tables.read_text_file(source.read())
            notes += text_file.notes
            df = pd.read_csv(
                io.StringIO(text_file.text),
                sep=text_file.separator,
                dtype=str,
                keep_default_na=False,
                nrows=max_rows + 1,
            )
            fmt = tables.number_format_for(text_file.separator, numbers, round_to_cents=round_to_cents)
            if fmt.decimal_comma:
                notes.append("Numbers are read with a decimal comma (1.234,5).")
        else:
            raise ValueError("Upload a .csv or .xlsx file.")
    except (zipfile.BadZipFile, InvalidFileException):
        raise ValueError("The file is not a readable .xlsx workbook (it may be damaged).") from None
    except (UnicodeDecodeError, pd.errors.ParserError, pd.errors.EmptyDataError, OSError, KeyError) as e:
        if "out of memory" in str(e):
            # pandas' C tokenizer reports an allocation failure as a parse error: it is the memory limit
            raise MemoryError(str(e)) from None
        raise ValueError(f"The file could not be read: {e}") from None
    except ValueError as e:
        raise ValueError(str(e)) from None
    if len(df) > max_rows:
        raise ValueError(f"The file has more than {max_rows:,} rows; split it into smaller files.")
    df.columns = [str(c).strip().lower() for c in df.columns]
    if kind is not None:
        columns, _key = SPECS[kind]
        check = tables.check_columns(
            list(df.columns), [c.name for c in columns], [c.name for c in columns if c.required]
        )
        if check.errors:
            raise ValueError(" ".join(check.errors))
        notes += check.notes
        df = df[check.use]
    rows = [
        {k: (v.strip() if isinstance(v, str) else v) for k, v in r.items()} for r in df.to_dict("records")
    ]
    return Table(rows=rows, fmt=fmt, notes=notes)
