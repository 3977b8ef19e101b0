"""Exact query counts for the suite, with the SQL shown when a count is wrong (the habit of Zulip's
`assert_database_query_count`): a page that lists things must not grow an N+1 unnoticed, and when its
count moves the failure says which statements ran, so the new one can be found without a debugger."""

from collections.abc import Iterator
from contextlib import contextmanager

from django.db import connections
from django.test.utils import CaptureQueriesContext


@contextmanager
def assert_queries(n: int, using: str = "default") -> Iterator[CaptureQueriesContext]:
    """Fail unless the block runs exactly `n` queries on the `using` connection.

    On a mismatch it prints every captured statement, numbered, and fails with the same text (expected
    count, actual count and the statements). An exception raised inside the block propagates unchanged:
    the count of a block that did not finish proves nothing."""
    with CaptureQueriesContext(connections[using]) as captured:
        yield captured
    actual = len(captured)
    if actual != n:
        statements = "\n".join(
            f"{number}. {query['sql']}" for number, query in enumerate(captured.captured_queries, 1)
        )
        message = f"expected {n} queries on {using!r}, {actual} were run:\n{statements}"
        print(message)
        raise AssertionError(message)
