"""Keyset pages: the next page starts after the last row shown (never OFFSET, never COUNT).

One query a page: fetch one row more than the page holds; if it came, another page follows and its
key is the last shown row's (a feed cursor, an audit sequence number...).
"""

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

Row = TypeVar("Row")
Key = TypeVar("Key")


def keyset_page(rows: Any, size: int, next_key: Callable[[Row], Key]) -> tuple[list[Row], Key | None]:
    """The first `size` of the ordered `rows` (a queryset, already filtered past the previous page's
    key) and the key that starts the next page, or None on the last page."""
    fetched: Sequence[Row] = list(rows[: size + 1])
    page = list(fetched[:size])
    return page, (next_key(page[-1]) if len(fetched) > size else None)
