"""A rule's scope: which brands, product families, customers and facilities it watches.

Brands, customers and facilities are referred to by their Subject ids (every one of them is a subject),
so validation is one query and cannot leak across tenants. Families are names.
"""

from django.core.exceptions import ValidationError

from sopsocial.subjects.models import Subject, SubjectKind

SCOPE_KINDS = {
    "brand_ids": SubjectKind.BRAND,
    "customer_ids": SubjectKind.CUSTOMER,
    "facility_ids": SubjectKind.FACILITY,
}
# spelled out: label + "s" says "facilitys"
SCOPE_PLURALS = {"brand_ids": "brands", "customer_ids": "customers", "facility_ids": "facilities"}


def family_names(tenant):
    from planning.models import Product

    families = Product.objects.filter(tenant=tenant).exclude(family="").values_list("family", flat=True)
    return sorted(set(families))


def clean_scope(tenant, raw):
    raw = raw or {}
    if not isinstance(raw, dict):
        raise ValidationError({"scope": "Scope must be an object."})
    errors, clean = {}, {}
    for name in sorted(set(raw) - {*SCOPE_KINDS, "families"}):
        errors[name] = f"Unknown scope '{name}'."
    for name, kind in SCOPE_KINDS.items():
        values = raw.get(name) or []
        try:
            ids = sorted({int(v) for v in values})
        except (TypeError, ValueError):
            errors[name] = "Use whole-number ids."
            continue
        found = set(Subject.objects.filter(tenant=tenant, kind=kind, pk__in=ids).values_list("pk", flat=True))
        missing = [i for i in ids if i not in found]
        if missing:
            errors[name] = f"Unknown {kind.label.lower()} id(s): {', '.join(map(str, missing))}."
        elif ids:
            clean[name] = ids
    families = sorted({str(f).strip() for f in (raw.get("families") or []) if str(f).strip()})
    if families:
        known = set(family_names(tenant))
        unknown = [f for f in families if f not in known]
        if unknown:
            errors["families"] = f"Unknown product family: {', '.join(unknown)}."
        else:
            clean["families"] = families
    if errors:
        raise ValidationError(errors)
    return clean


def describe_scope(rule):
    return describe_scopes([rule])[rule.pk]


def describe_scopes(rules):
    """{rule id: "Crunchy, Contoso Retail" or "everything"} with one query for all the rules."""
    ids = {i for rule in rules for name in SCOPE_KINDS for i in (rule.scope or {}).get(name, [])}
    titles = dict(Subject.objects.filter(pk__in=ids).values_list("pk", "title")) if ids else {}
    described = {}
    for rule in rules:
        scope = rule.scope or {}
        parts = [titles.get(i, f"#{i}") for name in SCOPE_KINDS for i in scope.get(name, [])]
        described[rule.pk] = ", ".join(parts + scope.get("families", [])) or "everything"
    return described
