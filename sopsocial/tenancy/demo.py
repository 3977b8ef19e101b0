"""The STORY.md cast: tenant Northwind Foods, partner FastFreight, and the people of the walkthrough.

A second tenant (Globex Drinks) exists so that isolation and the tenant switcher can be seen by hand:
Olu, the FastFreight coordinator, serves both manufacturers.
"""

from dataclasses import dataclass

from django.contrib.auth import get_user_model

from . import actions
from .models import Membership, Partner, Role, Tenant

DEMO_PASSWORD = "sopsocial-demo"


@dataclass(frozen=True)
class Person:
    username: str
    first_name: str
    last_name: str
    role: str
    department: str
    title: str
    partner: str | None = None


NORTHWIND = ("northwind", "Northwind Foods")
GLOBEX = ("globex", "Globex Drinks")
FASTFREIGHT = "FastFreight"
CAST = [
    Person("morgan", "Morgan", "Reyes", Role.ADMIN, "IT", "Planning systems admin"),
    Person("alex", "Alex", "Turner", Role.PLANNER, "Sales", "Account manager"),
    Person("sam", "Sam", "Okafor", Role.EXECUTIVE, "Sales", "Sales director"),
    Person("priya", "Priya", "Shah", Role.PLANNER, "Supply", "Production manager"),
    Person("dana", "Dana", "Kowalski", Role.PLANNER, "Logistics", "Depot manager, Leeds"),
    Person("olu", "Olu", "Adeyemi", Role.VIEWER, "FastFreight", "3PL coordinator", partner=FASTFREIGHT),
]
GLOBEX_CAST = [
    Person("gina", "Gina", "Marsh", Role.ADMIN, "Operations", "S&OP lead"),
    Person("olu", "Olu", "Adeyemi", Role.VIEWER, "FastFreight", "3PL coordinator", partner=FASTFREIGHT),
]


def _user(person):
    User = get_user_model()
    user, created = User.objects.get_or_create(
        username=person.username,
        defaults={
            "first_name": person.first_name,
            "last_name": person.last_name,
            "email": f"{person.username}@example.com",
        },
    )
    if created:
        user.set_password(DEMO_PASSWORD)
        user.save(update_fields=["password"])
    return user


def _tenant(slug, name):
    return Tenant.objects.filter(slug=slug).first() or actions.do_create_tenant(slug=slug, name=name)


def _partner(tenant, name):
    return Partner.objects.filter(tenant=tenant, name=name).first() or actions.do_create_partner(
        tenant=tenant, name=name, kind=Partner.Kind.LOGISTICS
    )


def _seat(tenant, person, admin_user):
    user = _user(person)
    if Membership.objects.filter(tenant=tenant, user=user).exists():
        return
    partner = _partner(tenant, person.partner) if person.partner else None
    actions.do_add_member(
        tenant=tenant,
        user=user,
        role=person.role,
        department=person.department,
        title=person.title,
        partner=partner,
        actor=admin_user,
    )


def load(out=None):
    """Create (or leave as they are) the demo tenants and people. Returns the Northwind tenant."""
    northwind = _tenant(*NORTHWIND)
    morgan = _user(CAST[0])
    for person in CAST:
        _seat(northwind, person, morgan)
    globex = _tenant(*GLOBEX)
    gina = _user(GLOBEX_CAST[0])
    for person in GLOBEX_CAST:
        _seat(globex, person, gina)
    return northwind


def logins():
    rows = [(p.username, DEMO_PASSWORD, f"{p.first_name}, {p.title}") for p in CAST]
    rows.append(("gina", DEMO_PASSWORD, "Gina, S&OP lead at Globex Drinks (second tenant)"))
    return rows
