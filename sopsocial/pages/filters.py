"""Optional filters, as the selectors of every app take them: narrow a queryset by the lookups given.

Two meanings of "not given", kept apart because they differ on empty values:
`where_given` skips None only (an empty id list still matches nothing: a slice with no products is not
"every product"); `where_filled` skips any blank value ("", None, 0, False), as a form field left empty.
"""

from typing import Any, TypeVar

from django.db.models import Model, QuerySet

M = TypeVar("M", bound=Model)


def where_given(qs: QuerySet[M], **lookups: Any) -> QuerySet[M]:
    """`qs` filtered by each lookup whose value is not None, one `filter()` each, in the order given."""
    for lookup, value in lookups.items():
        if value is not None:
            qs = qs.filter(**{lookup: value})
    return qs


def where_filled(qs: QuerySet[M], **lookups: Any) -> QuerySet[M]:
    """`qs` filtered by each lookup whose value is truthy, one `filter()` each, in the order given."""
    for lookup, value in lookups.items():
        if value:
            qs = qs.filter(**{lookup: value})
    return qs
