"""The files people actually have, through the import screen: each bad input gets one clear message
and writes nothing; each good one stores exactly the numbers the file holds."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse

from planning.models import InventorySnapshot, Product

from . import factories as pf

HEAD = "sku,facility,as_of,on_hand,safety_stock\n"


@pytest.fixture
def world(tenant):
    pf.ProductFactory(tenant=tenant, sku="NW-1", name="Oats")
    pf.FacilityFactory(tenant=tenant, code="LEEDS")
    return tenant


def _upload(client, tenant, data, name="inventory.csv", kind="inventory", **extra):
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    return client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data), **extra})


def _stored(tenant):
    return {(s.on_hand, s.safety_stock) for s in InventorySnapshot.objects.filter(tenant=tenant)}


def _xlsx(rows):
    book = openpyxl.Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GOOD = [
    # (what, bytes, extra form fields, stored (on_hand, safety_stock))
    ("thousands separators", (HEAD + 'NW-1,LEEDS,2026-11-23,"4,800",200\n').encode(), {}, (4800, 200)),
    ("decimal point", (HEAD + "NW-1,LEEDS,2026-11-23,255.65,0.5\n").encode(), {}, ("255.65", "0.5")),
    (
        "Excel's European CSV: ; separator, decimal comma, BOM",
        (
            "\ufeffsku;facility;as_of;on_hand;safety_stock\r\nNW-1;LEEDS;2026-11-23;1.234,5;255,65\r\n"
        ).encode(),
        {},
        ("1234.5", "255.65"),
    ),
    (
        "decimal comma chosen on the screen for a comma-separated file",
        (HEAD + 'NW-1,LEEDS,2026-11-23,"255,65",1\n').encode(),
        {"numbers": "comma"},
        ("255.65", 1),
    ),
    (
        "Windows-1252 with an extra column",
        (HEAD.strip() + ",note\nNW-1,LEEDS,2026-11-23,10,1,Caf\u00e9 d\u00e9p\u00f4t\n").encode("cp1252"),
        {},
        (10, 1),
    ),
    (
        "rounding chosen",
        (HEAD + "NW-1,LEEDS,2026-11-23,10.005,1\n").encode(),
        {"round_to_cents": "on"},
        ("10.01", 1),
    ),
]


@pytest.mark.parametrize(("what", "data", "extra", "stored"), GOOD, ids=[g[0] for g in GOOD])
def test_files_people_have_store_exactly_the_numbers_they_hold(
    world, planner_member, client_for, what, data, extra, stored
):
    response = _upload(client_for(planner_member), world, data, **extra)
    assert response.status_code == 200, response.context["errors"]
    assert _stored(world) == {(Decimal(str(stored[0])), Decimal(str(stored[1])))}


def test_notes_say_how_the_file_was_read(world, planner_member, client_for):
    client = client_for(planner_member)
    european = _upload(client, world, b"sku;facility;as_of;on_hand\nNW-1;LEEDS;2026-11-23;1,5\n")
    assert (
        "separated by a semicolon" in european.content.decode()
        and "decimal comma" in european.content.decode()
    )
    legacy = _upload(client, world, (HEAD.strip() + ",remarks\nNW-1,LEEDS,2026-11-23,2,\n").encode("cp1252"))
    page = legacy.content.decode()
    assert "Ignored column this import does not know: remarks." in page


BAD = [
    # (what, bytes, file name, extra, the message's telling words, field)
    (
        "ambiguous comma",
        (HEAD + 'NW-1,LEEDS,2026-11-23,"255,65",1\n').encode(),
        "i.csv",
        {},
        "ambiguous",
        "on_hand",
    ),
    (
        "misplaced thousands",
        (HEAD + 'NW-1,LEEDS,2026-11-23,"1,23,456",1\n').encode(),
        "i.csv",
        {},
        "not a number",
        "on_hand",
    ),
    (
        "decimal point in a ; file",
        b"sku;facility;as_of;on_hand\nNW-1;LEEDS;2026-11-23;4.8\n",
        "i.csv",
        {},
        "decimal point",
        "on_hand",
    ),
    (
        "junk after a date",
        (HEAD + "NW-1,LEEDS,2026-11-23abc,1,1\n").encode(),
        "i.csv",
        {},
        "not a date",
        "as_of",
    ),
    (
        "a date that does not exist",
        (HEAD + "NW-1,LEEDS,2026-02-30,1,1\n").encode(),
        "i.csv",
        {},
        "not a real date",
        "as_of",
    ),
    (
        "three decimals",
        (HEAD + "NW-1,LEEDS,2026-11-23,1.005,1\n").encode(),
        "i.csv",
        {},
        "at most two decimals",
        "on_hand",
    ),
    (
        "negative",
        (HEAD + "NW-1,LEEDS,2026-11-23,-5,1\n").encode(),
        "i.csv",
        {},
        "cannot be negative",
        "on_hand",
    ),
    (
        "unknown code",
        (HEAD + "NW-9,LEEDS,2026-11-23,5,1\n").encode(),
        "i.csv",
        {},
        "unknown product SKU",
        "sku",
    ),
    (
        "duplicate rows",
        (HEAD + "NW-1,LEEDS,2026-11-23,5,1\nNW-1,LEEDS,2026-11-23,6,1\n").encode(),
        "i.csv",
        {},
        "duplicate of row 2",
        "sku",
    ),
    (
        "wrong headers",
        b"item,site,date,qty\nNW-1,LEEDS,2026-11-23,5\n",
        "i.csv",
        {},
        "sku, facility, as_of, on_hand, safety_stock",
        "file",
    ),
    (
        "a missing column",
        b"sku,facility,on_hand\nNW-1,LEEDS,5\n",
        "i.csv",
        {},
        "Missing required column: as_of",
        "file",
    ),
    ("not text at all", b"\x00\x01\x02\x81\x8d\xff" * 20, "i.csv", {}, "CSV UTF-8", "file"),
    ("formulas without values", None, "i.xlsx", {}, "formulas without a calculated value", "file"),
]


@pytest.mark.parametrize(("what", "data", "name", "extra", "words", "field"), BAD, ids=[b[0] for b in BAD])
def test_bad_files_get_a_clear_message_and_write_nothing(
    world, planner_member, client_for, what, data, name, extra, words, field
):
    if data is None:
        data = _xlsx([["sku", "facility", "as_of", "on_hand"], ["NW-1", "LEEDS", "2026-11-23", "=2*2"]])
    response = _upload(client_for(planner_member), world, data, name=name, **extra)
    assert response.status_code == 422
    errors = response.context["errors"]
    assert any(words in e["message"] and e["field"] == field for e in errors), errors
    if field == "file":
        assert len(errors) == 1  # said once for the file, not once per row
    assert not InventorySnapshot.objects.exists()


@override_settings(PLANNING_IMPORT_MAX_BYTES=100)
def test_an_oversize_file_is_refused_with_the_limit(world, planner_member, client_for):
    response = _upload(
        client_for(planner_member), world, (HEAD + "NW-1,LEEDS,2026-11-23,5,1\n" * 20).encode()
    )
    assert response.status_code == 422 and b"larger than" in response.content
    assert not InventorySnapshot.objects.exists()


def test_products_with_a_decimal_comma_file_keep_their_whole_numbers(tenant, planner_member, client_for):
    data = b"sku;name;case_size\nNW-7;Muesli 1,5 kg;12\n"
    response = _upload(client_for(planner_member), tenant, data, name="p.csv", kind="products")
    assert response.status_code == 200
    assert (
        Product.objects.get(sku="NW-7").name == "Muesli 1,5 kg"
        and Product.objects.get(sku="NW-7").case_size == 12
    )


def test_each_kind_has_a_template_and_its_rules_on_the_screen(tenant, planner_member, client_for):
    client = client_for(planner_member)
    page = client.get(reverse("planning:import", kwargs={"tenant_slug": tenant.slug})).content.decode()
    assert "a number, 0 or more, at most two decimals" in page and "MB and 200,000 rows" in page
    url = reverse("planning:import_template", kwargs={"tenant_slug": tenant.slug, "kind": "inventory"})
    assert url in page
    template = client.get(url)
    assert template["Content-Disposition"] == 'attachment; filename="inventory-template.csv"'
    assert template.content == b"sku,facility,as_of,on_hand,safety_stock\r\n"
    # the template, filled in, imports as it is
    filled = template.content + b"NW-1,LEEDS,2026-11-23,5,1\r\n"
    pf.ProductFactory(tenant=tenant, sku="NW-1")
    pf.FacilityFactory(tenant=tenant, code="LEEDS")
    assert _upload(client, tenant, filled).status_code == 200
    bad = reverse("planning:import_template", kwargs={"tenant_slug": tenant.slug, "kind": "nope"})
    assert client.get(bad).status_code == 404
