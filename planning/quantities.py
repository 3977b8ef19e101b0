"""Reading a number or a date that a person or a file wrote, by explicit rules: never a guess.

A number is written either with a decimal point (`1,234.5`: commas only between groups of three digits)
or, when the file says so, with a decimal comma (`1.234,5` or `1 234,5`). Anything that fits neither
rule, such as `255,65` in a decimal-point file (255.65 or 25,565?), is an error that says what to do,
never a number read some other way. A date is `YYYY-MM-DD` (a spreadsheet's midnight time may follow);
anything after it is an error.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

MAX_QTY = Decimal("999999999999")
CENT = Decimal("0.01")

_POINT = re.compile(r"(?:\d{1,3}(?:,\d{3})+|\d*)(?:\.\d+)?")
# thousands by dots, or by one kind of space (plain, no-break or narrow no-break) used throughout
_COMMA = re.compile(r"(?:\d{1,3}(?:\.\d{3})+|\d{1,3}([ \u00a0\u202f])\d{3}(?:\1\d{3})*|\d*)(?:,\d+)?")
_DATE = re.compile(r"(\d{4}-\d{2}-\d{2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")


@dataclass(frozen=True)
class NumberFormat:
    """How a file (or a form) writes numbers."""

    decimal_comma: bool = False  # "1.234,5" rather than "1,234.5"
    round_to_cents: bool = False  # round more than two decimals (half up) rather than refuse them

    @property
    def example(self) -> str:
        return "1.234,56" if self.decimal_comma else "1,234.56"


DECIMAL_POINT = NumberFormat()
DECIMAL_COMMA = NumberFormat(decimal_comma=True)


def read_number(raw: object, fmt: NumberFormat = DECIMAL_POINT) -> Decimal:
    """A finite Decimal from text or a number; raises ValueError with a message for the person."""
    if isinstance(raw, bool) or raw is None:
        raise ValueError("is not a number")
    if isinstance(raw, (int, Decimal)):
        value = Decimal(raw)
    elif isinstance(raw, float):
        value = Decimal(repr(raw))  # the shortest text that reads back as this float: 0.1, not 0.1000…0555
    elif isinstance(raw, str):
        value = _read_text(raw.strip(), fmt)
    else:
        raise ValueError("is not a number")
    if not value.is_finite():
        raise ValueError("must be a finite number")
    return value


def _read_text(text: str, fmt: NumberFormat) -> Decimal:
    sign, body = ("-", text[1:].lstrip()) if text[:1] in "-−" else ("", text.removeprefix("+").lstrip())
    shape = _COMMA if fmt.decimal_comma else _POINT
    if not body or not shape.fullmatch(body) or not any(c.isdigit() for c in body):
        raise ValueError(_why_not(text, body, fmt))
    if fmt.decimal_comma:
        plain = body.replace(".", "").replace(" ", "").replace("\u00a0", "").replace("\u202f", "")
        plain = plain.replace(",", ".")
    else:
        plain = body.replace(",", "")
    try:
        return Decimal(sign + plain)
    except InvalidOperation:  # pragma: no cover - the shapes above admit only decimal text
        raise ValueError(f"“{text}” is not a number") from None


def _why_not(text: str, body: str, fmt: NumberFormat) -> str:
    if fmt.decimal_comma:
        if re.fullmatch(r"\d+\.\d+", body):
            return (
                f"“{text}” has a decimal point, but this file is read with a decimal comma: "
                f"write it as {body.replace('.', ',')}, or import the file with a decimal point"
            )
        return f"“{text}” is not a number written with a decimal comma (like {fmt.example})"
    if re.fullmatch(r"[\d.]*\d,\d+", body):
        return (
            f"“{text}” is ambiguous: a comma separates thousands in groups of three digits here. "
            "If the file uses a decimal comma, choose “decimal comma” for it; otherwise write "
            f"{body.replace(',', '.')} or {body.replace(',', '')}"
        )
    return f"“{text}” is not a number (write it like {fmt.example})"


def read_quantity(raw: object, fmt: NumberFormat = DECIMAL_POINT) -> Decimal:
    """A plan quantity: a number that is not negative, not too large, with at most two decimals (more
    are rounded only when `fmt.round_to_cents`). Raises ValueError with a message for the person."""
    if isinstance(raw, str) and raw.strip() == "":
        raise ValueError("Enter a number.")
    try:
        value = read_number(raw, fmt)
    except ValueError as e:
        raise ValueError(_sentence(str(e))) from None
    if value < 0:
        raise ValueError("A plan number cannot be negative.")
    if value > MAX_QTY:
        raise ValueError("That number is too large.")
    if value != value.quantize(CENT, rounding=ROUND_HALF_UP):
        if not fmt.round_to_cents:
            raise ValueError("Use at most two decimals (or choose to round to two decimals).")
        value = value.quantize(CENT, rounding=ROUND_HALF_UP)
    return value.quantize(CENT)


def read_whole_number(raw: object, fmt: NumberFormat = DECIMAL_POINT) -> int:
    value = read_number(raw, fmt)
    if value != value.to_integral_value():
        raise ValueError("must be a whole number")
    return int(value)


def read_date(raw: object) -> dt.date:
    """A date written YYYY-MM-DD, optionally followed by a midnight time (how spreadsheets export a
    date cell); anything else, trailing text included, raises ValueError."""
    if isinstance(raw, dt.datetime):
        if raw.time() != dt.time(0):
            raise ValueError("must be a date, without a time of day")
        return raw.date()
    if isinstance(raw, dt.date):
        return raw
    if not isinstance(raw, str):
        raise ValueError("must be a date as YYYY-MM-DD")
    match = _DATE.fullmatch(raw.strip())
    if match is None:
        raise ValueError(f"“{raw.strip()[:40]}” is not a date as YYYY-MM-DD")
    try:
        return dt.date.fromisoformat(match.group(1))
    except ValueError:
        raise ValueError(f"“{match.group(1)}” is not a real date") from None


def _sentence(message: str) -> str:
    return message[:1].upper() + message[1:] + ("" if message.endswith(".") else ".")
