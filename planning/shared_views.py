"""What a partner user (a 3PL, a supplier) sees of a planning object shared with their organisation.

Planning's own pages are internal: they show plans, projections, trails and links to everything around
the object. A partner reaches a shared object through the generic subject page instead, where this
"Details" panel shows the object's own fields as plain text (a ship-from depot is named, not linked: it
is not necessarily shared) and, for an order, its lines: what a 3PL needs to ship it.
"""

from django.contrib.auth.models import AbstractUser
from django.http import HttpResponse
from django.shortcuts import redirect, render

from sopsocial.subjects.access import access_subject
from sopsocial.subjects.models import SubjectKind
from sopsocial.tenancy.access import tenant_view

from .models import Brand, Customer, Event, Facility, Product, ProductionJob, Promotion, SalesOrder

# kind -> (model, the fields a partner sees, select_related)
SHARED_FIELDS = {
    SubjectKind.SALES_ORDER: (
        SalesOrder,
        [("number", "Order"), ("status", "Status"), ("order_date", "Ordered"), ("ship_date", "Ship date")]
        + [("facility", "Ship from"), ("customer", "Customer")],
        ["facility", "customer"],
    ),
    SubjectKind.PRODUCT: (
        Product,
        [("sku", "SKU"), ("name", "Name"), ("unit", "Unit"), ("case_size", "Case")],
        [],
    ),
    SubjectKind.CUSTOMER: (Customer, [("code", "Code"), ("name", "Name")], []),
    SubjectKind.FACILITY: (Facility, [("code", "Code"), ("name", "Name"), ("kind", "Kind")], []),
    SubjectKind.BRAND: (Brand, [("name", "Name")], []),
    SubjectKind.PROMOTION: (Promotion, [("name", "Name"), ("start", "Starts"), ("end", "Ends")], []),
    SubjectKind.PRODUCTION_JOB: (
        ProductionJob,
        [("reference", "Job"), ("product", "Product"), ("facility", "Facility")]
        + [("start", "Starts"), ("end", "Ends"), ("qty", "Quantity")],
        ["product", "facility"],
    ),
    SubjectKind.EVENT: (Event, [("name", "Name"), ("start", "Starts"), ("end", "Ends")], []),
}


def display_value(obj, field):
    """A field as people read it: a choice's label ("Shipped"), not its stored value ("shipped"); a
    person (an owner) by their name, not their username."""
    getter = getattr(obj, f"get_{field}_display", None)
    value = getter() if callable(getter) else getattr(obj, field)
    if isinstance(value, AbstractUser):
        return value.get_full_name() or value.get_username()
    return value


@tenant_view(allow_external=True)
def shared_details(request, member, subject_id):
    """The 'Details' panel of a shared planning object on the generic subject page (partner users)."""
    subject = access_subject(member, subject_id)
    spec = SHARED_FIELDS.get(subject.kind)
    obj = None
    if spec:
        model, fields, related = spec
        obj = model.objects.select_related(*related).filter(tenant=member.tenant, subject=subject).first()
    if obj is None:
        return HttpResponse("")  # not a planning object (a topic, a plan): nothing to add to its page
    context = {
        "fields": [(label, display_value(obj, name)) for name, label in fields],
        "lines": obj.lines.select_related("product") if isinstance(obj, SalesOrder) else [],
    }
    return render(request, "planning/partials/_shared_details.html", context)


def redirect_partner(member, obj):
    """A partner following a link to a planning page lands on the shared object's generic page (or a 404
    when it is not shared with them: missing and not-yours look the same)."""
    subject = access_subject(member, obj.subject_id)
    return redirect("subjects:subject", tenant_slug=member.tenant.slug, subject_id=subject.pk)
