"""How a demand cell's figure is built from its layers (read side; writes are `actions.layers`).

Each layer holds, per cell, an optional absolute figure. The statistical layer is the baseline; input
layers follow it in position order. A cell's **proposal** is the figure of the last active layer that
has one, else the baseline, else none. The version's own `PlanEntry` is the **consensus**: it follows
the proposal while it equals it (or does not exist yet) and keeps its own figure once someone sets it
otherwise. The **waterfall** of a cell or row is baseline → each layer's step → the consensus step.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction

from .cells import Cell
from .models import ForecastLayer, LayerEntry, LayerKind, ReasonCode

if TYPE_CHECKING:
    from sopsocial.tenancy.models import Tenant

    from .models import PlanVersion

STATISTICAL_KEY = "statistical"
CONSENSUS_KEY = "consensus"  # the version's own cells, as snapshots and reports name them

DEFAULT_LAYERS = (
    # key, name, kind, position, reason required
    (STATISTICAL_KEY, "Statistical baseline", LayerKind.STATISTICAL, 0, False),
    ("sales", "Sales input", LayerKind.INPUT, 10, True),
    ("marketing", "Marketing input", LayerKind.INPUT, 20, True),
)
DEFAULT_REASON_CODES = (
    ("promotion", "Promotion"),
    ("new-listing", "New listing"),
    ("delisting", "Delisting"),
    ("customer-intel", "Customer intelligence"),
    ("supply-constraint", "Supply constraint"),
    ("price-change", "Price change"),
    ("event", "Event or season"),
    ("correction", "Correction of history"),
)


def ensure_layers(tenant: Tenant) -> list[ForecastLayer]:
    """The tenant's layers in waterfall order, creating the defaults (and the default reason codes)
    the first time: every tenant, new or old, has a statistical layer and an input layer to type in.
    Idempotent; safe under concurrent first calls (the unique keys decide)."""
    if not ForecastLayer.objects.filter(tenant=tenant).exists():
        with transaction.atomic():
            for key, name, kind, position, required in DEFAULT_LAYERS:
                ForecastLayer.objects.get_or_create(
                    tenant=tenant,
                    key=key,
                    defaults={"name": name, "kind": kind, "position": position, "reason_required": required},
                )
            if not ReasonCode.objects.filter(tenant=tenant).exists():
                for i, (code, label) in enumerate(DEFAULT_REASON_CODES):
                    ReasonCode.objects.get_or_create(
                        tenant=tenant, code=code, defaults={"label": label, "position": i * 10}
                    )
    return ordered(ForecastLayer.objects.filter(tenant=tenant))


def ordered(layers: Iterable[ForecastLayer]) -> list[ForecastLayer]:
    """Waterfall order: the statistical layer first, then input layers by position."""
    return sorted(layers, key=lambda layer: (not layer.is_statistical, layer.position, layer.pk or 0))


def statistical_layer(tenant: Tenant) -> ForecastLayer:
    return next(layer for layer in ensure_layers(tenant) if layer.is_statistical)


@dataclass(frozen=True, slots=True)
class Step:
    """One step of a waterfall: the layer (None for the consensus step), its own figure (None when
    the layer has none for the cell) and what it adds to the figure before it."""

    key: str
    name: str
    figure: Decimal | None
    delta: Decimal


def proposal(figures: Mapping[int, Decimal], layers: list[ForecastLayer]) -> Decimal | None:
    """The proposal for one cell from its layers' figures ({layer id: qty}); `layers` in waterfall
    order; inactive layers do not count."""
    result: Decimal | None = None
    for layer in layers:
        if layer.active and layer.pk in figures:
            result = figures[layer.pk]
    return result


def waterfall(
    figures: Mapping[int, Decimal], layers: list[ForecastLayer], consensus: Decimal | None
) -> list[Step]:
    """Baseline → each active input layer → consensus, for one cell (or a row's sums). The first step's
    delta is the baseline itself; a layer without a figure adds 0; the consensus step adds what the
    consensus differs from the proposal."""
    steps: list[Step] = []
    running = Decimal(0)
    for layer in layers:
        if not layer.active:
            continue
        figure = figures.get(layer.pk)
        delta = (figure - running) if figure is not None else Decimal(0)
        if figure is not None:
            running = figure
        steps.append(Step(layer.key, layer.name, figure, delta))
    final = consensus if consensus is not None else running
    steps.append(Step(CONSENSUS_KEY, "Consensus", consensus, final - running))
    return steps


def layer_figures(
    version: PlanVersion, cells: Iterable[Cell] | None = None
) -> dict[Cell, dict[int, Decimal]]:
    """{cell: {layer id: qty}} for a version (all its cells, or those given), one query."""
    qs = LayerEntry.objects.filter(version=version)
    wanted = None
    if cells is not None:
        wanted = set(cells)
        qs = qs.filter(product_id__in={c.product_id for c in wanted}, week__in={c.week for c in wanted})
    out: dict[Cell, dict[int, Decimal]] = {}
    for p, c, f, w, layer_id, qty in qs.values_list(
        "product_id", "customer_id", "facility_id", "week", "layer_id", "qty"
    ).iterator(chunk_size=10000):
        cell = Cell(p, c, f, w)
        if wanted is None or cell in wanted:
            out.setdefault(cell, {})[layer_id] = qty
    return out
