import csv
import logging

from django.db import connection
from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sopsocial.pages.keyset import keyset_page
from sopsocial.pages.params import ascii_int
from sopsocial.pages.spreadsheet import spreadsheet_safe
from sopsocial.subjects.models import SubjectKind
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .chain import verify_tenant
from .selectors import audit_log_for, parse_filters, verbs_in

PAGE_SIZE = 50

logger = logging.getLogger(__name__)


def _filtered(member, params):
    filters, errors = parse_filters(params)
    return audit_log_for(member.tenant, **filters), filters, errors


@tenant_view(perm=Perm.VIEW_AUDIT)
def audit_log(request, member):
    events, filters, errors = _filtered(member, request.GET)
    before = ascii_int(request.GET.get("before", ""))
    if before is not None:
        events = events.filter(seq__lt=before)  # keyset page: never OFFSET on a growing table
    page, next_before = keyset_page(events, PAGE_SIZE, lambda event: event.seq)
    context = {
        "events": page,
        "next_before": next_before,
        "filters": {k: str(v) for k, v in filters.items()},
        "errors": errors,
        "verbs": verbs_in(member.tenant),
        "subject_kinds": SubjectKind.choices,
        "query_string": request.GET.urlencode(),
    }
    template = "audit/partials/_log_rows.html" if request.htmx and before is not None else "audit/log.html"
    return render(request, template, context, status=400 if errors else 200)


class _Echo:
    def write(self, value):
        return value


EXPORT_HEADER = [
    "seq",
    "at",
    "actor",
    "verb",
    "subject_kind",
    "subject",
    "target",
    "before",
    "after",
    "request_id",
    "ip",
    "hash",
]


def _export_row(e):
    return [
        spreadsheet_safe(v)
        for v in (
            e.seq,
            e.at.isoformat(),
            e.actor_label,
            e.verb,
            e.subject.kind if e.subject else "",
            e.subject.title if e.subject else "",
            e.target,
            e.before,
            e.after,
            e.request_id,
            e.ip,
            e.hash,
        )
    ]


def _closing_stream(events):
    """CSV lines for `events`, read through a server-side cursor that is always closed: when the
    client goes away (the response closes this generator) and when a row fails, in which case the
    connection is closed too (given back to the pool) before the error ends the response. A half-read
    cursor otherwise holds its pooled connection."""
    writer = csv.writer(_Echo())
    rows = events.iterator(chunk_size=2000)
    try:
        yield writer.writerow(EXPORT_HEADER)
        for event in rows:
            yield writer.writerow(_export_row(event))
    except Exception:
        logger.exception("Audit export failed while streaming")
        try:
            rows.close()
        finally:
            connection.close()
        raise
    finally:
        rows.close()


@tenant_view(perm=Perm.VIEW_AUDIT)
def audit_export(request, member):
    # Every filter is checked here, before the first byte: once streaming starts the status is sent.
    events, _, errors = _filtered(member, request.GET)
    if errors:
        return render(request, "audit/log.html", {"errors": errors, "events": []}, status=400)
    response = StreamingHttpResponse(_closing_stream(events), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{member.tenant.slug}.csv"'
    return response


@tenant_view(perm=Perm.VIEW_AUDIT)
@require_POST
def audit_verify(request, member):
    result = verify_tenant(member.tenant)
    return render(request, "audit/partials/_verify_result.html", {"result": result})
