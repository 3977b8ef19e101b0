"""Querysets read into pandas frames, the way plan math wants them (see planning.plan_math.frame).

On PostgreSQL the rows come through `COPY (SELECT ...) TO STDOUT` as CSV parsed by pandas in C: a
million plan cells fetched as Python tuples (a date, a Decimal and three ints each) then converted
took most of a rule pass; the same rows as CSV take a fraction of it. Elsewhere (the embedded SQLite
default) the rows come off a plain cursor.
"""

import io
from contextlib import nullcontext

import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connection

from . import plan_math as pm


def read_frame(queryset, columns):
    """`queryset.values_list(*columns)` as a frame typed as `planning.plan_math.frame` types it."""
    try:
        sql, params = queryset.values_list(*columns).query.sql_with_params()
    except EmptyResultSet:  # an empty id filter: Django knows there is nothing to read
        return pm.frame([], columns)
    if connection.vendor != "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            return pm.frame(cursor.fetchall(), columns)
    buffer = io.BytesIO()
    statement = f"COPY ({sql}) TO STDOUT WITH (FORMAT csv)"
    with connection.cursor() as cursor:
        # Through Django's cursor, so query counts and the DEBUG query log still see the statement.
        logged = cursor.debug_sql(statement, params) if connection.queries_logged else nullcontext()
        with logged, cursor.cursor.copy(statement, params) as copy:
            for block in copy:
                buffer.write(block)
    if not buffer.tell():
        return pm.frame([], columns)
    buffer.seek(0)
    df = pd.read_csv(buffer, header=None, names=columns)
    # Dates arrive as ISO text. Weeks become Timestamps at the unit pandas gives Python dates (seconds),
    # so frames from either path merge alike; other dates stay text, which sorts as the dates do.
    if "week" in df:
        df["week"] = pd.to_datetime(df["week"], format="%Y-%m-%d").astype("datetime64[s]")
    return pm.frame(df, columns)
