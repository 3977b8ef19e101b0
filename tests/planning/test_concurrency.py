"""Two planners saving the same cell at the same moment on PostgreSQL: exactly one wins, the other is
refused with the winner's value, and the decision log has one change."""

import threading

import pytest
from django.db import connection

from planning import actions
from planning.cells import CellObjects
from planning.models import PlanChange, PlanEntry

from ..factories import MembershipFactory, TenantFactory
from . import factories as pf

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_saves_of_one_cell_one_wins_one_is_refused():
    tenant = TenantFactory()
    alex, priya = (MembershipFactory(tenant=tenant, role="planner") for _ in range(2))
    product, customer, facility = (
        pf.ProductFactory(tenant=tenant),
        pf.CustomerFactory(tenant=tenant),
        pf.FacilityFactory(tenant=tenant),
    )
    version = pf.make_version(tenant, cells=[(product, customer, facility, 0, 1200)])
    objects = CellObjects(product, customer, facility)
    barrier, outcomes = threading.Barrier(2), {}

    def save(member, value):
        try:
            barrier.wait()
            actions.check_set_cell(
                member,
                version,
                objects.cell(version.start_week),
                objects,
                value=value,
                revision=1,
            )
            outcomes[value] = "saved"
        except actions.StaleCell as stale:
            outcomes[value] = f"refused, now {stale.qty:.0f}"
        finally:
            connection.close()

    threads = [threading.Thread(target=save, args=a) for a in ((alex, "4800"), (priya, "1500"))]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    final = PlanEntry.objects.get(version=version).qty
    winner = f"{final:.0f}"
    loser = "1500" if winner == "4800" else "4800"
    assert outcomes == {winner: "saved", loser: f"refused, now {winner}"}
    assert PlanChange.objects.count() == 1
