"""Numbers from query strings and forms: ASCII decimal digits only.

`str.isdigit()` is True for "²" (which `int()` refuses) and `int()` accepts "٣" (as 3) and " 7 ", so
neither may judge user input: a bad number must be a clean 400/404/empty result, never a 500 and never
a silently different id.
"""

import re

MAX_DIGITS = 18  # fits a PostgreSQL bigint; longer is no id of ours
_ASCII_DECIMAL = re.compile(rf"[0-9]{{1,{MAX_DIGITS}}}")


def ascii_int(value: object) -> int | None:
    """The non-negative integer `value` spells in ASCII digits (at most MAX_DIGITS), else None."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value if value >= 0 else None
    if not isinstance(value, str) or not _ASCII_DECIMAL.fullmatch(value):
        return None
    return int(value)


def ascii_ints(values: list[str]) -> list[int]:
    """The values that are ASCII integers, in order; the others are left out."""
    return [n for n in map(ascii_int, values) if n is not None]
