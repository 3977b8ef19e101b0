"""Numbers and dates are read by explicit rules; what could mean two numbers is an error, never a guess."""

import datetime as dt
from decimal import Decimal

import pytest

from planning import imports
from planning.quantities import (
    DECIMAL_COMMA,
    DECIMAL_POINT,
    NumberFormat,
    read_date,
    read_number,
    read_quantity,
)

from . import factories as pf


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4800", "4800"),
        ("4,800", "4800"),
        ("1,234,567.25", "1234567.25"),
        ("255.65", "255.65"),
        (".5", "0.5"),
        (" 12 ", "12"),
        ("+3", "3"),
    ],
)
def test_decimal_point_numbers(text, expected):
    assert read_number(text, DECIMAL_POINT) == Decimal(expected)


@pytest.mark.parametrize(
    "text",
    ["255,65", "1,2345", ",5", "1,23,456", "12,34.5", "4.800,5", "1e5", "12 345", "NaN", "abc", "1.2.3"],
)
def test_decimal_point_refuses_what_is_not_a_number_in_that_format(text):
    with pytest.raises(ValueError):
        read_number(text, DECIMAL_POINT)


def test_the_ambiguous_comma_says_what_to_do():
    with pytest.raises(ValueError, match="ambiguous.*decimal comma.*255.65 or 25565"):
        read_number("255,65", DECIMAL_POINT)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("255,65", "255.65"),
        ("1.234,5", "1234.5"),
        ("1 234,5", "1234.5"),
        ("1\u00a0234\u202f567,25", None),
        ("1\u202f234", "1234"),
        ("4800", "4800"),
    ],
)
def test_decimal_comma_numbers(text, expected):
    if expected is None:
        with pytest.raises(ValueError):  # two different group separators in one number
            read_number(text, DECIMAL_COMMA)
    else:
        assert read_number(text, DECIMAL_COMMA) == Decimal(expected)


def test_decimal_comma_refuses_a_decimal_point_and_says_so():
    with pytest.raises(ValueError, match="decimal point.*write it as 4,8"):
        read_number("4.8", DECIMAL_COMMA)


def test_more_than_two_decimals_is_refused_unless_rounding_was_chosen():
    with pytest.raises(ValueError, match="at most two decimals"):
        read_quantity("1.005")
    assert read_quantity("1.005", NumberFormat(round_to_cents=True)) == Decimal("1.01")
    assert read_quantity("2,345", NumberFormat(decimal_comma=True, round_to_cents=True)) == Decimal("2.35")
    assert read_quantity(0.1) == Decimal("0.10")  # a float's shortest spelling, not its binary expansion


@pytest.mark.parametrize("value", ["-5", "−5"])
def test_negative_quantities_are_refused(value):
    with pytest.raises(ValueError, match="cannot be negative"):
        read_quantity(value)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-23", dt.date(2026, 11, 23)),
        ("2026-11-23 00:00:00", dt.date(2026, 11, 23)),
        ("2026-11-23T00:00", dt.date(2026, 11, 23)),
    ],
)
def test_dates(text, expected):
    assert read_date(text) == expected


@pytest.mark.parametrize(
    "text", ["2026-11-23junk", "2026-11-23 14:30:00", "23/11/2026", "2026-02-30", "2026-11-2"]
)
def test_dates_with_anything_else_are_errors(text):
    with pytest.raises(ValueError):
        read_date(text)


def test_an_import_never_stores_a_different_number_than_the_file_holds(tenant):
    pf.FacilityFactory(tenant=tenant, code="F")
    pf.ProductFactory(tenant=tenant, sku="P")
    row = {"sku": "P", "facility": "F", "as_of": "2026-11-23", "on_hand": "255,65"}
    clean, errors = imports.validate(tenant, "inventory", [row])
    assert clean == [] and errors[0]["field"] == "on_hand" and "ambiguous" in errors[0]["message"]
    clean, errors = imports.validate(tenant, "inventory", [row], fmt=DECIMAL_COMMA)
    assert errors == [] and clean[0]["on_hand"] == Decimal("255.65")
    junk = {**row, "on_hand": "1", "as_of": "2026-11-23x"}
    assert imports.validate(tenant, "inventory", [junk])[1][0]["field"] == "as_of"
