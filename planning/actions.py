"""Every planning write: master data, versions and their workflow, plan cells, bulk upserts.

Each `do_*` writes its rows and one audit event per change (or per batch for bulk loads) inside one
transaction, writes an `EvaluationRequest` outbox row when numbers that rules read have changed, and
queues the alerts evaluation task by name on commit (planning never imports alerts).
"""

import datetime as dt
from decimal import Decimal, InvalidOperation

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone

from feeds import actions as feed_actions
from sopsocial.audit.actions import changed_fields, record
from sopsocial.queue import enqueue_on_commit
from sopsocial.subjects.actions import save_with_subject
from sopsocial.tenancy.models import Role

from . import weeks as wk
from .models import (
    CellNote,
    EvaluationRequest,
    Plan,
    PlanChange,
    PlanCycle,
    PlanEntry,
    PlanType,
    PlanVersion,
    Product,
    VersionStatus,
)

EDIT_ROLES = (Role.ADMIN, Role.PLANNER)
APPROVE_ROLES = (Role.ADMIN, Role.PLANNER, Role.EXECUTIVE)
PUBLISH_ROLES = (Role.ADMIN, Role.PLANNER)
MAX_QTY = Decimal("999999999999")
EVALUATE_TASK = "alerts.evaluate_pending"
# A system feed item tags at most this many products; more would flood their followers.
MAX_TAGGED_PRODUCTS = 5


class StaleCell(Exception):
    """Someone saved the cell since it was shown: nothing was written; here is what it holds now."""

    def __init__(self, qty, revision):
        super().__init__(f"This cell was changed meanwhile; it now holds {float(qty):,.0f}.")
        self.qty, self.revision = qty, revision


def _require(member, roles, doing):
    if member.is_external or member.role not in roles:
        raise PermissionDenied(f"Your role ({member.role}) may not {doing}.")


def request_evaluation(tenant, reason, scope):
    """The outbox row and the task queued on commit: alerts re-evaluate what these numbers touch."""
    clean = {k: v for k, v in scope.items() if v not in (None, [], ())}
    if "weeks" in clean:
        clean["weeks"] = sorted({w.isoformat() if isinstance(w, dt.date) else w for w in clean["weeks"]})
    EvaluationRequest.objects.create(tenant=tenant, reason=reason[:100], scope=clean)
    enqueue_on_commit(EVALUATE_TASK, tenant_id=tenant.pk)


def parse_qty(raw, field="qty"):
    """A plan number: finite, not negative, at most two decimals. Raises ValidationError keyed by field."""
    text = str(raw).strip().replace(",", "") if raw is not None else ""
    if text == "":
        raise ValidationError({field: ["Enter a number."]})
    try:
        value = Decimal(text)
    except (InvalidOperation, ValueError):
        raise ValidationError({field: [f"“{raw}” is not a number."]}) from None
    if not value.is_finite():
        raise ValidationError({field: ["Enter a finite number."]})
    if value < 0:
        raise ValidationError({field: ["A plan number cannot be negative."]})
    if value > MAX_QTY:
        raise ValidationError({field: ["That number is too large."]})
    if value != value.quantize(Decimal("0.01")):
        raise ValidationError({field: ["Use at most two decimals."]})
    return value.quantize(Decimal("0.01"))


# --- master data ---------------------------------------------------------------------------------


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


def _plain(value):
    if hasattr(value, "pk"):
        return str(value)
    if isinstance(value, Decimal):
        return float(value)
    return value


def _plain_dict(d):
    return None if d is None else {k: _plain(v) for k, v in d.items()}


# --- plans, cycles, versions ---------------------------------------------------------------------


def ensure_plans(tenant):
    """The two persistent plans (created on first use, with their followable subjects)."""
    plans = {p.plan_type: p for p in Plan.objects.filter(tenant=tenant).select_related("subject")}
    for plan_type in PlanType.values:
        if plan_type not in plans:
            with transaction.atomic():
                plan = save_with_subject(Plan(tenant=tenant, plan_type=plan_type))
                record(tenant=tenant, verb="planning.plan_create", subject=plan.subject, target=str(plan))
            plans[plan_type] = plan
    return plans


def _cycle(tenant, day):
    cycle, _ = PlanCycle.objects.get_or_create(tenant=tenant, month=wk.month_start(day))
    return cycle


def lock_plan(plan):
    """Serialise version numbering and publishing of one plan (call inside transaction.atomic())."""
    return Plan.objects.select_for_update(of=("self",)).get(pk=plan.pk)


