"""Review fixes for file imports: numbers past the database integer, NUL bytes, broken workbooks, files
too large or too long, and customer owners who are not active internal members are all clear errors."""

import io

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from planning import imports
from planning.models import Customer, Product

from ..factories import MembershipFactory, PartnerFactory


def _upload(client, tenant, kind, name, data):
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data)})


def test_case_size_past_the_integer_range_is_a_row_error(tenant, planner_member, client_for):
    data = b"sku,name,case_size\nNW-1,Oats,99999999999999\n"
    response = _upload(client_for(planner_member), tenant, "products", "p.csv", data)
    assert response.status_code == 422
    assert {"row": 2, "field": "case_size", "message": "case_size must be at most 2147483647"} in (
        response.context["errors"]
    )
    assert not Product.objects.exists()


def test_nul_byte_in_a_cell_is_a_row_error(tenant, planner_member, client_for):
    data = b"sku,name\nNW-1,Oat\x00s\n"
    response = _upload(client_for(planner_member), tenant, "products", "p.csv", data)
    assert response.status_code == 422
    assert {"row": 2, "field": "name", "message": "name contains a NUL character"} in response.context[
        "errors"
    ]
    assert not Product.objects.exists()


def test_a_broken_xlsx_is_a_form_error(tenant, planner_member, client_for):
    data = b"PK\x03\x04" + b"\x07garbage" * 50
    response = _upload(client_for(planner_member), tenant, "products", "p.xlsx", data)
    assert response.status_code == 422
    [error] = response.context["errors"]
    assert error["field"] == "file" and "not a readable .xlsx" in error["message"]


def test_an_xlsx_that_is_a_zip_without_a_workbook_is_a_form_error(tenant, planner_member, client_for):
    import zipfile

    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as z:
        z.writestr("hello.txt", "not a workbook")
    response = _upload(client_for(planner_member), tenant, "products", "p.xlsx", buffer.getvalue())
    assert response.status_code == 422 and response.context["errors"][0]["field"] == "file"


@override_settings(PLANNING_IMPORT_MAX_BYTES=100)
def test_a_file_over_the_size_cap_is_refused(tenant, planner_member, client_for):
    data = b"sku,name\n" + b"NW-1,Oats\n" * 20
    response = _upload(client_for(planner_member), tenant, "products", "p.csv", data)
    assert response.status_code == 422
    assert "larger than" in str(response.context["form"].errors["file"])
    assert not Product.objects.exists()


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_a_file_over_the_row_cap_is_refused(tenant, planner_member, client_for, monkeypatch, fmt):
    monkeypatch.setattr(imports, "IMPORT_MAX_ROWS", 3)
    rows = [("sku", "name")] + [(f"NW-{i}", "Oats") for i in range(4)]
    if fmt == "csv":
        data = "\n".join(",".join(r) for r in rows).encode()
    else:
        book = openpyxl.Workbook()
        for r in rows:
            book.active.append(r)
        buffer = io.BytesIO()
        book.save(buffer)
        data = buffer.getvalue()
    response = _upload(client_for(planner_member), tenant, "products", f"p.{fmt}", data)
    assert response.status_code == 422
    assert "more than 3 rows" in response.context["errors"][0]["message"]
    assert not Product.objects.exists()
    ok = _upload(client_for(planner_member), tenant, "products", "p.csv", b"sku,name\nA,a\nB,b\nC,c\n")
    assert ok.status_code == 200 and Product.objects.count() == 3


@pytest.mark.parametrize("kind", ["partner", "inactive", "other_tenant"])
def test_customer_owner_must_be_an_active_internal_member(tenant, other_tenant, kind):
    if kind == "partner":
        member = MembershipFactory(tenant=tenant, role="viewer", partner=PartnerFactory(tenant=tenant))
    elif kind == "inactive":
        member = MembershipFactory(tenant=tenant, is_active=False)
    else:
        member = MembershipFactory(tenant=other_tenant)
    rows = [{"code": "C1", "name": "Contoso", "owner": member.user.username}]
    clean, errors = imports.validate(tenant, "customers", rows)
    assert clean == [] and errors == [
        {"row": 1, "field": "owner", "message": "owner is not an active internal member of this tenant"}
    ]
    assert not Customer.objects.exists()


def test_customer_owner_active_internal_member_is_accepted(tenant, planner_member):
    rows = [{"code": "C1", "name": "Contoso", "owner": planner_member.user.username}]
    clean, errors = imports.validate(tenant, "customers", rows)
    assert errors == [] and clean[0]["owner"] == planner_member.user
