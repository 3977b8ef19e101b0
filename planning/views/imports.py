"""The import screen: upload a CSV or XLSX of master data, actuals or plan entries; nothing lands unless
every row is valid."""

from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from sopsocial.api.errors import error_item
from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .. import actions, forms, imports


@tenant_view(perm=Perm.IMPORT_DATA)
@require_http_methods(["GET", "POST"])
def import_file(request, member):
    initial = {"kind": request.GET.get("kind")} if request.GET.get("kind") in imports.SPECS else {}
    form = forms.ImportForm(
        request.POST or None, request.FILES or None, tenant=member.tenant, initial=initial
    )
    errors, counts = [], None
    if request.method == "POST" and form.is_valid():
        kind, upload = form.cleaned_data["kind"], form.cleaned_data["file"]
        version = form.cleaned_data["version"] if kind == "plan_entries" else None
        try:
            rows = imports.read_table(upload.name, upload.read())
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
            # sales_orders takes its lines as a list (the API's shape); files use sales_order_lines
            "specs": {
                k: [c.name for c in cols] for k, (cols, _key) in imports.SPECS.items() if k != "sales_orders"
            },
        },
        status=422 if errors or form.errors else 200,
    )
