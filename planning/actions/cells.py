"""One plan cell at a time (the grid): set a number (compare-and-set on its revision, refused as
`StaleCell` when someone saved it meanwhile) and comment on a cell."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from feeds import actions as feed_actions
from sopsocial.audit.actions import record
from sopsocial.tenancy.models import Role

from .. import weeks as wk
from ..models import CellNote, PlanChange, PlanEntry, PlanVersion, VersionStatus
from ..outbox import EvaluationScope
from ._common import EDIT_ROLES, _require, parse_qty, request_evaluation


class StaleCell(Exception):
    """Someone saved the cell since it was shown: nothing was written; here is what it holds now."""

    def __init__(self, qty, revision):
        super().__init__(f"This cell was changed meanwhile; it now holds {float(qty):,.0f}.")
        self.qty, self.revision = qty, revision


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
            EvaluationScope.touching(
                product_ids=[product.pk],
                customer_ids=[customer.pk] if customer else None,
                facility_ids=[facility.pk],
            ),
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
