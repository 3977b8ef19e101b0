"""The layer rule by hand: a cell's proposal is its last layer's figure, the consensus follows the
proposal while it equals it, and keeps its own figure once set otherwise; the waterfall adds up."""

from decimal import Decimal

import pytest
from django.db import transaction

from planning import actions, layers
from planning.cells import Cell
from planning.models import LayerEntry, PlanEntry

from .factories import MONDAY, CustomerFactory, FacilityFactory, ProductFactory, make_version

pytestmark = pytest.mark.django_db
D = Decimal


@pytest.fixture
def world(tenant):
    p, c, f = ProductFactory(tenant=tenant), CustomerFactory(tenant=tenant), FacilityFactory(tenant=tenant)
    version = make_version(tenant, cells=[(p, c, f, 1, 500)])
    by_key = {layer.key: layer for layer in layers.ensure_layers(tenant)}
    return version, Cell(p.pk, c.pk, f.pk, MONDAY), Cell(p.pk, c.pk, f.pk, MONDAY.replace(day=30)), by_key


def write(version, layer, values):
    with transaction.atomic():
        return actions.do_write_layer(version, layer, values)


def consensus(version, cell):
    entry = PlanEntry.objects.filter(version=version, **cell.filter_kwargs()).first()
    return entry.qty if entry else None


def test_defaults_are_made_once_and_in_waterfall_order(tenant):
    first = layers.ensure_layers(tenant)
    assert [layer.key for layer in first] == ["statistical", "sales", "marketing"]
    assert [layer.key for layer in layers.ensure_layers(tenant)] == ["statistical", "sales", "marketing"]
    assert tenant.reason_codes.filter(code="promotion").exists()


def test_baseline_seeds_empty_cells_and_inputs_move_following_consensus(world):
    version, cell, other_week, by_key = world
    # an empty cell takes the baseline; a cell typed before any layer existed keeps its figure
    result = write(version, by_key["statistical"], {cell: D(100), other_week: D(80)})
    assert consensus(version, cell) == D(100)
    assert set(result.consensus_moves) == {cell}
    assert consensus(version, other_week) == D(500)
    # sales input replaces the proposal: the following consensus moves with it, its revision too
    revision = PlanEntry.objects.get(version=version, **cell.filter_kwargs()).revision
    write(version, by_key["sales"], {cell: D(130)})
    entry = PlanEntry.objects.get(version=version, **cell.filter_kwargs())
    assert (entry.qty, entry.revision) == (D(130), revision + 1)
    write(version, by_key["marketing"], {cell: D(150)})
    assert consensus(version, cell) == D(150)
    # the consensus set by hand stays when a layer changes again
    PlanEntry.objects.filter(pk=entry.pk).update(qty=D(170))
    write(version, by_key["marketing"], {cell: D(160)})
    assert consensus(version, cell) == D(170)
    steps = layers.waterfall(layers.layer_figures(version)[cell], list(by_key.values()), D(170))
    assert [(s.key, s.delta) for s in steps] == [
        ("statistical", D(100)),
        ("sales", D(30)),
        ("marketing", D(30)),
        ("consensus", D(10)),
    ]


def test_removing_an_override_falls_back_and_a_baseline_replaces_all(world):
    version, cell, other_week, by_key = world
    write(version, by_key["statistical"], {cell: D(100)})
    write(version, by_key["sales"], {cell: D(130)})
    write(version, by_key["sales"], {cell: None})
    assert consensus(version, cell) == D(100)
    assert not LayerEntry.objects.filter(layer=by_key["sales"]).exists()
    # a new run replaces the whole layer: cells it no longer forecasts lose their baseline figure
    with transaction.atomic():
        actions.do_write_layer(version, by_key["statistical"], {other_week: D(90)}, replace_all=True)
    assert list(LayerEntry.objects.filter(layer=by_key["statistical"]).values_list("week", flat=True)) == [
        other_week.week
    ]


def test_an_inactive_layer_does_not_count(world):
    version, cell, _, by_key = world
    write(version, by_key["statistical"], {cell: D(100)})
    by_key["sales"].active = False
    by_key["sales"].save()
    write(version, by_key["sales"], {cell: D(130)})
    assert consensus(version, cell) == D(100)
