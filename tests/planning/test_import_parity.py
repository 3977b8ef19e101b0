"""Issue 14: the same data imports through the screen, the command and the API with identical results.

frePPLe's manufacturing demo goes in four ways, each into a fresh tenant: the documented command
(`import_planning --frepple`), the import screen (a CSV per kind, the cycle from the Plans page, plan
entries into its drafts), the ERP API (bulk endpoints, plan-cycles, entries into its drafts) and the command
again with the screen's CSV files (`import_planning FILE --kind`). SupplyGraph-shaped data (weekly actuals
per product x plant, fractional quantities) goes in through the screen as Excel's European CSV, through the
command as a plain CSV and through the API as JSON numbers. The tenants' data, compared by codes, must be
identical, and every stored quantity must be the generated Decimal exactly."""

import csv
import datetime as dt
import io
import json
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.test import Client
from django.urls import reverse

from planning import actions, frepple, imports
from planning.models import (
    Actual,
    Customer,
    Facility,
    InventorySnapshot,
    PlanCycle,
    PlanEntry,
    PlanVersion,
    Product,
    Resource,
    ResourceCapacity,
    ResourceLoad,
    SalesOrder,
    SalesOrderLine,
    Supplier,
)
from sopsocial.api.actions import do_create_api_key

from ..factories import MembershipFactory, TenantFactory

pytestmark = pytest.mark.django_db

# the kinds the screen and the command take, in the order they must be applied (sales orders as lines)
FILE_KIND = {"sales_orders": "sales_order_lines"}


# --- what a tenant holds, by codes --------------------------------------------------------------------


def snapshot(tenant):
    """Everything an import can write, keyed by codes (never ids), sorted: equal snapshots are equal data."""

    def rows(queryset, *fields):
        return sorted(queryset.filter(tenant=tenant).values_list(*fields))

    cycle = PlanCycle.objects.get(tenant=tenant) if PlanCycle.objects.filter(tenant=tenant).exists() else None
    entries = {}
    for plan_type in ("demand", "supply"):
        entries[plan_type] = sorted(
            (e.product.sku, e.customer.code if e.customer else None, e.facility.code, e.week, e.qty)
            for e in PlanEntry.objects.filter(
                version__tenant=tenant, version__plan__plan_type=plan_type
            ).select_related("product", "customer", "facility")
        )
    return {
        "products": rows(Product.objects, "sku", "name", "brand__name", "family", "unit", "case_size"),
        "customers": rows(Customer.objects, "code", "name", "owner__username"),
        "facilities": rows(Facility.objects, "code", "name", "kind"),
        "suppliers": rows(Supplier.objects, "code", "partner__name", "partner__kind"),
        "inventory": rows(
            InventorySnapshot.objects, "product__sku", "facility__code", "as_of", "on_hand", "safety_stock"
        ),
        "actuals": rows(Actual.objects, "product__sku", "customer__code", "facility__code", "week", "qty"),
        "sales_orders": rows(
            SalesOrder.objects,
            "number",
            "customer__code",
            "facility__code",
            "order_date",
            "ship_date",
            "status",
        ),
        "order_lines": sorted(
            SalesOrderLine.objects.filter(order__tenant=tenant).values_list(
                "order__number", "line", "product__sku", "qty"
            )
        ),
        "resources": rows(Resource.objects, "code", "name", "facility__code", "category", "unit"),
        "capacity": rows(ResourceCapacity.objects, "resource__code", "week", "capacity"),
        "usage": rows(ResourceLoad.objects, "resource__code", "product__sku", "usage"),
        "cycle": cycle and (cycle.month, cycle.start_week, cycle.horizon_weeks),
        "drafts": sorted(
            (v.plan.plan_type, v.status, v.start_week, v.weeks)
            for v in PlanVersion.objects.filter(tenant=tenant, cycle=cycle).select_related("plan")
        ),
        "demand": entries["demand"],
        "supply": entries["supply"],
    }


def assert_same(snapshots):
    """Every snapshot equals the first, part by part (so a failure names the part that differs)."""
    (first_name, first), *others = snapshots.items()
    for name, other in others:
        for part in first:
            assert other[part] == first[part], f"{part}: {name} differs from {first_name}"


