"""One plan cell at a time (the grid): set a number (compare-and-set on its revision, refused as
`StaleCell` when someone saved it meanwhile) and comment on a cell."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F

from feeds import actions as feed_actions
from sopsocial.audit.actions import record
from sopsocial.tenancy.policy import Perm, require

from .. import weeks as wk
from ..cells import Cell, CellObjects
from ..models import CellNote, PlanChange, PlanEntry, PlanVersion, VersionStatus
from ..outbox import EvaluationScope
from ..verbs import PlanningVerb
from ._common import parse_qty, request_evaluation
from .locks import refuse_locked_version, version_lock

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from sopsocial.tenancy.models import Membership


class StaleCell(Exception):
    """Someone saved the cell since it was shown: nothing was written; here is what it holds now."""

    def __init__(self, qty: Decimal, revision: int) -> None:
        super().__init__(f"This cell was changed meanwhile; it now holds {float(qty):,.0f}.")
        self.qty, self.revision = qty, revision


def check_set_cell(
    member: Membership,
    version: PlanVersion,
    cell: Cell,
    objects: CellObjects,
    *,
    value: object,
    revision: int | str | None,
    reason: str = "",
    files: Sequence[UploadedFile] = (),
) -> tuple[PlanEntry, PlanChange]:
    """Validate and save one cell. Refuses (writing nothing) when the version is not a draft, the
    number is bad, or the cell changed since it was shown (`StaleCell`, carrying the current value)."""
    require(member, Perm.EDIT_PLANS, "edit plans")
    errors: dict[str, list[str]] = {}
    qty: Decimal | None = None
    if not version.is_editable:
        errors["version"] = [f"This version is {version.get_status_display().lower()} and cannot be edited."]
    else:
        lock = version_lock(version)
        if lock is not None:
            errors["version"] = [lock.message()]
    week = wk.week_start(cell.week)
    first, last = version.start_week, version.start_week + dt.timedelta(weeks=version.weeks - 1)
    if not first <= week <= last:
        errors["week"] = ["That week is outside this version."]
    tenant_id = member.tenant.pk
    # the objects are what the cell names: they must be the cell's own, and the member's tenant's
    if objects.cell(cell.week) != cell or any(o.tenant_id != tenant_id for o in objects.present()):
        errors["cell"] = ["Unknown cell."]
    if version.is_demand and cell.customer_id is None:
        errors["customer"] = ["Demand cells need a customer."]
    if not version.is_demand and cell.customer_id is not None:
        errors["customer"] = ["Supply cells have no customer."]
    try:
        qty = parse_qty(value)
    except ValidationError as e:
        errors.update(e.message_dict)
    reason = (reason or "").strip()
    if errors or qty is None:
        raise ValidationError(errors)
    return do_set_cell(
        member,
        version,
        replace(cell, week=week),
        objects,
        qty=qty,
        revision=int(revision or 0),
        reason=reason,
        files=files,
    )


def do_set_cell(
    member: Membership,
    version: PlanVersion,
    cell: Cell,
    objects: CellObjects,
    *,
    qty: Decimal,
    revision: int | None,
    reason: str = "",
    files: Sequence[UploadedFile] = (),
) -> tuple[PlanEntry, PlanChange]:
    """Write the cell (compare-and-set on its revision), a PlanChange, an audit event, the note as a
    feed post anchored to the cell (CellNote), and an evaluation request; all in one transaction."""
    named = objects.present()
    with transaction.atomic():
        locked = PlanVersion.objects.select_for_update().get(pk=version.pk)
        if locked.status != VersionStatus.DRAFT:
            raise ValidationError({"version": ["This version is no longer a draft."]})
        refuse_locked_version(version)
        where = {"version": version, **cell.filter_kwargs()}
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
        where_words = " × ".join(o.name for o in named)
        event = record(
            tenant=member.tenant,
            actor=member.user,
            verb=PlanningVerb.CELL_CHANGE,
            subject=version.subject,
            target=f"{where_words}, week of {cell.week:%d %b %Y}",
            before={"qty": float(old)},
            after={"qty": float(qty), **({"reason": reason[:500]} if reason else {})},
            # the cell's product, customer and facility: their trails show the change too (STORY step 11)
            related=[o.subject for o in named],
        )
        change = PlanChange.objects.create(
            tenant=member.tenant,
            **where,
            old_qty=old,
            new_qty=qty,
            changed_by=member.user,
            changed_by_label=member.display_name,
            reason=reason,
            audit_event=event,
        )
        if reason or files:
            post = feed_actions.check_create_post(
                member,
                subject=version.subject,
                body=reason or f"Changed {where_words} to {qty:g}",
                tagged=[o.subject for o in named],
                files=files,
            )
            CellNote.objects.create(tenant=member.tenant, **where, post=post, change=change)
        request_evaluation(
            member.tenant,
            "cell change",
            EvaluationScope.touching(
                product_ids=[cell.product_id],
                customer_ids=[cell.customer_id] if cell.customer_id is not None else None,
                facility_ids=[cell.facility_id],
            ),
        )
    return entry, change


def check_comment_cell(
    member: Membership,
    version: PlanVersion,
    cell: Cell,
    objects: CellObjects,
    *,
    body: str,
    files: Sequence[UploadedFile] = (),
) -> CellNote:
    """A later comment on a cell: a new post on the version, tagged like the change note, anchored."""
    require(member, Perm.COMMENT_PLANS, "comment on plans")
    with transaction.atomic():
        post = feed_actions.check_create_post(
            member,
            subject=version.subject,
            body=body,
            tagged=[o.subject for o in objects.present()],
            files=files,
        )
        return CellNote.objects.create(
            tenant=member.tenant,
            version=version,
            **replace(cell, week=wk.week_start(cell.week)).filter_kwargs(),
            post=post,
        )
