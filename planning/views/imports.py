"""The import screen: upload a CSV or XLSX of master data, actuals or plan entries; nothing lands unless
every row is valid. Small files are imported inline; bigger ones (PLANNING_IMPORT_INLINE_MAX_BYTES of
file, or of unpacked workbook) become an `ImportJob` the worker runs, and the page follows its progress."""

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from sopsocial.api.errors import error_item
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .. import actions, forms, imports
from ..access import access_import_job
from ..actions.import_jobs import do_queue_import
from ..models import ImportJob, PlanVersion

RECENT_JOBS = 5


@tenant_view(perm=Perm.IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def import_file(request, member):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors, counts = [], None
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        version = None
        if kind == "plan_entries" and form.cleaned_data.get("version"):
            version = PlanVersion.objects.filter(
                tenant=member.tenant, pk=form.cleaned_data["version"]
            ).first()
        try:
            # An XLSX workbook's parts are checked here, before anything opens it.
            if (
                imports.work_size(upload.name, upload, upload.size)
                > settings.PLANNING_IMPORT_INLINE_MAX_BYTES
            ):
                job = do_queue_import(
                    member.tenant, actor=member.user, kind=kind, upload=upload, version=version
                )
                return redirect(job.get_absolute_url())
            rows = imports.read_table(upload.name, upload)
            clean, errors = imports.validate(member.tenant, kind, rows, first_row=2, version=version)
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
            "drafts": PlanVersion.objects.filter(tenant=member.tenant, status="draft").select_related(
                "plan", "cycle"
            ),
            "specs": {k: [c.name for c in cols] for k, (cols, _key) in imports.SPECS.items()},
            "jobs": ImportJob.objects.filter(tenant=member.tenant).select_related("tenant")[:RECENT_JOBS],
        },
        status=422 if errors or form.errors else 200,
    )


@tenant_view(perm=Perm.IMPORT_DATA)
@require_GET
def import_job(request, member, import_job_id):
    """One import job: a progress bar while it runs (htmx polls the partial), then the result or errors."""
    job = access_import_job(member, import_job_id)
    template = "planning/partials/_import_job.html" if request.htmx else "planning/import_job.html"
    return render(request, template, {"job": job})
