import csv

from django.http import StreamingHttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_POST

from sopsocial.pages.keyset import keyset_page
from sopsocial.pages.params import ascii_int
from sopsocial.subjects.models import SubjectKind
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .chain import verify_tenant
from .selectors import audit_log_for, parse_filters, verbs_in

PAGE_SIZE = 50


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


def _sanitize_cell(value):
    """Spreadsheet formula injection guard: a cell starting with = + - @ is prefixed with a quote."""
    text = "" if value is None else str(value)
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


@tenant_view(perm=Perm.VIEW_AUDIT)
def audit_export(request, member):
    events, _, errors = _filtered(member, request.GET)
    if errors:
        return render(request, "audit/log.html", {"errors": errors, "events": []}, status=400)
    writer = csv.writer(_Echo())
    header = [
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

    def rows():
        yield writer.writerow(header)
        for e in events.iterator(chunk_size=2000):
            yield writer.writerow(
                [
                    _sanitize_cell(v)
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
            )

    response = StreamingHttpResponse(rows(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="audit-{member.tenant.slug}.csv"'
    return response


@tenant_view(perm=Perm.VIEW_AUDIT)
@require_POST
def audit_verify(request, member):
    result = verify_tenant(member.tenant)
    return render(request, "audit/partials/_verify_result.html", {"result": result})
