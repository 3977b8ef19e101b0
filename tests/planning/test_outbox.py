"""The outbox contract: an EvaluationScope survives the JSON row, and rows in the old shape still read."""

import pytest

from planning.outbox import EvaluationScope


def test_scope_round_trips_through_json():
    scope = EvaluationScope.touching(product_ids=[3, 1, 3], facility_ids={7}, order_ids=(9, 8))
    assert scope == EvaluationScope(product_ids=(1, 3), facility_ids=(7,), order_ids=(8, 9))
    assert scope.to_json() == {"product_ids": [1, 3], "facility_ids": [7], "order_ids": [8, 9]}
    assert EvaluationScope.from_json(scope.to_json()) == scope


def test_open_dimensions_are_left_out_and_read_back_as_open():
    everything = EvaluationScope()
    assert everything.to_json() == {}
    assert EvaluationScope.from_json({}) == everything
    # an empty list restricts nothing (as the writer always meant: a supply cell has no customer)
    assert EvaluationScope.touching(product_ids=[1], customer_ids=[]).customer_ids is None


def test_rows_stored_in_the_old_shape_still_read():
    old = {
        "version_id": 12,
        "product_ids": [5],
        "customer_ids": [4],
        "facility_ids": [2],
        "weeks": ["2026-11-23"],
    }
    assert EvaluationScope.from_json(old) == EvaluationScope(
        product_ids=(5,), customer_ids=(4,), facility_ids=(2,)
    )
    assert EvaluationScope.from_json({"version_id": 12}) == EvaluationScope()


@pytest.mark.parametrize(
    "raw", [None, [], "x", 3, {"product_ids": "12"}, {"product_ids": ["a"]}, {"product_ids": 5}]
)
def test_a_row_that_cannot_be_read_evaluates_more_not_less(raw):
    assert EvaluationScope.from_json(raw).product_ids is None


def test_the_scope_is_a_frozen_value():
    scope = EvaluationScope(product_ids=(1,))
    with pytest.raises(AttributeError):
        scope.product_ids = (2,)  # type: ignore[misc]
    assert hash(scope) == hash(EvaluationScope(product_ids=(1,)))
