"""Suppliers: the partner organisations that supply the tenant, with the codes files and the ERP use."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods

from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm, can

from .. import access, actions, forms
from ..models import Supplier


@tenant_view
def supplier_list(request, member):
    slug = member.tenant.slug
    return render(
        request,
        "planning/suppliers.html",
        {
            "suppliers": Supplier.objects.filter(tenant=member.tenant).select_related("partner"),
            "can_edit": can(member, Perm.EDIT_MASTER_DATA),
            "import_url": reverse("planning:import", kwargs={"tenant_slug": slug}) + "?kind=suppliers"
            if can(member, Perm.IMPORT_DATA)
            else None,
        },
    )


@tenant_view(perm=Perm.EDIT_MASTER_DATA)
@require_http_methods(["GET", "POST"])
def supplier_edit(request, member, supplier_id=None):
    supplier = access.access_supplier(member, supplier_id) if supplier_id is not None else None
    form = forms.SupplierForm(request.POST or None, tenant=member.tenant, instance=supplier)
    if request.method == "POST" and form.is_valid():
        supplier = actions.do_save_supplier(
            tenant=member.tenant,
            supplier=supplier,
            code=form.cleaned_data["code"],
            name=form.cleaned_data["name"],
            actor=member.user,
        )
        messages.success(request, f"Saved supplier {supplier.partner.name}.")
        return redirect("planning:suppliers", tenant_slug=member.tenant.slug)
    return render(
        request,
        "planning/supplier_edit.html",
        {"form": form, "supplier": supplier},
        status=422 if form.errors else 200,
    )