def do_create_version(
    *,
    tenant,
    plan,
    start_week,
    weeks=26,
    actor=None,
    based_on=None,
    name="",
    status=VersionStatus.DRAFT,
    cycle_day=None,
):
    """A new empty version of `plan` (its subject's parent is the plan's subject). Audited."""
    with transaction.atomic():
        # Lock the plan row: locking the last version cannot stop a concurrent draft from computing the
        # same number (it does not see our insert, and with no versions there is nothing to lock).
        lock_plan(plan)
        last = PlanVersion.objects.filter(plan=plan).order_by("-number").first()
        version = PlanVersion(
            tenant=tenant,
            plan=plan,
            cycle=_cycle(tenant, cycle_day or start_week),
            number=(last.number + 1) if last else 1,
            name=name,
            status=status,
            based_on=based_on,
            start_week=wk.week_start(start_week),
            weeks=weeks,
            created_by=actor,
        )
        save_with_subject(version)
        record(
            tenant=tenant,
            actor=actor,
            verb="planning.version_create",
            subject=version.subject,
            target=version.subject.title,
            after={"status": version.status, "based_on": based_on.pk if based_on else None},
        )
    return version


def check_new_draft_from(member, source, *, today=None):
    """A new draft copying `source` (normally the published version) from this week on."""
    _require(member, EDIT_ROLES, "start a new draft")
    start = wk.week_start(today or timezone.localdate())
    with transaction.atomic():
        version = do_create_version(
            tenant=member.tenant,
            plan=source.plan,
            start_week=start,
            weeks=source.weeks,
            actor=member.user,
            based_on=source,
        )
        last = start + dt.timedelta(weeks=version.weeks - 1)
        PlanEntry.objects.bulk_create(
            PlanEntry(version=version, product_id=p, customer_id=c, facility_id=f, week=w, qty=q)
            for p, c, f, w, q in source.entries.filter(week__gte=start, week__lte=last).values_list(
                "product_id", "customer_id", "facility_id", "week", "qty"
            )
        )
    return version


TRANSITIONS = {
    # action: (from statuses, to status, roles, words)
    "submit": ((VersionStatus.DRAFT,), VersionStatus.SUBMITTED, EDIT_ROLES, "submit a plan"),
    "reopen": (
        (VersionStatus.SUBMITTED, VersionStatus.APPROVED),
        VersionStatus.DRAFT,
        EDIT_ROLES,
        "reopen a plan",
    ),
    "approve": ((VersionStatus.SUBMITTED,), VersionStatus.APPROVED, APPROVE_ROLES, "approve a plan"),
    "publish": ((VersionStatus.APPROVED,), VersionStatus.PUBLISHED, PUBLISH_ROLES, "publish a plan"),
}


def check_transition(member, version, action):
    """Move a version along draft -> submitted -> approved -> published. Publishing supersedes the
    plan's previously published version. Audited, posted on the version's feed, evaluated by alerts."""
    if action not in TRANSITIONS:
        raise ValidationError({"action": ["Unknown action."]})
    sources, target, roles, words = TRANSITIONS[action]
    _require(member, roles, words)
    with transaction.atomic():
        if action == "publish":
            # two approved versions published at once would both supersede the old one and then collide
            # on the one-published-version index: publishing takes the plan lock first
            lock_plan(version.plan)
        # of=("self",): lock the version row only. Locking the joined subject row too would block every
        # insert that references the subject (feed items, audit links) while this waits for the audit lock.
        version = (
            PlanVersion.objects.select_for_update(of=("self",))
            .select_related("plan", "subject")
            .get(pk=version.pk)
        )
        if version.status not in sources:
            raise ValidationError(
                {
                    "action": [
                        f"A {version.get_status_display().lower()} version cannot be {target_label(action)}."
                    ]
                }
            )
        old = version.status
        now = timezone.now()
        superseded = None
        if action == "publish":
            superseded = PlanVersion.objects.filter(plan=version.plan, status=VersionStatus.PUBLISHED).first()
            if superseded:
                superseded.status = VersionStatus.SUPERSEDED
                superseded.save(update_fields=["status"])
                record(
                    tenant=member.tenant,
                    actor=member.user,
                    verb="planning.version_supersede",
                    subject=superseded.subject,
                    target=superseded.subject.title,
                    before={"status": VersionStatus.PUBLISHED},
                    after={"status": VersionStatus.SUPERSEDED, "by_version": version.pk},
                )
            version.published_at, version.published_by = now, member.user
        elif action == "approve":
            version.approved_at, version.approved_by = now, member.user
        elif action == "submit":
            version.submitted_at = now
        version.status = target
        version.save()
        record(
            tenant=member.tenant,
            actor=member.user,
            verb=f"planning.version_{action}",
            subject=version.subject,
            target=version.subject.title,
            before={"status": old},
            after={"status": target},
        )
        changed = _changed_products(version)
        feed_actions.do_create_system_item(
            tenant=member.tenant,
            subject=version.subject,
            tagged=changed,
            actor=member.user,
            verb=f"plan {action}",
            text=f"{member.display_name} {target_label(action)} {version.subject.title}.",
            data={"version_id": version.pk, "status": target},
        )
        if action in ("approve", "publish"):
            request_evaluation(member.tenant, f"version {action}", {"version_id": version.pk})
    return version


