"""Weekly buckets: every plan and actual is keyed by the Monday that starts its ISO week."""

import datetime as dt

from django.utils import timezone


def week_start(day):
    if isinstance(day, dt.datetime):
        day = day.date()
    return day - dt.timedelta(days=day.weekday())


def this_week(today=None):
    """The Monday of the current ISO week in the site's time zone (of `today`'s week when given)."""
    return week_start(today or timezone.localdate())


def week_range(first, count):
    first = week_start(first)
    return [first + dt.timedelta(weeks=i) for i in range(count)]


def month_start(day):
    return day.replace(day=1)


def label(week):
    iso = week.isocalendar()
    return f"W{iso.week:02d} {week:%d %b}"
