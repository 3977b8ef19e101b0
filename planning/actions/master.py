"""Master data written one object at a time (the edit forms): the row, its Subject, an audit event
old -> new, and the auto-follows of its creator and owner."""

from django.db import transaction

from feeds import actions as feed_actions
from sopsocial.audit.actions import changed_fields, record
from sopsocial.subjects.actions import save_with_subject

from ..models import Brand, Customer, Facility, FacilityKind, Product
from ._common import _plain, _plain_dict


def do_save_object(*, tenant, obj, values, actor=None, actor_label=None, verb_thing):
    """Create or update a master-data object (and its Subject), audited old -> new."""
    with transaction.atomic():
        creating = obj.pk is None
        fields = list(values)
        before, after = (
            (None, {k: _plain(v) for k, v in values.items()})
            if creating
            else changed_fields(obj, fields, values)
        )
        if not creating and not after:
            return obj
        for name, value in values.items():
            setattr(obj, name, value)
        obj.tenant = tenant
        if hasattr(obj, "subject_kind"):
            save_with_subject(obj, tenant=tenant)
        else:
            obj.save()
        record(
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            verb=f"planning.{verb_thing}_{'create' if creating else 'update'}",
            subject=getattr(obj, "subject", None),
            target=str(obj),
            before=_plain_dict(before),
            after=_plain_dict(after),
        )
        _auto_follow(tenant, obj, actor if creating else None)
    return obj


def _auto_follow(tenant, obj, creator):
    """People follow what they create, and an account manager the customers they own (each person can
    turn this off in their notification settings)."""
    subject = getattr(obj, "subject", None)
    if subject is None:
        return
    for user in {u for u in (creator, getattr(obj, "owner", None)) if u is not None}:
        feed_actions.do_auto_follow(tenant=tenant, user=user, subject=subject)


# --- bulk loads (planning.actions.loads) ----------------------------------------------------------


def _upsert_subject_objects(tenant, model, key, rows, counts, progress, build):
    existing = {getattr(o, key): o for o in model.objects.filter(tenant=tenant)}
    for i, row in enumerate(rows):
        obj = existing.get(row[key])
        values = build(row, obj)
        if obj is None:
            obj = model(tenant=tenant, **values)
            save_with_subject(obj)
            existing[row[key]] = obj
            counts["created"] += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            for k, v in values.items():
                setattr(obj, k, v)
            save_with_subject(obj)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        progress(i)
    return {}


def upsert_products(tenant, rows, counts, progress):
    brands = {b.name: b for b in Brand.objects.filter(tenant=tenant)}
    for row in rows:
        if row["brand"] and row["brand"] not in brands:
            brands[row["brand"]] = save_with_subject(Brand(tenant=tenant, name=row["brand"]))

    def build(row, obj):
        return {
            "sku": row["sku"],
            "name": row["name"],
            "brand": brands.get(row["brand"]) if row["brand"] else None,
            "family": row["family"] or "",
            "unit": row["unit"] or (obj.unit if obj else "case"),
            "case_size": row["case_size"] if row["case_size"] is not None else (obj.case_size if obj else 1),
        }

    return _upsert_subject_objects(tenant, Product, "sku", rows, counts, progress, build)


def upsert_customers(tenant, rows, counts, progress):
    def build(row, obj):
        values = {"code": row["code"], "name": row["name"]}
        if row.get("owner"):
            values["owner"] = row["owner"]
        return values

    return _upsert_subject_objects(tenant, Customer, "code", rows, counts, progress, build)


def upsert_facilities(tenant, rows, counts, progress):
    def build(row, obj):
        return {
            "code": row["code"],
            "name": row["name"],
            "kind": row["kind"] or (obj.kind if obj else FacilityKind.DEPOT),
        }

    return _upsert_subject_objects(tenant, Facility, "code", rows, counts, progress, build)
