"""Issue 14: the onboarding a new company goes through, played through the product's screens and
commands only (no shell, no demo loader, no factories for the company's data): `create_tenant`, the first
admin joins, a partner is created, people are invited, master data is created, a cycle with its drafts is
started, plans are imported from a European-Excel CSV, a rule is switched on and one alert is raised."""

import datetime as dt
import re
from decimal import Decimal

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from alerts.models import Alert, ExceptionRule
from planning import weeks as wk
from planning.models import Facility, PlanEntry, PlanVersion, Product, Resource
from sopsocial.audit.chain import verify_tenant
from sopsocial.audit.models import AuditEvent
from sopsocial.tenancy.models import Membership, Tenant

SLUG = "fjordbakery"
LINK = re.compile(r"http://[^\s]+(/invite/[\w-]+/)")
OPTION = re.compile(r'<option value="(\d+)"[^>]*>([^<]+)</option>')


def _url(name, **kwargs):
    return reverse(name, kwargs={"tenant_slug": SLUG, **kwargs})


def _join(client, path, first_name, username, password):
    """Accept an invitation the way its recipient does: the link's page, then its form."""
    client.logout()
    assert client.get(path).status_code == 200
    joined = client.post(
        path,
        {
            "first_name": first_name,
            "last_name": "Test",
            "username": username,
            "password1": password,
            "password2": password,
        },
    )
    assert joined.status_code == 302, joined.content.decode()[:2000]


def _sign_in(client, username, password):
    client.logout()
    assert client.login(username=username, password=password)


def _excel_csv(header, rows):
    """What Excel saves as "CSV UTF-8" in a European locale: BOM, `;` between cells, CRLF line ends
    (the numbers in `rows` are already spelled with a decimal comma)."""
    lines = [";".join(header), *(";".join(row) for row in rows)]
    return ("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8")


def _draft_id_by_name(page, starts_with):
    """The import form's `version` select lists the drafts by name: pick one as a person would."""
    matches = [pk for pk, title in OPTION.findall(page) if title.startswith(starts_with)]
    assert len(matches) == 1, OPTION.findall(page)
    return matches[0]


def _import(client, kind, body, name, **extra):
    return client.post(
        _url("planning:import"), {"kind": kind, "file": SimpleUploadedFile(name, body), **extra}
    )


def _saved(response):
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