# --- the three channels -------------------------------------------------------------------------------


def _tenant(slug):
    tenant = TenantFactory(slug=slug)
    admin = MembershipFactory(tenant=tenant, role="admin")
    return tenant, admin


def _screen(member):
    client = Client()
    client.force_login(member.user)
    return client


def _csv(kind, rows):
    """A plain CSV (comma, decimal point, UTF-8) of `kind` from loader rows; an order as a row per line."""
    if kind in FILE_KIND:
        rows = [{**{k: v for k, v in r.items() if k != "lines"}, **line} for r in rows for line in r["lines"]]
        kind = FILE_KIND[kind]
    names = [c.name for c in imports.SPECS[kind][0]]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, lineterminator="\r\n")
    writer.writeheader()
    writer.writerows(rows)
    return kind, buffer.getvalue().encode("utf-8")


def _upload(client, tenant, kind, name, data, **extra):
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    response = client.post(url, {"kind": kind, "file": SimpleUploadedFile(name, data), **extra})
    assert response.status_code == 200, (kind, response.context["errors"][:5])
    assert response.context["counts"] is not None, kind  # imported inline, not queued as a job
    return response.context["counts"]


def _json_row(kind, row):
    """A loader row (strings) as the API takes it: numbers as JSON numbers, whole numbers as ints."""
    types = {c.name: c.type for c in imports.SPECS[kind][0]}
    out = {}
    for name, value in row.items():
        if types[name] == "lines":
            value = [{"sku": line["sku"], "qty": float(line["qty"])} for line in value]
        elif value in ("", None):
            continue  # an optional column left blank is left out
        elif types[name] in ("qty", "rate"):
            value = float(value)
        elif types[name] == "int":
            value = int(value)
        out[name] = value
    return out


class Api:
    def __init__(self, tenant, admin):
        self.tenant, self.client = tenant, Client()
        self.headers = {"HTTP_AUTHORIZATION": f"Bearer {do_create_api_key(admin, 'parity')[1]}"}

    def post(self, name, body, **kwargs):
        url = reverse(f"planning_api:{name}", kwargs={"tenant_slug": self.tenant.slug, **kwargs})
        response = self.client.post(url, json.dumps(body), content_type="application/json", **self.headers)
        assert response.status_code == 200, (name, response.json())
        return response.json()

    def bulk(self, kind, rows, **kwargs):
        name = "plan_entries_bulk" if kind == "plan_entries" else f"{kind}_bulk"
        return self.post(name, {"items": [_json_row(kind, r) for r in rows]}, **kwargs)


def _drafts(tenant):
    """{plan type: the draft} of the tenant's only cycle."""
    cycle = PlanCycle.objects.get(tenant=tenant)
    return {
        v.plan.plan_type: v
        for v in PlanVersion.objects.filter(tenant=tenant, cycle=cycle, status="draft").select_related("plan")
    }


# --- 1. frePPLe's manufacturing demo ------------------------------------------------------------------


