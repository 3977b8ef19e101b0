"""Writing a demand layer's figures and moving the consensus cells that follow them (see
`planning.layers` for the rule). One function for one cell typed in the grid and for a whole
statistical baseline: the callers check permissions, reasons and revisions and write the audit event;
this writes the rows, in the caller's transaction."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F

from ..cells import Cell
from ..layers import layer_figures, ordered, proposal
from ..models import ForecastLayer, LayerEntry, PlanEntry

if TYPE_CHECKING:
    from django.contrib.auth.models import User

    from ..models import PlanVersion, ReasonCode

BATCH = 5000


@dataclass
class LayerWrite:
    """What one write did: each changed layer figure (old → new, None = absent) and each consensus cell
    that followed (old → new; old None = the cell was created)."""

    layer_changes: dict[Cell, tuple[Decimal | None, Decimal | None]] = field(default_factory=dict)
    consensus_moves: dict[Cell, tuple[Decimal | None, Decimal]] = field(default_factory=dict)


def do_write_layer(
    version: PlanVersion,
    layer: ForecastLayer,
    values: Mapping[Cell, Decimal | None],
    *,
    actor: User | None = None,
    reason_code: ReasonCode | None = None,
    replace_all: bool = False,
) -> LayerWrite:
    """Set `layer`'s figure for each cell in `values` (None removes it), then move every consensus
    cell that followed the old proposal to the new one. `replace_all` (a baseline run) also removes the
    layer's figures for cells not in `values`. Must run inside the caller's transaction, which also
    holds the version row lock when concurrent writers matter."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("do_write_layer must run inside the caller's transaction")
    tenant_id = version.tenant_id
    layers = ordered(ForecastLayer.objects.filter(tenant_id=tenant_id))
    existing = LayerEntry.objects.filter(version=version, layer=layer)
    if not replace_all:
        existing = existing.filter(
            product_id__in={c.product_id for c in values}, week__in={c.week for c in values}
        )
    current = {
        Cell(p, c, f, w): (pk, qty)
        for pk, p, c, f, w, qty in existing.values_list(
            "pk", "product_id", "customer_id", "facility_id", "week", "qty"
        ).iterator(chunk_size=10000)
    }
    targets: dict[Cell, Decimal | None] = dict(values)
    if replace_all:
        for cell in current:
            targets.setdefault(cell, None)
    result = LayerWrite()
    for cell, new in targets.items():
        old = current[cell][1] if cell in current else None
        if old != new:
            result.layer_changes[cell] = (old, new)
    if not result.layer_changes:
        return result
    changed = list(result.layer_changes)
    before = layer_figures(version, changed)

    to_delete = [
        current[c][0] for c, (_, new) in result.layer_changes.items() if new is None and c in current
    ]
    for i in range(0, len(to_delete), BATCH):
        LayerEntry.objects.filter(pk__in=to_delete[i : i + BATCH]).delete()
    upserts = [
        LayerEntry(
            tenant_id=tenant_id,
            version=version,
            layer=layer,
            product_id=c.product_id,
            customer_id=c.customer_id,
            facility_id=c.facility_id,
            week=c.week,
            qty=new,
            reason_code=reason_code,
            changed_by=actor,
        )
        for c, (_, new) in result.layer_changes.items()
        if new is not None
    ]
    LayerEntry.objects.bulk_create(
        upserts,
        batch_size=BATCH,
        update_conflicts=True,
        unique_fields=["version", "layer", "product", "customer", "facility", "week"],
        update_fields=["qty", "reason_code", "changed_by", "changed_at"],
    )
    if upserts:
        # bulk upserts cannot add to the revision; one statement does for the rows that existed
        LayerEntry.objects.filter(pk__in=[current[c][0] for c in changed if c in current]).exclude(
            pk__in=to_delete
        ).update(revision=F("revision") + 1)

    # the consensus cells that followed the old proposal move to the new one
    entries = {
        Cell(p, c, f, w): (pk, qty, rev)
        for pk, p, c, f, w, qty, rev in PlanEntry.objects.filter(
            version=version,
            product_id__in={c.product_id for c in changed},
            week__in={c.week for c in changed},
        )
        .values_list("pk", "product_id", "customer_id", "facility_id", "week", "qty", "revision")
        .iterator(chunk_size=10000)
    }
    creates: list[PlanEntry] = []
    # each moved entry gets a new revision, so an edit shown before the move is refused as stale
    updates: list[PlanEntry] = []
    for cell in changed:
        figures_before = before.get(cell, {})
        figures_after = dict(figures_before)
        new = result.layer_changes[cell][1]
        if new is None:
            figures_after.pop(layer.pk, None)
        else:
            figures_after[layer.pk] = new
        old_proposal, new_proposal = proposal(figures_before, layers), proposal(figures_after, layers)
        if new_proposal is None or new_proposal == old_proposal:
            continue
        entry = entries.get(cell)
        if entry is None:
            creates.append(PlanEntry(version=version, **cell.filter_kwargs(), qty=new_proposal, revision=1))
            result.consensus_moves[cell] = (None, new_proposal)
        elif entry[1] == old_proposal:
            updates.append(PlanEntry(pk=entry[0], qty=new_proposal, revision=entry[2] + 1))
            result.consensus_moves[cell] = (entry[1], new_proposal)
    PlanEntry.objects.bulk_create(creates, batch_size=BATCH)
    PlanEntry.objects.bulk_update(updates, ["qty", "revision"], batch_size=1000)
    return result