@pytest.mark.django_db
def test_a_new_company_onboards_through_screens_and_commands_to_its_first_alert(
    client, capsys, django_capture_on_commit_callbacks
):
    # 1. The operator starts the company from the command line; it prints the first admin's link.
    with django_capture_on_commit_callbacks(execute=True):
        call_command(
            "create_tenant", slug=SLUG, name="Fjord Bakery AS", admin_email="ingrid@fjordbakery.example"
        )
    admin_path = LINK.search(capsys.readouterr().out).group(1)
    tenant = Tenant.objects.get(slug=SLUG)

    # 2. The first admin joins through it.
    _join(client, admin_path, "Ingrid", "ingrid", "rye bread at dawn 1")
    admin = Membership.objects.get(tenant=tenant, user__username="ingrid")
    assert admin.role == "admin" and admin.partner is None
    assert client.get(_url("tenancy:people")).status_code == 200

    # 3. A partner organisation, then its user and an internal planner are invited from People.
    _saved(client.post(_url("tenancy:partner_create"), {"name": "Kvist Haulage", "kind": "3pl"}))
    partner = tenant.partners.get(name="Kvist Haulage")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _saved(
            client.post(_url("tenancy:people"), {"email": "sigrid@fjordbakery.example", "role": "planner"})
        )
        _saved(
            client.post(
                _url("tenancy:people"),
                {"email": "lars@kvist.example", "role": "viewer", "partner": partner.pk},
            )
        )
    links = {m.to[0]: LINK.search(m.body).group(1) for m in mail.outbox}
    assert set(links) == {"sigrid@fjordbakery.example", "lars@kvist.example"}

    # 4. The admin creates the master data with the forms: a plant, two products, a customer, and a
    #    resource (the oven line) with its weekly capacity and what one case of rye takes of it.
    _sign_in(client, "ingrid", "rye bread at dawn 1")
    _saved(
        client.post(_url("planning:facility_new"), {"code": "BGO", "name": "Bergen bakery", "kind": "plant"})
    )
    plant = Facility.objects.get(tenant=tenant, code="BGO")
    for sku, name in (("RYE-750", "Rye loaf 750 g"), ("OAT-500", "Oat rolls 500 g")):
        _saved(
            client.post(
                _url("planning:product_new"),
                {"sku": sku, "name": name, "family": "Bread", "unit": "case", "case_size": "12"},
            )
        )
    rye = Product.objects.get(tenant=tenant, sku="RYE-750")
    _saved(client.post(_url("planning:customer_new"), {"code": "MATKROK", "name": "Matkroken Dagligvare"}))
    _saved(
        client.post(
            _url("planning:resource_new"),
            {
                "code": "OVEN-1",
                "name": "Deck oven 1",
                "facility": plant.pk,
                "category": "oven",
                "unit": "hours",
            },
        )
    )
    oven = Resource.objects.get(tenant=tenant, code="OVEN-1")
    week0 = wk.this_week()
    _saved(
        client.post(
            _url("planning:resource_capacity", resource_id=oven.pk),
            {"first_week": week0.isoformat(), "weeks": "4", "capacity": "1000"},
        )
    )
    _saved(
        client.post(_url("planning:resource_usage", resource_id=oven.pk), {"product": rye.pk, "usage": "1"})
    )
    oven_page = client.get(oven.get_absolute_url()).content.decode()
    assert "Deck oven 1" in oven_page and "Rye loaf 750 g" in oven_page
    for listing, shown in (
        ("products", "OAT-500"),
        ("customers", "MATKROK"),
        ("facilities", "Bergen bakery"),
    ):
        assert shown in client.get(_url(f"planning:{listing}")).content.decode()

    # 5. A cycle for this month with its first demand and supply drafts, from the Plans page.
    _saved(
        client.post(
            _url("planning:cycle_new"),
            {
                "month": f"{timezone.localdate():%Y-%m}",
                "start_week": week0.isoformat(),
                "horizon_weeks": "12",
                "demand": "on",
                "supply": "on",
            },
        )
    )
    drafts = PlanVersion.objects.filter(tenant=tenant).select_related("plan", "subject")
    assert sorted((v.plan.plan_type, v.status) for v in drafts) == [("demand", "draft"), ("supply", "draft")]

    # 6. Plans imported from Excel's European CSV, each into the draft picked by its name on the screen.
    import_page = client.get(_url("planning:import")).content.decode()
    demand_id = _draft_id_by_name(import_page, "Demand")
    supply_id = _draft_id_by_name(import_page, "Supply")
    week1 = week0 + dt.timedelta(weeks=1)
    demand_file = _excel_csv(
        ["sku", "customer", "facility", "week", "qty"],
        [
            ["RYE-750", "MATKROK", "BGO", week0.isoformat(), "1.180,5"],
            ["RYE-750", "MATKROK", "BGO", week1.isoformat(), "940"],
            ["OAT-500", "MATKROK", "BGO", week0.isoformat(), "2.005,75"],
        ],
    )
    # the rye planned in week 0 needs 1.234,5 oven hours of 1.000: an overload; week 1 fits (980,25)
    supply_file = _excel_csv(
        ["sku", "facility", "week", "qty"],
        [
            ["RYE-750", "BGO", week0.isoformat(), "1.234,5"],
            ["RYE-750", "BGO", week1.isoformat(), "980,25"],
            ["OAT-500", "BGO", week0.isoformat(), "2.005,75"],
        ],
    )
    for version_id, body, name in (
        (demand_id, demand_file, "demand.csv"),
        (supply_id, supply_file, "supply.csv"),
    ):
        with django_capture_on_commit_callbacks(execute=True):
            response = _import(client, "plan_entries", body, name, version=version_id)
        assert response.status_code == 200, response.context["errors"]
        page = response.content.decode()
        assert "separated by a semicolon" in page and "decimal comma" in page
    stored = {
        (e.version.plan.plan_type, e.product.sku, e.week, e.qty)
        for e in PlanEntry.objects.filter(version__tenant=tenant).select_related("version__plan", "product")
    }
    assert stored == {
        ("demand", "RYE-750", week0, Decimal("1180.50")),
        ("demand", "RYE-750", week1, Decimal("940.00")),
        ("demand", "OAT-500", week0, Decimal("2005.75")),
        ("supply", "RYE-750", week0, Decimal("1234.50")),
        ("supply", "RYE-750", week1, Decimal("980.25")),
        ("supply", "OAT-500", week0, Decimal("2005.75")),
    }
    assert not Alert.objects.filter(tenant=tenant).exists()  # no rule yet, nothing raised

    # 7. The admin sets a capacity rule up on the rules screen (off), then switches it on.
    rule_form = {
        "name": "Oven overload",
        "kind": "capacity_overload",
        "severity": "high",
        "min_consecutive_weeks": "1",
        "p_utilisation_pct": "100",
        "p_horizon_weeks": "4",
    }
    with django_capture_on_commit_callbacks(execute=True):
        _saved(client.post(_url("alerts:rule_new"), rule_form))
    rule = ExceptionRule.objects.get(tenant=tenant, name="Oven overload")
    assert not rule.enabled and not Alert.objects.filter(tenant=tenant).exists()
    with django_capture_on_commit_callbacks(execute=True):
        _saved(client.post(_url("alerts:rule_toggle", rule_id=rule.pk)))
    rule.refresh_from_db()
    assert rule.enabled

    # 8. Exactly one alert: the oven in week 0, with the file's numbers exactly.
    alert = Alert.objects.get(tenant=tenant)
    assert (alert.rule, alert.status, alert.severity) == (rule, "open", "high")
    assert alert.subject == oven.subject
    assert (alert.window_start, alert.window_end) == (week0, week0)
    assert alert.numbers["value"] == 1234.5 and alert.numbers["reference"] == 1000
    assert alert.title.startswith("Oven overload: Deck oven 1 · Bergen bakery")
    assert "load 1,234 vs capacity 1,000" in alert.summary
    alerts_page = client.get(_url("alerts:list")).content.decode()
    assert alert.title in alerts_page and alert.get_absolute_url() in alerts_page
    assert client.get(alert.get_absolute_url()).status_code == 200

    # 9. The invited planner joins, signs in and sees the plan and its numbers.
    _join(client, links["sigrid@fjordbakery.example"], "Sigrid", "sigrid", "sourdough starter 22")
    assert Membership.objects.get(tenant=tenant, user__username="sigrid").role == "planner"
    _sign_in(client, "sigrid", "sourdough starter 22")
    plans_page = client.get(_url("planning:versions")).content.decode()
    supply = drafts.get(plan__plan_type="supply")
    assert supply.get_absolute_url() in plans_page and "Supply plan v1" in plans_page
    grid = client.get(_url("planning:grid", version_id=supply.pk))
    assert grid.status_code == 200 and "Rye loaf 750 g" in grid.content.decode()
    assert 'value="1234.50"' in grid.content.decode() and 'value="980.25"' in grid.content.decode()

    # 10. The partner's user joins and is kept out of the plans (and the internal alerts).
    _join(client, links["lars@kvist.example"], "Lars", "lars", "haulage all night 3")
    lars = Membership.objects.get(tenant=tenant, user__username="lars")
    assert lars.partner == partner and lars.role == "viewer"
    _sign_in(client, "lars", "haulage all night 3")
    for path in (
        _url("planning:versions"),
        _url("planning:grid", version_id=supply.pk),
        _url("planning:import"),
        _url("alerts:list"),
        alert.get_absolute_url(),
    ):
        assert client.get(path).status_code == 404, path

    # 11. Every step left its audit event, and the tenant's chain verifies.
    verbs_in_order = list(AuditEvent.objects.filter(tenant=tenant).values_list("verb", flat=True))
    verbs = set(verbs_in_order)
    assert {
        "tenant.create",
        "invitation.create",
        "invitation.accept",
        "partner.create",
        "planning.cycle_create",
        "planning.version_create",
        "rule.create",
        "rule.enable",
        "alert.raise",
    } <= verbs, verbs
    assert verify_tenant(tenant).ok
    call_command("audit_verify", tenant=SLUG)
    assert f"{SLUG}: {len(verbs_in_order)} events, chain intact" in capsys.readouterr().out
