"""Planning, ERP API and API-key routes for the URL-walking isolation test."""

from planning.models import PlanType

from ..planning import factories as pf
from .registry import RouteCase

_CELL = {"product": "1", "facility": "1", "week": "2026-11-23", "value": "5", "revision": "0"}

ROUTES = [
    RouteCase("planning:versions"),
    RouteCase("planning:grid"),
    RouteCase("planning:grid_export"),
    RouteCase("planning:cell", methods=("GET", "POST"), data=_CELL),
    RouteCase("planning:cell_comment", methods=("POST",), data={**_CELL, "body": "hello"}),
    RouteCase("planning:transition", methods=("POST",), data={"action": "submit"}),
    RouteCase("planning:new_draft", methods=("POST",)),
    RouteCase("planning:compare"),
    RouteCase("planning:projection"),
    RouteCase("planning:accuracy"),
    RouteCase("planning:import", methods=("GET", "POST"), data={"kind": "products"}),
    RouteCase("planning:import_template"),
    RouteCase("planning:import_job"),
    RouteCase(
        "planning:cycle_new",
        methods=("POST",),
        data={"month": "2026-12", "start_week": "2026-12-07", "horizon_weeks": "26", "demand": "on"},
    ),
    RouteCase("planning:version_new", methods=("POST",), data={"plan_type": "demand", "name": "x"}),
    RouteCase("planning:suppliers"),
    RouteCase("planning:supplier_new", methods=("GET", "POST"), data={"code": "x", "name": "x"}),
    RouteCase("planning:supplier_edit", methods=("GET", "POST"), data={"code": "x", "name": "x"}),
    RouteCase(
        "planning:resource_capacity",
        methods=("POST",),
        data={"first_week": "2026-12-07", "weeks": "1", "capacity": "5"},
    ),
    RouteCase("planning:resource_usage", methods=("POST",), data={"product": "1", "usage": "1"}),
    RouteCase("planning:shared_details", external_ok=True),
    RouteCase("api_keys:list", methods=("GET", "POST"), data={"name": "sneaky"}),
    RouteCase("api_keys:revoke", methods=("POST",)),
    RouteCase("planning_api:products"),
    RouteCase("planning_api:versions", methods=("GET", "POST"), data={"cycle": "1", "plan": "demand"}),
    RouteCase("planning_api:cycles", methods=("GET", "POST"), data={"month": "2026-12-01"}),
    RouteCase("planning_api:plan_entries_bulk", methods=("POST",), data={"items": []}),
]
for plural, kind in [
    ("products", "product"),
    ("brands", "brand"),
    ("customers", "customer"),
    ("facilities", "facility"),
    ("promotions", "promotion"),
    ("jobs", "job"),
    ("events", "event"),
    ("orders", "order"),
    ("resources", "resource"),
]:
    ROUTES += [
        RouteCase(f"planning:{plural}"),
        RouteCase(f"planning:{kind}", external_ok=True),  # partners are sent to the shared object's page
        RouteCase(
            f"planning:{kind}_edit", methods=("GET", "POST"), data={"name": "x", "code": "x", "sku": "x"}
        ),
    ]
    # orders have their own "new" form (with lines); every other kind the generic one
    ROUTES.append(
        RouteCase(
            f"planning:{kind}_new", methods=("GET", "POST"), data={"name": "x", "code": "x", "sku": "x"}
        )
    )
for kind in (
    "products",
    "customers",
    "facilities",
    "sales_orders",
    "inventory",
    "actuals",
    "suppliers",
    "resources",
    "resource_capacity",
    "resource_loads",
):
    ROUTES.append(RouteCase(f"planning_api:{kind}_bulk", methods=("POST",), data={"items": []}))


def _import_job(world):
    from planning.models import ImportJob

    return ImportJob.objects.create(
        tenant=world.tenant, created_by=world.admin.user, kind="products", file_name="victim.csv", size=1
    )


def _api_key(world):
    from sopsocial.api.actions import do_create_api_key

    return do_create_api_key(world.admin, "victim-erp")[0]


KWARGS = {
    "version_id": lambda w: w.once("version", lambda: pf.make_version(w.tenant, PlanType.DEMAND)).pk,
    "product_id": lambda w: w.once("product", lambda: pf.ProductFactory(tenant=w.tenant)).pk,
    "brand_id": lambda w: w.once("brand", lambda: pf.BrandFactory(tenant=w.tenant)).pk,
    "customer_id": lambda w: w.once("customer", lambda: pf.CustomerFactory(tenant=w.tenant)).pk,
    "facility_id": lambda w: w.once("facility", lambda: pf.FacilityFactory(tenant=w.tenant)).pk,
    "promotion_id": lambda w: w.once("promotion", lambda: pf.PromotionFactory(tenant=w.tenant)).pk,
    "job_id": lambda w: w.once("job", lambda: pf.ProductionJobFactory(tenant=w.tenant)).pk,
    "event_id": lambda w: w.once("event", lambda: pf.EventFactory(tenant=w.tenant)).pk,
    "order_id": lambda w: w.once("order", lambda: pf.make_order(w.tenant, number="SO-VICTIM")).pk,
    "api_key_id": lambda w: w.once("api_key", lambda: _api_key(w)).pk,
    "kind": lambda w: "products",  # an import kind: the template route's own segment
    "import_job_id": lambda w: w.once("import_job", lambda: _import_job(w)).pk,
    "resource_id": lambda w: w.once("resource", lambda: pf.make_resource(w.tenant)).pk,
    "supplier_id": lambda w: w.once("supplier", lambda: pf.make_supplier(w.tenant)).pk,
}

PUBLIC_ROUTES = {"api:openapi", "api:docs", "api_not_found"}