def test_the_manufacturing_demo_imports_identically_through_the_command_the_screen_and_the_api(tmp_path):
    demo = frepple.load_manufacturing_rows()
    spec = demo["cycle"]

    # A: the documented command
    command_tenant, _ = _tenant("by-command")
    call_command(
        "import_planning", "--frepple", str(frepple.MANUFACTURING_DIR), "--tenant", command_tenant.slug
    )

    # B: the import screen, a CSV file per kind; the cycle from the Plans page; entries into its drafts
    screen_tenant, screen_admin = _tenant("by-screen")
    client = _screen(screen_admin)
    files = {}
    for kind, rows in demo["batches"].items():
        file_kind, data = _csv(kind, rows)
        files[file_kind] = tmp_path / f"{file_kind}.csv"
        files[file_kind].write_bytes(data)
        counts = _upload(client, screen_tenant, file_kind, f"{file_kind}.csv", data)
        assert counts["created"] == len(rows), (kind, counts)
    created = client.post(
        reverse("planning:cycle_new", kwargs={"tenant_slug": screen_tenant.slug}),
        {
            "month": spec["month"].strftime("%Y-%m"),
            "start_week": spec["start_week"].isoformat(),
            "horizon_weeks": str(spec["horizon_weeks"]),
            "demand": "on",
            "supply": "on",
        },
    )
    assert created.status_code == 302
    for plan_type, draft in _drafts(screen_tenant).items():
        _kind, data = _csv("plan_entries", demo[plan_type])
        files[plan_type] = tmp_path / f"{plan_type}.csv"
        files[plan_type].write_bytes(data)
        counts = _upload(
            client, screen_tenant, "plan_entries", f"{plan_type}.csv", data, version=str(draft.pk)
        )
        assert counts["created"] == len(demo[plan_type])

    # C: the ERP API, the same batches in the same order; the cycle from plan-cycles; entries into its drafts
    api_tenant, api_admin = _tenant("by-api")
    api = Api(api_tenant, api_admin)
    for kind, rows in demo["batches"].items():
        assert api.bulk(kind, rows)["created"] == len(rows), kind
    cycle = api.post(
        "cycles",
        {
            "month": spec["month"].isoformat(),
            "start_week": spec["start_week"].isoformat(),
            "horizon_weeks": spec["horizon_weeks"],
            "versions": ["demand", "supply"],
        },
    )
    for version in cycle["versions"]:
        loaded = api.bulk("plan_entries", demo[version["plan"]], version_id=version["id"])
        assert loaded["created"] == len(demo[version["plan"]])

    # D: the command again, with the screen's files one kind at a time; the cycle as the Plans page makes it
    files_tenant, files_admin = _tenant("by-files")
    for file_kind in (FILE_KIND.get(k, k) for k in demo["batches"]):
        call_command(
            "import_planning", str(files[file_kind]), "--tenant", files_tenant.slug, "--kind", file_kind
        )
    actions.check_create_cycle(files_admin, first_versions=("demand", "supply"), **spec)
    for plan_type, draft in _drafts(files_tenant).items():
        call_command(
            "import_planning",
            str(files[plan_type]),
            "--tenant",
            files_tenant.slug,
            "--kind",
            "plan_entries",
            "--plan-version",
            str(draft.pk),
        )

    snapshots = {
        "command --frepple": snapshot(command_tenant),
        "screen": snapshot(screen_tenant),
        "API": snapshot(api_tenant),
        "command --kind": snapshot(files_tenant),
    }
    reference = snapshots["command --frepple"]
    # the comparison covers the whole demo, not empty tables
    sizes = {part: len(value) for part, value in reference.items() if isinstance(value, list)}
    assert sizes == {
        "products": len(demo["batches"]["products"]),
        "customers": len(demo["batches"]["customers"]),
        "facilities": len(demo["batches"]["facilities"]),
        "suppliers": len(demo["batches"]["suppliers"]),
        "inventory": len(demo["batches"]["inventory"]),
        "actuals": len(demo["batches"]["actuals"]),
        "sales_orders": len(demo["batches"]["sales_orders"]),
        "order_lines": sum(len(o["lines"]) for o in demo["batches"]["sales_orders"]),
        "resources": len(demo["batches"]["resources"]),
        "capacity": len(demo["batches"]["resource_capacity"]),
        "usage": len(demo["batches"]["resource_loads"]),
        "drafts": 2,
        "demand": len(demo["demand"]),
        "supply": len(demo["supply"]),
    }
    assert all(sizes.values()), sizes
    assert reference["cycle"] == (spec["month"], spec["start_week"], spec["horizon_weeks"])
    assert_same(snapshots)


# --- 2. SupplyGraph-shaped data: weekly actuals per product x plant, fractional quantities -------------

PRODUCTS = [f"SG-{i:03d}" for i in range(1, 7)]
PLANTS = ["PLANT-N", "PLANT-S", "PLANT-W"]
FIRST_WEEK = dt.date(2023, 1, 2)
WEEKS = 30
# the awkward ones first: halves, cents that floats cannot hold exactly, thousands, zero, the largest
AWKWARD = [
    "12.37",
    "0.5",
    "1234.56",
    "0.01",
    "0.1",
    "0.29",
    "1.15",
    "4.35",
    "0",
    "98765.43",
    "1000.1",
    "0.07",
]


