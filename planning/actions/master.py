"""Master data (products, brands, customers, facilities, and the other objects the edit forms save):
one write path, whoever writes.

Every object created or changed goes through the same two steps, in the caller's transaction:
`_write_master_row` (set the values, save the row and its Subject: title, url and parents kept in
step), then `_after_master_write` (the owner, e.g. a customer's account manager, follows it; so does
its creator when a person created it, not an API key, a command or an import run by nobody; each person
can turn auto-follow off in their notification settings).

The callers differ only in how they audit:

- `do_save_object` (edit forms) writes one object and one audit event old -> new on its subject.
- `upsert_products`/`upsert_customers`/`upsert_facilities` (through `loads.do_load_rows`: file
  uploads, the ERP API, `manage.py import_planning`, the frePPLe demo) write a whole batch, and
  `do_load_rows` records ONE `planning.<kind>_load` event for it whose related subjects are every object
  the batch created or changed (brands created on the way included), so the event is on each object's
  trail. Chosen over one event per object because a 10k-row load would append 10k events to the
  tenant's hash chain (each takes the chain lock, reads the last hash, inserts) where one event plus
  10k link rows (one bulk insert) names the same objects; what the batch set is the file or API body,
  named in the event (`source`). The follows are still per object, and audited as `feeds.follow` by
  feeds, exactly as for a form.

Follows are made in one batch per write (`feeds.do_auto_follow_many`: a fixed number of queries and one
audit event per person however many rows), so a bulk load costs about what it did before it followed.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.db import transaction

from feeds import actions as feed_actions
from sopsocial.audit.actions import changed_fields, record
from sopsocial.subjects.actions import save_with_subject
from sopsocial.tenancy.models import Partner

from ..models import Brand, Customer, Facility, FacilityKind, Product, Resource, Supplier
from ..verbs import PlanningVerb, master_verb
from ._common import Row, Touched, _plain, _plain_dict

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from sopsocial.subjects.models import HasSubject, Subject
    from sopsocial.tenancy.models import Tenant

H = TypeVar("H", bound="HasSubject")


def do_save_object(
    *,
    tenant: Tenant,
    obj: H,
    values: Mapping[str, Any],
    actor: User | None = None,
    actor_label: str | None = None,
    verb_thing: str,
) -> H:
    """Create or update one master-data object (and its Subject), audited old -> new on its subject;
    its creator (when creating) and its owner follow it."""
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
        _write_master_row(tenant, obj, values)
        record(
            tenant=tenant,
            actor=actor,
            actor_label=actor_label,
            verb=master_verb(verb_thing, creating),
            subject=getattr(obj, "subject", None),
            target=str(obj),
            before=_plain_dict(before),
            after=_plain_dict(after),
        )
        _after_master_write(tenant, [(obj, creating)], creator=actor)
    return obj


def _write_master_row(tenant: Tenant, obj: H, values: Mapping[str, Any]) -> H:
    """Set `values` on `obj` and save it with its Subject (created on first save, kept in step)."""
    for name, value in values.items():
        setattr(obj, name, value)
    obj.tenant = tenant  # type: ignore[attr-defined]  # each HasSubject model declares its tenant FK
    if hasattr(obj, "subject_kind"):
        save_with_subject(obj, tenant=tenant)
    else:
        obj.save()
    return obj


def _follow_pairs(obj: HasSubject, *, creator: User | None, created: bool) -> list[tuple[User, Subject]]:
    """Who should follow `obj` after a write: its creator (a user, or None for an API key or a
    command) when it was created, and its owner (a customer's account manager) on every write."""
    subject = getattr(obj, "subject", None)
    if subject is None:
        return []
    users = {u for u in (creator if created else None, getattr(obj, "owner", None)) if u is not None}
    return [(user, subject) for user in users]


def _after_master_write(
    tenant: Tenant, objects_and_created: Iterable[tuple[HasSubject, bool]], *, creator: User | None
) -> None:
    """What follows every master-data write, whichever path made it (one object from a form, a whole
    batch from a load): people follow what they create and owners what they own (following twice is a
    no-op), in one batch."""
    pairs = [
        p
        for obj, created in objects_and_created
        for p in _follow_pairs(obj, creator=creator, created=created)
    ]
    feed_actions.do_auto_follow_many(tenant=tenant, pairs=pairs)


# --- bulk loads (called by loads.do_load_rows inside its transaction) -----------------------------


def _upsert_master_objects(
    tenant: Tenant,
    model: type[H],
    key: str,
    rows: Sequence[Row],
    counts: dict[str, int],
    progress: Callable[[int], object],
    build: Callable[[Row, H | None], dict[str, Any]],
    creator: User | None,
) -> dict[str, list[Subject]]:
    """Create or update each row's object by its natural `key`, through the same write and after-write
    hook as a form. Returns {"subjects": [the Subject of every object created or changed]} for the
    batch's audit event."""
    # each master model keeps its default `objects` manager (HasSubject, being abstract, declares none)
    existing = {getattr(o, key): o for o in model.objects.filter(tenant=tenant).select_related("subject")}  # type: ignore[attr-defined]
    subjects: list[Subject] = []
    written: list[tuple[HasSubject, bool]] = []
    for i, row in enumerate(rows):
        obj = existing.get(row[key])
        values = build(row, obj)
        if obj is None:
            obj = existing[row[key]] = _write_master_row(tenant, model(), values)
            written.append((obj, True))
            subjects.append(obj.subject)
            counts["created"] += 1
        elif any(getattr(obj, k) != v for k, v in values.items()):
            _write_master_row(tenant, obj, values)
            written.append((obj, False))
            subjects.append(obj.subject)
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        progress(i)
    _after_master_write(tenant, written, creator=creator)
    return {"subjects": subjects}


def upsert_products(
    tenant: Tenant,
    rows: Sequence[Row],
    counts: dict[str, int],
    progress: Callable[[int], object],
    *,
    creator: User | None = None,
) -> Touched:
    brands = {b.name: b for b in Brand.objects.filter(tenant=tenant)}
    new_brands: list[Brand] = []
    for row in rows:
        if row["brand"] and row["brand"] not in brands:
            brands[row["brand"]] = _write_master_row(tenant, Brand(), {"name": row["brand"]})
            new_brands.append(brands[row["brand"]])
    _after_master_write(tenant, [(brand, True) for brand in new_brands], creator=creator)

    def build(row: Row, obj: Product | None) -> dict[str, Any]:
        return {
            "sku": row["sku"],
            "name": row["name"],
            "brand": brands.get(row["brand"]) if row["brand"] else None,
            "family": row["family"] or "",
            "unit": row["unit"] or (obj.unit if obj else "case"),
            "case_size": row["case_size"] if row["case_size"] is not None else (obj.case_size if obj else 1),
        }

    touched = _upsert_master_objects(tenant, Product, "sku", rows, counts, progress, build, creator)
    return {"subjects": [b.subject for b in new_brands] + touched["subjects"]}


def upsert_customers(
    tenant: Tenant,
    rows: Sequence[Row],
    counts: dict[str, int],
    progress: Callable[[int], object],
    *,
    creator: User | None = None,
) -> Touched:
    def build(row: Row, obj: Customer | None) -> dict[str, Any]:
        values = {"code": row["code"], "name": row["name"]}
        if row.get("owner"):
            values["owner"] = row["owner"]
        return values

    return _upsert_master_objects(tenant, Customer, "code", rows, counts, progress, build, creator)


def upsert_facilities(
    tenant: Tenant,
    rows: Sequence[Row],
    counts: dict[str, int],
    progress: Callable[[int], object],
    *,
    creator: User | None = None,
) -> Touched:
    def build(row: Row, obj: Facility | None) -> dict[str, Any]:
        return {
            "code": row["code"],
            "name": row["name"],
            "kind": row["kind"] or (obj.kind if obj else FacilityKind.DEPOT),
        }

    return _upsert_master_objects(tenant, Facility, "code", rows, counts, progress, build, creator)


def upsert_resources(
    tenant: Tenant,
    rows: Sequence[Row],
    counts: dict[str, int],
    progress: Callable[[int], object],
    *,
    creator: User | None = None,
) -> Touched:
    def build(row: Row, obj: Resource | None) -> dict[str, Any]:
        return {
            "code": row["code"],
            "name": row["name"],
            "facility": row["facility"],
            "category": row["category"] if row["category"] is not None else (obj.category if obj else ""),
            "unit": row["unit"] or (obj.unit if obj else "hours"),
        }

    touched = _upsert_master_objects(tenant, Resource, "code", rows, counts, progress, build, creator)
    touched["facility_ids"] = sorted({r["facility"].pk for r in rows})
    return touched


# --- suppliers: a Partner organisation (kind supplier) with the code imports and the ERP use ----------


def _write_supplier(tenant: Tenant, supplier: Supplier | None, code: str, name: str) -> Supplier:
    if supplier is None:
        partner = Partner.objects.create(tenant=tenant, name=name, kind=Partner.Kind.SUPPLIER)
        return Supplier.objects.create(tenant=tenant, partner=partner, code=code)
    if supplier.partner.name != name:
        supplier.partner.name = name
        supplier.partner.save(update_fields=["name"])
    if supplier.code != code:
        supplier.code = code
        supplier.save(update_fields=["code"])
    return supplier


def do_save_supplier(
    *, tenant: Tenant, supplier: Supplier | None, code: str, name: str, actor: User | None = None
) -> Supplier:
    """Create or rename one supplier (its partner organisation and its code), audited old -> new.
    Callers validate (`forms.SupplierForm`: codes and partner names unique in the tenant)."""
    with transaction.atomic():
        creating = supplier is None
        before = None if supplier is None else {"code": supplier.code, "name": supplier.partner.name}
        after = {"code": code, "name": name}
        if before == after:
            return supplier  # type: ignore[return-value]  # before is None when supplier is None
        supplier = _write_supplier(tenant, supplier, code, name)
        record(
            tenant=tenant,
            actor=actor,
            verb=PlanningVerb.SUPPLIER_CREATE if creating else PlanningVerb.SUPPLIER_UPDATE,
            target=name,
            before=before,
            after=after,
        )
    return supplier


def upsert_suppliers(
    tenant: Tenant, rows: Sequence[Row], counts: dict[str, int], progress: Callable[[int], object]
) -> Touched:
    existing = {s.code: s for s in Supplier.objects.filter(tenant=tenant).select_related("partner")}
    for i, row in enumerate(rows):
        supplier = existing.get(row["code"])
        if supplier is None:
            existing[row["code"]] = _write_supplier(tenant, None, row["code"], row["name"])
            counts["created"] += 1
        elif supplier.partner.name != row["name"]:
            _write_supplier(tenant, supplier, row["code"], row["name"])
            counts["updated"] += 1
        else:
            counts["unchanged"] += 1
        progress(i)
    return {}