def _changed_products(version):
    """Subjects of the products changed in this version, to tag on its feed items: only when there are
    few (a whole-plan reload would otherwise notify every product's followers)."""
    ids = list(version.changes.values_list("product_id", flat=True).distinct()[: MAX_TAGGED_PRODUCTS + 1])
    if not ids or len(ids) > MAX_TAGGED_PRODUCTS:
        return []
    return [p.subject for p in Product.objects.filter(pk__in=ids).select_related("subject")]


def target_label(action):
    return {"submit": "submitted", "reopen": "reopened", "approve": "approved", "publish": "published"}[
        action
    ]


# --- plan cells ----------------------------------------------------------------------------------


def _cell_filter(version, product, customer, facility, week):
    return dict(version=version, product=product, customer=customer, facility=facility, week=week)


def check_set_cell(
    member, version, *, product, customer, facility, week, value, revision, reason="", files=()
):
    """Validate and save one cell. Refuses (writing nothing) when the version is not a draft, the
    number is bad, or the cell changed since it was shown (`StaleCell`, carrying the current value)."""
    _require(member, EDIT_ROLES, "edit plans")
    errors = {}
    if not version.is_editable:
        errors["version"] = [f"This version is {version.get_status_display().lower()} and cannot be edited."]
    week = wk.week_start(week)
    first, last = version.start_week, version.start_week + dt.timedelta(weeks=version.weeks - 1)
    if not first <= week <= last:
        errors["week"] = ["That week is outside this version."]
    tenant_id = member.tenant.pk
    if any(o is not None and o.tenant_id != tenant_id for o in (product, customer, facility)):
        errors["cell"] = ["Unknown cell."]
    if version.is_demand and customer is None:
        errors["customer"] = ["Demand cells need a customer."]
    if not version.is_demand and customer is not None:
        errors["customer"] = ["Supply cells have no customer."]
    try:
        qty = parse_qty(value)
    except ValidationError as e:
        errors.update(e.message_dict)
        qty = None
    reason = (reason or "").strip()
    if errors:
        raise ValidationError(errors)
    return do_set_cell(
        member,
        version,
        product=product,
        customer=customer,
        facility=facility,
        week=week,
        qty=qty,
        revision=int(revision or 0),
        reason=reason,
        files=files,
    )


def do_set_cell(member, version, *, product, customer, facility, week, qty, revision, reason="", files=()):
    """Write the cell (compare-and-set on its revision), a PlanChange, an audit event, the note as a
    feed post anchored to the cell (CellNote), and an evaluation request; all in one transaction."""
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != VersionStatus.DRAFT:
            raise ValidationError({"version": ["This version is no longer a draft."]})
        where = _cell_filter(version, product, customer, facility, week)
        entry = PlanEntry.objects.filter(**where).first()
        if entry is None:
            if revision != 0:
                raise StaleCell(Decimal(0), 0)
            old = Decimal(0)
            try:
                with transaction.atomic():
                    entry = PlanEntry.objects.create(**where, qty=qty, revision=1)
            except IntegrityError:
                entry = PlanEntry.objects.get(**where)
                raise StaleCell(entry.qty, entry.revision) from None
        else:
            old = entry.qty
            if entry.revision != revision:
                raise StaleCell(entry.qty, entry.revision)
            # compare-and-set: a concurrent save that committed first makes this update match nothing
            if not PlanEntry.objects.filter(pk=entry.pk, revision=revision).update(
                qty=qty, revision=F("revision") + 1
            ):
                entry.refresh_from_db()
                raise StaleCell(entry.qty, entry.revision)
            entry.refresh_from_db()
        change = PlanChange.objects.create(
            tenant=member.tenant,
            version=version,
            product=product,
            customer=customer,
            facility=facility,
            week=week,
            old_qty=old,
            new_qty=qty,
            changed_by=member.user,
            changed_by_label=member.display_name,
            reason=reason,
        )
        where_words = " × ".join(o.name for o in (product, customer, facility) if o is not None)
        record(
            tenant=member.tenant,
            actor=member.user,
            verb="planning.cell_change",
            subject=version.subject,
            target=f"{where_words}, week of {week:%d %b %Y}",
            before={"qty": float(old)},
            after={"qty": float(qty), **({"reason": reason[:500]} if reason else {})},
            # the cell's product, customer and facility: their trails show the change too (STORY step 11)
            related=[o.subject for o in (product, customer, facility) if o is not None],
        )
        if reason or files:
            post = feed_actions.check_create_post(
                member,
                subject=version.subject,
                body=reason or f"Changed {where_words} to {qty:g}",
                tagged=[o.subject for o in (product, customer, facility) if o is not None],
                files=files,
            )
            CellNote.objects.create(
                tenant=member.tenant,
                version=version,
                product=product,
                customer=customer,
                facility=facility,
                week=week,
                post=post,
                change=change,
            )
        request_evaluation(
            member.tenant,
            "cell change",
            {
                "version_id": version.pk,
                "product_ids": [product.pk],
                "customer_ids": [customer.pk] if customer else [],
                "facility_ids": [facility.pk],
                "weeks": [week],
            },
        )
    return entry, change


