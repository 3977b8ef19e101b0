"""Admins configure rules; parameters and scope are validated; bad input changes nothing."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from alerts import actions
from alerts.models import AlertStatus, ExceptionRule
from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import create_subject

from .factories import make_alert, make_rule

pytestmark = pytest.mark.django_db


def _values(**overrides):
    return {
        "name": "Demand spike",
        "kind": "demand_change",
        "params": {"change_pct": 50, "horizon_weeks": 8},
        "scope": {},
        "severity": "high",
        "min_consecutive_weeks": 1,
        "enabled": True,
        **overrides,
    }


def test_admin_creates_a_rule_with_a_subject_and_an_audit_event(admin_member):
    rule = actions.check_create_rule(admin_member, **_values())
    assert rule.subject.kind == "rule" and rule.params["change_pct"] == 50.0
    assert AuditEvent.objects.filter(verb="rule.create", subject=rule.subject).exists()


def test_planners_cannot_configure_rules(planner_member):
    with pytest.raises(PermissionDenied):
        actions.check_create_rule(planner_member, **_values())
    assert not ExceptionRule.objects.exists()


@pytest.mark.parametrize(
    "overrides,field",
    [
        ({"params": {"horizon_weeks": -2}}, "params.horizon_weeks"),
        ({"params": {"change_pct": "lots"}}, "params.change_pct"),
        ({"kind": "stock_below_safety", "params": {"horizon_weeks": "four"}}, "params.horizon_weeks"),
        ({"scope": {"brand_ids": [999999]}}, "scope.brand_ids"),
        ({"scope": {"brand_ids": ["x"]}}, "scope.brand_ids"),
        ({"scope": {"regions": [1]}}, "scope.regions"),
        ({"scope": {"families": ["Nope"]}}, "scope.families"),
        ({"name": ""}, "name"),
        ({"severity": "apocalyptic"}, "severity"),
        ({"min_consecutive_weeks": 0}, "min_consecutive_weeks"),
        ({"kind": "astrology"}, "kind"),
    ],
)
def test_bad_rule_input_is_refused_naming_the_field_and_nothing_is_written(admin_member, overrides, field):
    events = AuditEvent.objects.count()
    with pytest.raises(ValidationError) as error:
        actions.check_create_rule(admin_member, **_values(**overrides))
    assert field in error.value.message_dict
    assert not ExceptionRule.objects.exists() and AuditEvent.objects.count() == events


def test_another_tenants_brand_is_an_unknown_scope_id(admin_member, other_tenant):
    foreign = create_subject(tenant=other_tenant, kind="brand", title="Their brand")
    with pytest.raises(ValidationError) as error:
        actions.check_create_rule(admin_member, **_values(scope={"brand_ids": [foreign.pk]}))
    assert f"Unknown brand id(s): {foreign.pk}" in error.value.message_dict["scope.brand_ids"][0]


def test_edit_is_audited_old_to_new_and_disable_resolves_live_alerts(admin_member):
    rule = actions.check_create_rule(admin_member, **_values())
    alert = make_alert(rule)
    actions.check_update_rule(admin_member, rule, **_values(severity="medium"))
    event = AuditEvent.objects.get(verb="rule.update")
    assert (event.before, event.after) == ({"severity": "high"}, {"severity": "medium"})
    actions.do_set_rule_enabled(admin_member, rule, False)
    alert.refresh_from_db()
    assert alert.status == AlertStatus.RESOLVED and alert.auto_resolved


def test_delete_is_soft_and_frees_the_name(admin_member):
    rule = make_rule(admin_member.tenant)
    actions.do_delete_rule(admin_member, rule)
    rule.refresh_from_db()
    assert rule.is_deleted
    actions.check_create_rule(admin_member, **_values())  # the name can be used again
    assert AuditEvent.objects.filter(verb="rule.delete").count() == 1


def test_rules_screen_shows_form_errors_and_saves(client, admin_member):
    client.force_login(admin_member.user)
    slug = admin_member.tenant.slug
    url = reverse("alerts:rule_new", kwargs={"tenant_slug": slug})
    assert "Change above (%)" in client.get(url).content.decode()
    bad = client.post(
        url,
        {
            "name": "Spike",
            "kind": "demand_change",
            "severity": "high",
            "min_consecutive_weeks": 1,
            "p_change_pct": "lots",
            "p_min_abs_change": 0,
            "p_direction": "up",
            "p_level": "customer",
            "p_horizon_weeks": -1,
            "enabled": "on",
        },
    )
    assert bad.status_code == 400
    html = bad.content.decode()
    assert "Enter a number." in html and "Must be at least 1." in html
    assert not ExceptionRule.objects.exists()
    params = client.get(
        reverse("alerts:rule_params", kwargs={"tenant_slug": slug}), {"kind": "stock_below_safety"}
    )
    assert "Look ahead (weeks)" in params.content.decode() and "Change above" not in params.content.decode()
    good = client.post(
        url,
        {
            "name": "Low stock",
            "kind": "stock_below_safety",
            "severity": "medium",
            "min_consecutive_weeks": 1,
            "p_horizon_weeks": 4,
            "enabled": "on",
        },
    )
    assert good.status_code == 302
    listing = client.get(reverse("alerts:rules", kwargs={"tenant_slug": slug})).content.decode()
    assert "Low stock" in listing and "Projected stock below safety stock" in listing


def test_the_admin_who_creates_a_rule_follows_it(admin_member):
    from feeds.models import Follow

    rule = actions.check_create_rule(admin_member, **_values())
    assert Follow.objects.filter(user=admin_member.user, subject=rule.subject).exists()
