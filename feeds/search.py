"""Search across posts, comments and subject titles, limited to what the searcher may read.

PostgreSQL: full-text search over the stored `search_vector` columns (GIN-indexed), ranked with
SearchRank and shown with SearchHeadline snippets (<mark>), English configuration. SQLite (the
embedded mode): a plain case-insensitive match, newest first, with the start of the text as snippet.
"""

from dataclasses import dataclass

from django.db import connection
from django.db.models import F
from django.utils.html import escape

from sopsocial.subjects.selectors import visible_subjects

from .models import Comment
from .selectors import visible_items

LIMIT = 20


@dataclass
class Results:
    items: list
    comments: list
    subjects: list
    full_text: bool

    @property
    def empty(self):
        return not (self.items or self.comments or self.subjects)


def search(member, query):
    query = query.strip()[:200]
    items = visible_items(member).filter(deleted_at__isnull=True)
    comments = Comment.objects.filter(
        item__in=visible_items(member), deleted_at__isnull=True, item__deleted_at__isnull=True
    )
    subjects = visible_subjects(member)
    if connection.vendor == "postgresql":
        return _full_text(query, items, comments, subjects)
    return _plain(query, items, comments, subjects)


def _full_text(query, items, comments, subjects):
    from django.contrib.postgres.search import SearchHeadline, SearchQuery, SearchRank, SearchVector

    q = SearchQuery(query, config="english", search_type="websearch")
    headline = {"start_sel": "<mark>", "stop_sel": "</mark>", "max_words": 30, "min_words": 10}

    def ranked(qs, text_field):
        return (
            qs.filter(search_vector=q)
            .annotate(
                rank=SearchRank(F("search_vector"), q),
                snippet=SearchHeadline(text_field, q, config="english", **headline),
            )
            .order_by("-rank", "-pk")
        )

    found_items = list(ranked(items, "body").select_related("subject", "author")[:LIMIT])
    found_comments = list(ranked(comments, "body").select_related("item", "item__subject", "author")[:LIMIT])
    found_subjects = list(
        subjects.annotate(vector=SearchVector("title", config="english"))
        .filter(vector=q)
        .annotate(
            rank=SearchRank(F("vector"), q), snippet=SearchHeadline("title", q, config="english", **headline)
        )
        .order_by("-rank", "title")[:LIMIT]
    )
    for row in (*found_items, *found_comments, *found_subjects):
        row.snippet = _safe_headline(row.snippet)
    return Results(found_items, found_comments, found_subjects, full_text=True)


def _safe_headline(snippet):
    """SearchHeadline gives raw text with <mark> inserted: escape it all, then restore the marks."""
    return escape(snippet or "").replace("&lt;mark&gt;", "<mark>").replace("&lt;/mark&gt;", "</mark>")


def _plain(query, items, comments, subjects):
    found_items = list(
        items.filter(body__icontains=query).select_related("subject", "author").order_by("-created")[:LIMIT]
    )
    found_comments = list(
        comments.filter(body__icontains=query)
        .select_related("item", "item__subject", "author")
        .order_by("-created")[:LIMIT]
    )
    found_subjects = list(subjects.filter(title__icontains=query).order_by("title")[:LIMIT])
    for row in (*found_items, *found_comments):
        row.snippet = _plain_snippet(row.body, query)
    for row in found_subjects:
        row.snippet = _plain_snippet(row.title, query)
    return Results(found_items, found_comments, found_subjects, full_text=False)


def _plain_snippet(text, query, width=160):
    lower = text.lower()
    at = lower.find(query.lower())
    start = max(0, at - width // 2) if at >= 0 else 0
    piece = text[start : start + width]
    if at < 0:
        return escape(piece)
    i = piece.lower().find(query.lower())
    return (
        escape(piece[:i])
        + "<mark>"
        + escape(piece[i : i + len(query)])
        + "</mark>"
        + escape(piece[i + len(query) :])
    )
