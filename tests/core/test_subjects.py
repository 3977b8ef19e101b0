"""A subject's parents belong to its tenant, however the caller hands them over."""

import pytest

from sopsocial.subjects.actions import create_subject, set_parents
from sopsocial.subjects.models import SubjectParent


@pytest.mark.django_db
def test_a_parent_of_another_tenant_is_refused(tenant, other_tenant):
    foreign = create_subject(tenant=other_tenant, kind="customer", title="Theirs")
    with pytest.raises(ValueError, match="same tenant"):
        create_subject(tenant=tenant, kind="sales_order", title="SO-1", parents=[foreign])


@pytest.mark.django_db
def test_parents_given_as_a_generator_are_checked_and_linked_once_each(tenant, other_tenant):
    # set_parents reads its parents twice (the links wanted, then the tenant check): a generator used to
    # be spent by the first read, so the check saw nothing and a foreign parent was linked.
    foreign = create_subject(tenant=other_tenant, kind="customer", title="Theirs")
    order = create_subject(tenant=tenant, kind="sales_order", title="SO-1")
    with pytest.raises(ValueError, match="same tenant"):
        set_parents(order, (s for s in [foreign]))
    assert not SubjectParent.objects.filter(child=order).exists()

    customer = create_subject(tenant=tenant, kind="customer", title="Contoso Retail")
    set_parents(order, (s for s in [customer, None]))
    assert list(SubjectParent.objects.filter(child=order).values_list("parent_id", flat=True)) == [
        customer.pk
    ]