def _quantity(i):
    """A deterministic quantity with at most two decimals: the awkward list, then a spread of values."""
    if i < len(AWKWARD):
        return Decimal(AWKWARD[i])
    return Decimal((i * 7919) % 250_000) / 100  # up to 2,499.99 in cents


def _supplygraph():
    products = [
        {"sku": s, "name": f"SupplyGraph product {s}", "family": "SupplyGraph", "unit": "kg"}
        for s in PRODUCTS
    ]
    facilities = [{"code": p, "name": f"Plant {p[-1]}", "kind": "plant"} for p in PLANTS]
    customers = [{"code": "MARKET", "name": "The market"}]
    actuals = []
    for sku in PRODUCTS:
        for plant in PLANTS:
            for w in range(WEEKS):
                qty = _quantity(len(actuals))
                week = FIRST_WEEK + dt.timedelta(weeks=w)
                actuals.append(
                    {"sku": sku, "customer": "MARKET", "facility": plant, "week": week, "qty": qty}
                )
    return {"products": products, "facilities": facilities, "customers": customers, "actuals": actuals}


def _european(value):
    """A Decimal as Excel writes it in a European locale: thousands by dots, a decimal comma."""
    text = format(value, ",f")
    return text.replace(",", "_").replace(".", ",").replace("_", ".")


def _text_file(kind, rows, *, european):
    names = [c.name for c in imports.SPECS[kind][0] if any(c.name in r for r in rows)]
    sep = ";" if european else ","
    lines = [sep.join(names)]
    for r in rows:
        cells = []
        for name in names:
            value = r[name]
            if isinstance(value, Decimal):
                value = _european(value) if european else f"{value:f}"
            cells.append(str(value))
        lines.append(sep.join(cells))
    text = "\r\n".join(lines) + "\r\n"
    return ("\ufeff" + text).encode("utf-8") if european else text.encode("utf-8")


def test_supplygraph_weekly_actuals_with_fractions_import_identically_and_exactly(tmp_path):
    data = _supplygraph()
    expected = {(a["sku"], a["customer"], a["facility"], a["week"]): a["qty"] for a in data["actuals"]}
    assert len(expected) == 6 * 3 * 30

    # the screen: Excel's European CSV (; separator, decimal comma, BOM), the decimal mark detected
    screen_tenant, screen_admin = _tenant("sg-screen")
    client = _screen(screen_admin)
    for kind, rows in data.items():
        body = _text_file(kind, rows, european=True)
        if kind == "actuals":
            assert b";1.234,56\r\n" in body and b";0,5\r\n" in body and body.startswith(b"\xef\xbb\xbf")
        assert _upload(client, screen_tenant, kind, f"{kind}.csv", body)["created"] == len(rows)

    # the command: a plain comma CSV with decimal points
    command_tenant, _ = _tenant("sg-command")
    for kind, rows in data.items():
        path = tmp_path / f"{kind}.csv"
        path.write_bytes(_text_file(kind, rows, european=False))
        call_command("import_planning", str(path), "--tenant", command_tenant.slug, "--kind", kind)

    # the API: JSON numbers
    api_tenant, api_admin = _tenant("sg-api")
    api = Api(api_tenant, api_admin)
    for kind, rows in data.items():
        items = [{k: (float(v) if isinstance(v, Decimal) else str(v)) for k, v in r.items()} for r in rows]
        assert api.post(f"{kind}_bulk", {"items": items})["created"] == len(rows)

    stored = {}
    for name, tenant in (("screen", screen_tenant), ("command", command_tenant), ("API", api_tenant)):
        stored[name] = {
            (sku, customer, facility, week): qty
            for sku, customer, facility, week, qty in Actual.objects.filter(tenant=tenant).values_list(
                "product__sku", "customer__code", "facility__code", "week", "qty"
            )
        }
        # exactly the generated Decimals: same keys, same values, no float drift (1234.56 is not 1234.5599…)
        assert stored[name] == expected, name
        assert all(str(qty) == f"{expected[key]:.2f}" for key, qty in stored[name].items()), name
    assert_same(
        {
            name: snapshot(t)
            for name, t in (("screen", screen_tenant), ("command", command_tenant), ("API", api_tenant))
        }
    )