def check_comment_cell(member, version, *, product, customer, facility, week, body, files=()):
    """A later comment on a cell: a new post on the version, tagged like the change note, anchored."""
    _require(member, EDIT_ROLES + (Role.EXECUTIVE,), "comment on plans")
    with transaction.atomic():
        post = feed_actions.check_create_post(
            member,
            subject=version.subject,
            body=body,
            tagged=[o.subject for o in (product, customer, facility) if o is not None],
            files=files,
        )
        return CellNote.objects.create(
            tenant=member.tenant,
            version=version,
            product=product,
            customer=customer,
            facility=facility,
            week=wk.week_start(week),
            post=post,
        )


def do_replace_entries(*, tenant, version, rows, actor=None, actor_label=None, reason="import"):
    """Upsert many cells of a draft version at once (imports, API). `rows` are validated dicts
    (product, customer, facility, week, qty). One PlanChange per changed cell, one audit event for the
    batch. Returns the number of changed cells."""
    if not version.is_editable:
        raise ValidationError({"version": ["Only a draft version can be loaded."]})
    with transaction.atomic():
        existing = {
            (e.product_id, e.customer_id, e.facility_id, e.week): e
            for e in version.entries.filter(product_id__in={r["product"].pk for r in rows})
        }
        creates, updates, changes = [], [], []
        for r in rows:
            key = (r["product"].pk, r["customer"].pk if r["customer"] else None, r["facility"].pk, r["week"])
            entry = existing.get(key)
            old = entry.qty if entry else Decimal(0)
            if entry is not None and entry.qty == r["qty"]:
                continue
            if entry is None:
                creates.append(
                    PlanEntry(
                        version=version,
                        product=r["product"],
                        customer=r["customer"],
                        facility=r["facility"],
                        week=r["week"],
                        qty=r["qty"],
                    )
                )
            else:
                entry.qty, entry.revision = r["qty"], entry.revision + 1
                updates.append(entry)
            changes.append(
                PlanChange(
                    tenant=tenant,
                    version=version,
                    product=r["product"],
                    customer=r["customer"],
                    facility=r["facility"],
                    week=r["week"],
                    old_qty=old,
                    new_qty=r["qty"],
                    changed_by=actor,
                    changed_by_label=actor_label or (actor.get_full_name() if actor else "system"),
                    reason=reason,
                )
            )
        PlanEntry.objects.bulk_create(creates, batch_size=1000)
        PlanEntry.objects.bulk_update(updates, ["qty", "revision"], batch_size=1000)
        PlanChange.objects.bulk_create(changes, batch_size=1000)
        if changes:
            record(
                tenant=tenant,
                actor=actor,
                actor_label=actor_label,
                verb="planning.entries_load",
                subject=version.subject,
                target=f"{len(changes)} cells of {version.subject.title}",
                after={"cells": len(changes), "reason": reason},
            )
            feed_actions.do_create_system_item(
                tenant=tenant,
                subject=version.subject,
                tagged=_changed_products(version),
                actor=actor,
                verb="plan load",
                text=f"{actor_label or (actor.get_full_name() if actor else 'An import')} changed "
                f"{len(changes)} cells of {version.subject.title} ({reason}).",
                data={"version_id": version.pk, "cells": len(changes)},
            )
            request_evaluation(
                tenant,
                reason,
                {
                    "version_id": version.pk,
                    "product_ids": sorted({c.product_id for c in changes}),
                    "weeks": sorted({c.week for c in changes}),
                },
            )
    return len(changes)
