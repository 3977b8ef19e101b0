"""What planning audits: plan cells and loads, plans and their versions' workflow, master data."""

from sopsocial.audit.verbs import Verb


class PlanningVerb(Verb):
    CELL_CHANGE = ("planning.cell_change", "changed a plan cell")
    ENTRIES_LOAD = ("planning.entries_load", "loaded plan numbers")
    PLAN_CREATE = ("planning.plan_create", "created a plan")
    CYCLE_CREATE = ("planning.cycle_create", "created a plan cycle")
    VERSION_CREATE = ("planning.version_create", "created a plan version")
    VERSION_SUBMIT = ("planning.version_submit", "submitted for approval")
    VERSION_APPROVE = ("planning.version_approve", "approved")
    VERSION_PUBLISH = ("planning.version_publish", "published")
    VERSION_REOPEN = ("planning.version_reopen", "reopened as a draft")
    VERSION_SUPERSEDE = ("planning.version_supersede", "superseded")
    # A cycle's versions of one plan type frozen / thawed (`locks.do_lock_plan`: a closed S&OP phase).
    PLAN_LOCK = ("planning.plan_lock", "locked a cycle's plan")
    PLAN_UNLOCK = ("planning.plan_unlock", "unlocked a cycle's plan")
    # Bulk loads (`loads.do_load_rows`): one event per batch, per kind of row.
    PRODUCTS_LOAD = ("planning.products_load", "loaded products")
    CUSTOMERS_LOAD = ("planning.customers_load", "loaded customers")
    FACILITIES_LOAD = ("planning.facilities_load", "loaded facilities")
    INVENTORY_LOAD = ("planning.inventory_load", "loaded inventory")
    ACTUALS_LOAD = ("planning.actuals_load", "loaded actuals")
    SALES_ORDERS_LOAD = ("planning.sales_orders_load", "loaded sales orders")
    # A big import file handed to the worker (`import_jobs.do_queue_import`); its rows are a load above.
    IMPORT_QUEUE = ("planning.import_queue", "queued an import file")
    SALES_ORDER_LINES_LOAD = ("planning.sales_order_lines_load", "loaded sales orders (a row per line)")
    SUPPLIERS_LOAD = ("planning.suppliers_load", "loaded suppliers")
    RESOURCES_LOAD = ("planning.resources_load", "loaded resources")
    RESOURCE_CAPACITY_LOAD = ("planning.resource_capacity_load", "loaded resource capacity")
    RESOURCE_LOADS_LOAD = ("planning.resource_loads_load", "loaded resource usage per product")
    # Master data saved one object at a time (`master.do_save_object`: the edit forms).
    PRODUCT_CREATE = ("planning.product_create", "created a product")
    PRODUCT_UPDATE = ("planning.product_update", "changed a product")
    BRAND_CREATE = ("planning.brand_create", "created a brand")
    BRAND_UPDATE = ("planning.brand_update", "changed a brand")
    CUSTOMER_CREATE = ("planning.customer_create", "created a customer")
    CUSTOMER_UPDATE = ("planning.customer_update", "changed a customer")
    FACILITY_CREATE = ("planning.facility_create", "created a facility")
    FACILITY_UPDATE = ("planning.facility_update", "changed a facility")
    PROMOTION_CREATE = ("planning.promotion_create", "created a promotion")
    PROMOTION_UPDATE = ("planning.promotion_update", "changed a promotion")
    JOB_CREATE = ("planning.job_create", "created a production job")
    JOB_UPDATE = ("planning.job_update", "changed a production job")
    EVENT_CREATE = ("planning.event_create", "created an event")
    EVENT_UPDATE = ("planning.event_update", "changed an event")
    RESOURCE_CREATE = ("planning.resource_create", "created a resource")
    RESOURCE_UPDATE = ("planning.resource_update", "changed a resource")
    SUPPLIER_CREATE = ("planning.supplier_create", "created a supplier")
    SUPPLIER_UPDATE = ("planning.supplier_update", "changed a supplier")
    ORDER_UPDATE = ("planning.order_update", "changed a sales order")  # created by loads (form, file, API)
    DEMO_LOAD = ("demo.load", "loaded demo data")
    # Consensus demand (`consensus`, `forecast`): layers, reason codes, the statistical baseline.
    LAYER_CHANGE = ("planning.layer_change", "changed a forecast layer's figure")
    LAYERS_UPDATE = ("planning.layers_update", "changed the forecast layers")
    REASON_CODES_UPDATE = ("planning.reason_codes_update", "changed the reason codes")
    BASELINE_QUEUE = ("planning.baseline_queue", "asked for a statistical baseline")
    BASELINE_RUN = ("planning.baseline_run", "computed the statistical baseline")
    SNAPSHOTS_TAKE = ("planning.snapshots_take", "kept the forecasts by lag")
    # What-if scenarios (`scenarios`).
    SCENARIO_CREATE = ("planning.scenario_create", "created a scenario")
    SCENARIO_UPDATE = ("planning.scenario_update", "changed a scenario")
    SCENARIO_CELL_CHANGE = ("planning.scenario_cell_change", "changed a scenario's figure")
    SCENARIO_PROMOTE = ("planning.scenario_promote", "promoted a scenario to a draft")
    SCENARIO_DISCARD = ("planning.scenario_discard", "discarded a scenario")
    # The assumptions register (`assumptions`).
    ASSUMPTION_CREATE = ("planning.assumption_create", "stated an assumption")
    ASSUMPTION_UPDATE = ("planning.assumption_update", "changed an assumption")
    ASSUMPTION_STATUS = ("planning.assumption_status", "confirmed or invalidated an assumption")
    ASSUMPTION_LINK = ("planning.assumption_link", "linked an assumption")
    ASSUMPTION_UNLINK = ("planning.assumption_unlink", "unlinked an assumption")
    # Money (`money`): prices, costs, the budget version.
    PRICES_LOAD = ("planning.prices_load", "loaded prices")
    CUSTOMER_PRICES_LOAD = ("planning.customer_prices_load", "loaded customer prices")
    BUDGET_SET = ("planning.budget_set", "made a version the budget")


