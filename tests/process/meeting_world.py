"""A workspace with a cycle in progress, for the meetings and decisions tests: Priya (planner) runs the
cycle, Sam (executive) decides, Vic only views; a submitted demand version with a previous published
one, a high alert, an overdue task of a phase and an open decision due."""

import datetime as dt
from dataclasses import dataclass

from planning.models import PlanType, VersionStatus
from process.models import DecisionStatus, TaskStatus

from ..alerts.factories import make_alert, make_rule
from ..factories import MembershipFactory, UserFactory
from ..planning import factories as pf
from .factories import make_cycle, make_decision, make_phase, make_task

TODAY = dt.date(2026, 11, 26)
START = dt.datetime(2026, 11, 27, 9, 0, tzinfo=dt.UTC)


@dataclass
class World:
    priya: object
    sam: object
    vic: object
    cycle: object
    phase: object
    version: object
    previous: object
    alert: object
    overdue_task: object
    open_decision: object

    @property
    def tenant(self):
        return self.priya.tenant


def person(tenant, role, first, last):
    user = UserFactory(first_name=first, last_name=last, email=f"{first.lower()}@northwind.example")
    return MembershipFactory(tenant=tenant, role=role, user=user)


def build_world():
    priya = MembershipFactory(role="planner", user=UserFactory(first_name="Priya", last_name="Shah"))
    tenant = priya.tenant
    sam = person(tenant, "executive", "Sam", "Okafor")
    vic = person(tenant, "viewer", "Vic", "Lee")
    cycle = make_cycle(tenant, month=dt.date(2026, 11, 1))
    phase = make_phase(cycle, key="exec", name="Executive S&OP", position=5, days=(0, 20))
    product = pf.ProductFactory(tenant=tenant, sku="NW-1001", name="Oat Crunch 500g")
    customer = pf.CustomerFactory(tenant=tenant, code="CONTOSO")
    facility = pf.FacilityFactory(tenant=tenant, code="LEEDS")
    previous = pf.make_version(
        tenant,
        PlanType.DEMAND,
        status=VersionStatus.PUBLISHED,
        weeks=4,
        cells=[(product, customer, facility, 0, 100), (product, customer, facility, 1, 100)],
    )
    version = pf.make_version(
        tenant,
        PlanType.DEMAND,
        status=VersionStatus.SUBMITTED,
        weeks=4,
        based_on=previous,
        cells=[(product, customer, facility, 0, 150), (product, customer, facility, 1, 90)],
    )
    alert = make_alert(make_rule(tenant, name="Spike", severity="high"), subject=product.subject)
    make_alert(
        make_rule(tenant, name="Small", severity="low"), key="p2", title="Low one: never on the agenda"
    )
    overdue = make_task(
        tenant,
        title="Confirm Leeds capacity",
        phase=phase,
        due_on=TODAY - dt.timedelta(days=2),
        status=TaskStatus.OPEN,
    )
    make_task(
        tenant, title="Done already", phase=phase, due_on=TODAY - dt.timedelta(days=3), status=TaskStatus.DONE
    )
    open_decision = make_decision(
        tenant, question="Extend the Contoso promotion?", due_on=TODAY, status=DecisionStatus.OPEN
    )
    return World(priya, sam, vic, cycle, phase, version, previous, alert, overdue, open_decision)
