"""A sales order typed in: its header and lines, checked and written by the same load as an order file
or the ERP API (`imports.validate` then `actions.do_load_rows`), so it is audited, followed and posted
alike."""

from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from sopsocial.tenancy.access import tenant_view
from sopsocial.tenancy.policy import Perm

from .. import actions, forms, imports
from ..models import SalesOrder


@tenant_view(perm=Perm.EDIT_MASTER_DATA)
@require_http_methods(["GET", "POST"])
def order_new(request, member):
    data = request.POST or None
    form = forms.SalesOrderForm(data, tenant=member.tenant)
    lines = forms.OrderLineFormSet(data, prefix="lines", form_kwargs={"tenant": member.tenant})
    if request.method == "POST" and form.is_valid() and lines.is_valid():
        header = form.cleaned_data
        row = {
            "number": header["number"],
            "customer": header["customer"].code,
            "facility": header["facility"].code,
            "order_date": header["order_date"].isoformat(),
            "ship_date": header["ship_date"].isoformat(),
            "status": header["status"],
            "lines": [
                {"sku": line["product"].sku, "qty": str(line["qty"])}
                for line in lines.cleaned_data
                if line and not line.get("DELETE")
            ],
        }
        clean, errors = imports.validate(member.tenant, "sales_orders", [row])
        if not errors:
            actions.do_load_rows(member.tenant, "sales_orders", clean, actor=member.user, source="order form")
            order = SalesOrder.objects.get(tenant=member.tenant, number=header["number"])
            return redirect(order.get_absolute_url())
        for e in errors:
            form.add_error(e["field"] if e["field"] in form.fields else None, e["message"])
    return render(
        request,
        "planning/order_new.html",
        {"form": form, "lines": lines},
        status=422 if request.method == "POST" else 200,
    )
