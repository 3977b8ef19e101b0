"""The navigation's count badge (sopsocial.pages.nav): an app registers a count callable; the menu runs it
lazily, once per page, and only when a template shows it."""

import pytest

from sopsocial.pages import nav
from sopsocial.pages.registry import Registry

from ..factories import MembershipFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def calls(monkeypatch):
    registry = Registry()
    monkeypatch.setattr(nav, "_registry", registry)
    seen = []

    def count(member):
        seen.append(member.pk)
        return 3

    registry.register(nav.NavItem("Counted", "alerts:list", count=count))
    registry.register(nav.NavItem("Plain", "alerts:rules"))
    return seen


def test_the_count_runs_only_when_read_and_once(tenant, calls):
    member = MembershipFactory(tenant=tenant, role="admin")
    counted, plain = nav.items_for(member)
    assert calls == []  # building the menu costs nothing
    assert plain["count"] is None
    assert counted["count"]() == 3 and counted["count"]() == 3
    assert calls == [member.pk]


def test_my_work_registers_its_count(tenant):
    from process.selectors import my_work_count

    member = MembershipFactory(tenant=tenant, role="executive")
    items = {i["label"]: i for i in nav.items_for(member)}
    assert items["My work"]["url"] == f"/t/{tenant.slug}/my-work/"
    assert items["My work"]["count"]() == my_work_count(member) == 0
