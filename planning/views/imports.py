"""The import screen: upload a CSV or XLSX of master data, actuals or plan entries; nothing lands unless
every row is valid."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sopsocial.api.errors import error_item
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .. import actions, forms, imports
from ..models import PlanVersion


@tenant_view(perm=Perm.IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def import_file(request, member):
    form = forms.ImportForm(request.POST or None, request.FILES or None)
    errors, counts, notes = [], None, []
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        version = None
        if kind == "plan_entries" and form.cleaned_data.get("version"):
            version = PlanVersion.objects.filter(
                tenant=member.tenant, pk=form.cleaned_data["version"]
            ).first()
        try:
            table = imports.read_table(
                upload.name,
                upload.read(),
                kind=kind,
                numbers=form.cleaned_data["numbers"],
                round_to_cents=form.cleaned_data["round_to_cents"],
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
            "drafts": PlanVersion.objects.filter(tenant=member.tenant, status="draft").select_related(
                "plan", "cycle"
            ),
            "specs": {k: [c.name for c in cols] for k, (cols, _key) in imports.SPECS.items()},
        },
        status=422 if errors or form.errors else 200,
    )
