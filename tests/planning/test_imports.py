"""File imports: validate everything first, row-level report, all or nothing, idempotent."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.urls import reverse

from planning import actions, imports
from planning.models import Actual, Brand, Customer, Facility, InventorySnapshot, Product
from sopsocial.audit.models import AuditEvent

from . import factories as pf

PRODUCTS_CSV = (
    "sku,name,brand,family,unit,case_size\n"
    "NW-1,Oat Crunch 500g,Crunchy,Cereal,case,12\n"
    "NW-2,Bran 1kg,,Cereal,,\n"
)


def _upload(client, tenant, kind, name, data, **extra):
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data), **extra})


def test_csv_upload_creates_then_reimport_changes_nothing(tenant, planner_member, client_for):
    client = client_for(planner_member)
    response = _upload(client, tenant, "products", "p.csv", PRODUCTS_CSV.encode())
    assert response.status_code == 200 and response.context["counts"] == {
        "created": 2,
        "updated": 0,
        "unchanged": 0,
    }
    assert Product.objects.get(sku="NW-1").brand.name == "Crunchy"
    events = AuditEvent.objects.count()
    again = _upload(client, tenant, "products", "p.csv", PRODUCTS_CSV.encode())
    assert again.context["counts"] == {"created": 0, "updated": 0, "unchanged": 2}
    assert AuditEvent.objects.count() == events


def test_one_bad_row_rolls_back_the_whole_file_with_a_row_level_report(tenant, planner_member, client_for):
    bad = PRODUCTS_CSV + "NW-3,,Crunchy,Cereal,case,abc\nNW-1,Duplicate,,,,\n"
    response = _upload(client_for(planner_member), tenant, "products", "p.csv", bad.encode())
    assert response.status_code == 422
    errors = response.context["errors"]
    assert {"row": 4, "field": "name", "message": "name is required"} in errors
    assert {"row": 4, "field": "case_size", "message": "case_size must be a whole number"} in errors
    assert any(e["row"] == 5 and e["field"] == "sku" and "duplicate of row 2" in e["message"] for e in errors)
    assert not Product.objects.exists() and not Brand.objects.exists()


def test_apply_failure_midway_writes_nothing(tenant, monkeypatch):
    clean, errors = imports.validate(
        tenant, "products", [{"sku": "A", "name": "A"}, {"sku": "B", "name": "B"}]
    )
    assert not errors
    calls = []

    def boom(i):
        calls.append(i)
        if i == 1:
            raise RuntimeError("disk full")

    with pytest.raises(RuntimeError):
        actions.do_load_rows(tenant, "products", clean, progress=boom)
    assert not Product.objects.exists() and calls == [0, 1]


def test_inventory_and_actuals_reference_codes_and_unknown_codes_are_reported(tenant):
    product = pf.ProductFactory(tenant=tenant, sku="NW-1")
    pf.FacilityFactory(tenant=tenant, code="LEEDS")
    pf.CustomerFactory(tenant=tenant, code="CONTOSO")
    rows = [
        {
            "sku": "NW-1",
            "facility": "LEEDS",
            "as_of": "2026-11-23",
            "on_hand": "6000",
            "safety_stock": "2500",
        },
        {"sku": "NOPE", "facility": "LEEDS", "as_of": "2026-11-23", "on_hand": "-1"},
    ]
    clean, errors = imports.validate(tenant, "inventory", rows, first_row=2)
    assert {(e["row"], e["field"]) for e in errors} == {(3, "on_hand")}
    clean, errors = imports.validate(tenant, "inventory", [rows[0], {**rows[1], "on_hand": "1"}], first_row=2)
    assert errors == [{"row": 3, "field": "sku", "message": "unknown product SKU “NOPE”"}]
    clean, errors = imports.validate(
        tenant,
        "actuals",
        [{"sku": "NW-1", "customer": "CONTOSO", "facility": "LEEDS", "week": "2026-11-26", "qty": "10"}],
    )
    assert not errors
    actions.do_load_rows(tenant, "actuals", clean)
    assert Actual.objects.get().week.isoformat() == "2026-11-23"  # stored as the week's Monday
    actions.do_load_rows(tenant, "inventory", imports.validate(tenant, "inventory", [rows[0]])[0])
    assert InventorySnapshot.objects.get(product=product).on_hand == 6000


def test_xlsx_upload(tenant, planner_member, client_for):
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["code", "name", "kind"])
    sheet.append(["LEEDS", "Leeds depot", "depot"])
    buffer = io.BytesIO()
    book.save(buffer)
    response = _upload(client_for(planner_member), tenant, "facilities", "f.xlsx", buffer.getvalue())
    assert response.status_code == 200 and Facility.objects.get().name == "Leeds depot"


def test_unreadable_file_is_reported_not_a_500(tenant, planner_member, client_for):
    response = _upload(client_for(planner_member), tenant, "products", "p.pdf", b"%PDF")
    assert response.status_code == 422 and response.context["errors"][0]["field"] == "file"


def test_plan_entries_import_into_a_draft_only(tenant, planner_member, client_for):
    product = pf.ProductFactory(tenant=tenant, sku="NW-1")
    customer, facility = (
        pf.CustomerFactory(tenant=tenant, code="C"),
        pf.FacilityFactory(tenant=tenant, code="F"),
    )
    draft = pf.make_version(tenant)
    published = pf.make_version(tenant, status="published")
    data = f"sku,customer,facility,week,qty\nNW-1,C,F,{draft.start_week},4800\n".encode()
    client = client_for(planner_member)
    assert _upload(client, tenant, "plan_entries", "e.csv", data, version=published.pk).status_code == 422
    assert _upload(client, tenant, "plan_entries", "e.csv", data, version=draft.pk).status_code == 200
    entry = draft.entries.get()
    assert (entry.product, entry.customer, entry.facility, entry.qty) == (product, customer, facility, 4800)
    assert draft.changes.get().new_qty == 4800


def test_import_planning_command_reports_rows_and_is_idempotent(tenant, tmp_path, capsys):
    path = tmp_path / "customers.csv"
    path.write_text("code,name\nCONTOSO,Contoso Retail\n,Nameless\n")
    with pytest.raises(CommandError):
        call_command("import_planning", str(path), tenant=tenant.slug, kind="customers")
    assert "3\tcode\tcode is required" in capsys.readouterr().err
    assert not Customer.objects.exists()
    path.write_text("code,name\nCONTOSO,Contoso Retail\n")
    call_command("import_planning", str(path), tenant=tenant.slug, kind="customers")
    call_command("import_planning", str(path), tenant=tenant.slug, kind="customers")
    out = capsys.readouterr().out
    assert "[########################################] 1/1" in out and "0 new, 0 changed, 1 unchanged" in out
    assert Customer.objects.get().subject.title == "Contoso Retail"
