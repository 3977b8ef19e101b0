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
    RouteCase("planning:shared_details", external_ok=True),
    RouteCase("api_keys:list", methods=("GET", "POST"), data={"name": "sneaky"}),
    RouteCase("api_keys:revoke", methods=("POST",)),
    RouteCase("planning_api:products"),
    RouteCase("planning_api:versions"),
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
]:
    ROUTES += [
        RouteCase(f"planning:{plural}"),
        RouteCase(f"planning:{kind}", external_ok=True),  # partners are sent to the shared object's page
        RouteCase(
            f"planning:{kind}_edit", methods=("GET", "POST"), data={"name": "x", "code": "x", "sku": "x"}
        ),
    ]
    if kind != "order":
        ROUTES.append(
            RouteCase(
                f"planning:{kind}_new", methods=("GET", "POST"), data={"name": "x", "code": "x", "sku": "x"}
            )
        )
for kind in ("products", "customers", "facilities", "sales_orders", "inventory", "actuals"):
    ROUTES.append(RouteCase(f"planning_api:{kind}_bulk", methods=("POST",), data={"items": []}))


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
}

PUBLIC_ROUTES = {"api:openapi", "api:docs", "api_not_found"}
