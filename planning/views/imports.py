"""The import screen: upload a CSV or XLSX of master data, actuals or plan entries; nothing lands unless
every row is valid. Small files are imported inline; bigger ones (PLANNING_IMPORT_INLINE_MAX_BYTES of
file, or of unpacked workbook) become an `ImportJob` the worker runs, and the page follows its progress."""

from django.conf import settings
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sopsocial.api.errors import error_item
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .. import actions, forms, imports
from ..access import access_import_job
from ..actions.import_jobs import do_queue_import
from ..models import ImportJob

RECENT_JOBS = 5


@tenant_view(perm=Perm.IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def import_file(request, member):
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in imports.SPECS else {}
    form = forms.ImportForm(
        request.POST or None, request.FILES or None, tenant=member.tenant, initial=initial
    )
    errors, counts, notes = [], None, []
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        version = form.cleaned_data["version"] if kind == "plan_entries" else None
        try:
            numbers, round_to_cents = form.cleaned_data["numbers"], form.cleaned_data["round_to_cents"]
            # An XLSX workbook's parts are checked here, before anything opens it.
            if (
                imports.work_size(upload.name, upload, upload.size)
                > settings.PLANNING_IMPORT_INLINE_MAX_BYTES
            ):
                job = do_queue_import(
                    member.tenant,
                    actor=member.user,
                    kind=kind,
                    upload=upload,
                    version=version,
                    numbers=numbers,
                    round_to_cents=round_to_cents,
                )
                return redirect(job.get_absolute_url())
            table = imports.read_table(
                upload.name, upload, kind=kind, numbers=numbers, round_to_cents=round_to_cents
            )
            notes = table.notes
            clean, errors = imports.validate(
                member.tenant, kind, table.rows, first_row=2, version=version, fmt=table.fmt
            )
            if not errors:
                counts = actions.do_load_rows(
                    member.tenant,
                    kind,
                    clean,
                    actor=member.user,
                    version=version,
                    source=f"upload {upload.name}",
                )
        except ValueError as e:
            errors = [error_item(str(e), field="file")]
    return render(
        request,
        "planning/import.html",
        {
            "form": form,
            "errors": errors[:500],
            "error_count": len(errors),
            "counts": counts,
            "notes": notes,
            # files use sales_order_lines (a row per line); sales_orders takes its lines as a list (the API)
            "rules": [(value, label, imports.column_rules(value)) for value, label in forms.ImportForm.KINDS],
            "max_mb": settings.PLANNING_IMPORT_MAX_BYTES / 1024 / 1024,
            "max_rows": imports.IMPORT_MAX_ROWS,
            "jobs": ImportJob.objects.filter(tenant=member.tenant).select_related("tenant")[:RECENT_JOBS],
        },
        status=422 if errors or form.errors else 200,
    )


@tenant_view(perm=Perm.IMPORT_DATA)
def import_template(request, member, kind):
    if kind not in dict(forms.ImportForm.KINDS):
        raise Http404
    response = HttpResponse(imports.template_csv(kind), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{kind}-template.csv"'
    return response


@tenant_view(perm=Perm.IMPORT_DATA)
@require_GET
def import_job(request, member, import_job_id):
    """One import job: a progress bar while it runs (htmx polls the partial), then the result or errors."""
    job = access_import_job(member, import_job_id)
    template = "planning/partials/_import_job.html" if request.htmx else "planning/import_job.html"
    return render(request, template, {"job": job})
