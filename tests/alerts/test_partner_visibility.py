"""Internal alerts never reach partner users; a rule marked "visible to partners with whom the subject is
shared" lets its alerts reach them, and only on subjects shared with their organisation: pages, the
subject page's alert panel, feeds and bell notifications."""

import pytest
from django.db import transaction
from django.urls import reverse

from alerts import actions
from alerts.evaluation.apply import _announce
from alerts.verbs import AlertsVerb
from feeds.models import FeedItem, InboxEntry, Notification
from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import create_subject, do_share_subject

from ..factories import MembershipFactory, PartnerFactory
from .factories import make_alert, make_rule

pytestmark = pytest.mark.django_db


@pytest.fixture
def scene(tenant):
    admin = MembershipFactory(tenant=tenant, role="admin")
    partner = PartnerFactory(tenant=tenant, name="FastFreight")
    olu = MembershipFactory(tenant=tenant, role="viewer", partner=partner)
    with transaction.atomic():
        order = create_subject(tenant=tenant, kind="sales_order", title="SO-1001")
        unshared = create_subject(tenant=tenant, kind="sales_order", title="SO-2002")
        do_share_subject(admin, order, partner)  # olu now follows the order (sharing hook)
    internal_rule = make_rule(tenant, name="Margin erosion", severity="high")
    shared_rule = make_rule(tenant, name="Late shipment", severity="medium", visible_to_partners=True)
    return admin, olu, order, unshared, internal_rule, shared_rule


def _url(name, tenant, **kwargs):
    return reverse(f"alerts:{name}", kwargs={"tenant_slug": tenant.slug, **kwargs})


def test_a_partner_user_gets_404_on_the_alerts_list_and_on_internal_alerts_of_shared_orders(
    client, tenant, scene
):
    admin, olu, order, _unshared, internal_rule, _shared_rule = scene
    internal = make_alert(internal_rule, subject=order, key="o1", title="Margin erosion on SO-1001")
    client.force_login(olu.user)
    assert client.get(_url("list", tenant)).status_code == 404
    assert client.get(internal.get_absolute_url()).status_code == 404
    panel = client.get(_url("subject_alerts", tenant, subject_id=order.pk)).content.decode()
    assert "Margin erosion" not in panel and "High" not in panel
    client.force_login(admin.user)
    assert "Margin erosion on SO-1001" in client.get(_url("list", tenant)).content.decode()


def test_a_partner_visible_rules_alert_reaches_partners_only_on_subjects_shared_with_them(
    client, tenant, scene
):
    _admin, olu, order, unshared, _internal_rule, shared_rule = scene
    on_shared = make_alert(shared_rule, subject=order, key="o1", title="Late shipment: SO-1001")
    on_unshared = make_alert(shared_rule, subject=unshared, key="o2", title="Late shipment: SO-2002")
    client.force_login(olu.user)
    page = client.get(on_shared.get_absolute_url())
    assert page.status_code == 200 and "Late shipment: SO-1001" in page.content.decode()
    assert client.get(on_unshared.get_absolute_url()).status_code == 404
    panel = client.get(_url("subject_alerts", tenant, subject_id=order.pk)).content.decode()
    assert "Late shipment: SO-1001" in panel


def test_alert_feed_items_are_internal_unless_the_rule_is_partner_visible(
    tenant, scene, django_capture_on_commit_callbacks
):
    _admin, olu, order, _unshared, internal_rule, shared_rule = scene
    internal = make_alert(internal_rule, subject=order, key="o1")
    shared = make_alert(shared_rule, subject=order, key="o2")
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            items = [
                _announce(a, audit_verb=AlertsVerb.RAISE, subject_ids=[order.pk], feed_verb="alert.raised")
                for a in (internal, shared)
            ]
    assert [i.visibility for i in items] == ["internal", "partners"]
    olu_items = set(InboxEntry.objects.filter(user=olu.user).values_list("item_id", flat=True))
    assert olu_items == {items[1].pk}
    rang = set(Notification.objects.filter(user=olu.user).values_list("item_id", flat=True))
    assert rang == {items[1].pk}
    assert FeedItem.objects.get(pk=items[1].pk).data["rule"] == "Late shipment"


def test_the_rule_form_marks_a_rule_visible_to_partners_and_audits_it(client, admin_member):
    client.force_login(admin_member.user)
    url = _url("rule_new", admin_member.tenant)
    form = client.get(url).content.decode()
    assert "Visible to partners with whom the subject is shared" in form
    client.post(
        url,
        {
            "name": "Late shipment",
            "kind": "new_order",
            "severity": "low",
            "min_consecutive_weeks": 1,
            "enabled": "on",
            "visible_to_partners": "on",
        },
    )
    rule = admin_member.tenant.exception_rules.get()
    assert rule.visible_to_partners
    actions.check_update_rule(
        admin_member,
        rule,
        name=rule.name,
        kind=rule.kind,
        params=rule.params,
        scope=rule.scope,
        severity=rule.severity,
        visible_to_partners=False,
    )
    event = AuditEvent.objects.get(verb="rule.update")
    assert (event.before["visible_to_partners"], event.after["visible_to_partners"]) == (True, False)