# Where a verb is chosen at run time, these say which; tests/core/test_verbs.py checks each covers its
# domain (TRANSITIONS, the load kinds, MASTER_KINDS).
_TRANSITIONS: dict[str, PlanningVerb] = {
    "submit": PlanningVerb.VERSION_SUBMIT,
    "reopen": PlanningVerb.VERSION_REOPEN,
    "approve": PlanningVerb.VERSION_APPROVE,
    "publish": PlanningVerb.VERSION_PUBLISH,
}
_LOADS: dict[str, PlanningVerb] = {
    "products": PlanningVerb.PRODUCTS_LOAD,
    "customers": PlanningVerb.CUSTOMERS_LOAD,
    "facilities": PlanningVerb.FACILITIES_LOAD,
    "inventory": PlanningVerb.INVENTORY_LOAD,
    "actuals": PlanningVerb.ACTUALS_LOAD,
    "sales_orders": PlanningVerb.SALES_ORDERS_LOAD,
    "sales_order_lines": PlanningVerb.SALES_ORDER_LINES_LOAD,
    "suppliers": PlanningVerb.SUPPLIERS_LOAD,
    "resources": PlanningVerb.RESOURCES_LOAD,
    "resource_capacity": PlanningVerb.RESOURCE_CAPACITY_LOAD,
    "resource_loads": PlanningVerb.RESOURCE_LOADS_LOAD,
}
_MASTER: dict[tuple[str, bool], PlanningVerb] = {
    ("product", True): PlanningVerb.PRODUCT_CREATE,
    ("product", False): PlanningVerb.PRODUCT_UPDATE,
    ("brand", True): PlanningVerb.BRAND_CREATE,
    ("brand", False): PlanningVerb.BRAND_UPDATE,
    ("customer", True): PlanningVerb.CUSTOMER_CREATE,
    ("customer", False): PlanningVerb.CUSTOMER_UPDATE,
    ("facility", True): PlanningVerb.FACILITY_CREATE,
    ("facility", False): PlanningVerb.FACILITY_UPDATE,
    ("promotion", True): PlanningVerb.PROMOTION_CREATE,
    ("promotion", False): PlanningVerb.PROMOTION_UPDATE,
    ("job", True): PlanningVerb.JOB_CREATE,
    ("job", False): PlanningVerb.JOB_UPDATE,
    ("event", True): PlanningVerb.EVENT_CREATE,
    ("event", False): PlanningVerb.EVENT_UPDATE,
    ("order", False): PlanningVerb.ORDER_UPDATE,
    ("resource", True): PlanningVerb.RESOURCE_CREATE,
    ("resource", False): PlanningVerb.RESOURCE_UPDATE,
}


def transition_verb(action: str) -> PlanningVerb:
    """The verb for a version workflow action (a key of `versions.TRANSITIONS`)."""
    return _TRANSITIONS[action]


def load_verb(kind: str) -> PlanningVerb:
    """The verb for a bulk load of `kind` rows (`loads.do_load_rows`, other than plan entries)."""
    return _LOADS[kind]


def master_verb(kind: str, creating: bool) -> PlanningVerb:
    """The verb for creating or changing one master-data object of `kind` (a `MasterKind.key`)."""
    return _MASTER[(kind, creating)]
