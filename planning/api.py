"""The ERP API: bulk upserts (all or nothing, idempotent with an Idempotency-Key) and a few reads.

A django-ninja `Router` (mounted by config/api.py at /api/v1/); the request models are generated from
`imports.SPECS`, the same column definitions the file import uses, so the schema, the API's validation
and the import screen agree. Body: {"items": [...]} with at most PLANNING_API_MAX_BATCH items. Row
checks that need the database (unknown SKU, week outside the version, duplicates) stay in
`imports.validate`. Errors name each bad row and field: {"errors": [{"row": 0, "field": "sku",
"message": "..."}]} and nothing is written.
"""

import datetime as dt
from typing import Annotated, Any, Literal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import DataError
from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, create_model, field_validator
from pydantic_core import PydanticCustomError

from sopsocial.api.access import ApiCaller, TenantKeyAuth
from sopsocial.api.errors import BATCH_TOO_LARGE, ApiError, error_items
from sopsocial.api.idempotency import IdempotencyKey, idempotent_write
from sopsocial.api.schemas import COMMON_ERRORS, NO_NUL_PATTERN, ErrorsOut, TenantSlug

from . import actions, imports
from .actions import MAX_QTY
from .models import PlanVersion, Product

router = Router(auth=TenantKeyAuth(), tags=["planning"])

# Every body of a write can also be refused as too large (413), invalid rows (422) or a lost race (409).
WRITE_ERRORS: dict[int, type[ErrorsOut]] = {**COMMON_ERRORS, 409: ErrorsOut, 413: ErrorsOut, 422: ErrorsOut}

Qty = Annotated[
    float, Field(ge=0, le=float(MAX_QTY), allow_inf_nan=False, description="At most two decimals")
]

Rate = Annotated[
    float,
    Field(
        ge=0, le=float(MAX_QTY), allow_inf_nan=False, description="Per product unit; at most four decimals"
    ),
]

ISO_DATE_PATTERN = "^[0-9]{4}-[0-9]{2}-[0-9]{2}$"

EXAMPLES = {
    "products": {
        "sku": "NW-1001",
        "name": "Oat Crunch 500g",
        "brand": "Crunchy",
        "family": "Cereal",
        "unit": "case",
        "case_size": 12,
    },
    "customers": {"code": "CONTOSO", "name": "Contoso Retail"},
    "facilities": {"code": "LEEDS", "name": "Leeds depot", "kind": "depot"},
    "inventory": {
        "sku": "NW-1001",
        "facility": "LEEDS",
        "as_of": "2026-11-23",
        "on_hand": 6000,
        "safety_stock": 2500,
    },
    "actuals": {
        "sku": "NW-1001",
        "customer": "CONTOSO",
        "facility": "LEEDS",
        "week": "2026-11-16",
        "qty": 1180,
    },
    "sales_orders": {
        "number": "SO-9001",
        "customer": "CONTOSO",
        "facility": "LEEDS",
        "order_date": "2026-11-24",
        "ship_date": "2026-12-14",
        "status": "open",
        "lines": [{"sku": "NW-1001", "qty": 3600}],
    },
    "plan_entries": {
        "sku": "NW-1001",
        "customer": "CONTOSO",
        "facility": "LEEDS",
        "week": "2026-12-14",
        "qty": 4800,
    },
    "suppliers": {"code": "ACME-OATS", "name": "Acme Oat Mills"},
    "resources": {"code": "LINE-1", "name": "Packing line 1", "facility": "LEEDS", "unit": "hours"},
    "resource_capacity": {"resource": "LINE-1", "week": "2026-12-14", "capacity": 80},
    "resource_loads": {"resource": "LINE-1", "sku": "NW-1001", "usage": 0.0125},
}
# the kinds the API takes; `sales_order_lines` is the file shape of `sales_orders` (a row per line)
API_KINDS = tuple(EXAMPLES)


class StrictInput(BaseModel):
    """Request bodies are taken as the schema says: no coercion ("12" is not 12), no unknown keys."""

    model_config = ConfigDict(extra="forbid", strict=True)


class OrderLine(StrictInput):
    sku: Annotated[str, StringConstraints(min_length=1, max_length=64, pattern=NO_NUL_PATTERN)]
    qty: Qty


def _column_type(col: imports.Col) -> Any:
    """The Pydantic type of one import column; a required string is at least one character."""
    if col.type == "str":
        return Annotated[
            str,
            StringConstraints(
                min_length=1 if col.required else 0, max_length=col.max_length, pattern=NO_NUL_PATTERN
            ),
        ]
    if col.type == "choice":
        return Literal[col.choices]  # type: ignore[valid-type]
    if col.type == "int":
        return Annotated[int, Field(ge=0, le=imports.INT_MAX)]
    if col.type == "qty":
        return Qty
    if col.type == "rate":
        return Rate
    if col.type in ("date", "week"):
        # validated as text (ASCII digits) and read by imports.validate, like a cell of an import file
        return Annotated[
            str,
            StringConstraints(pattern=ISO_DATE_PATTERN),
            Field(
                json_schema_extra={"format": "date"},
                description="Any day of the week; stored as its Monday" if col.type == "week" else None,
            ),
        ]
    if col.type == "lines":
        return Annotated[list[OrderLine], Field(min_length=1)]
    raise AssertionError(col.type)


def _item_model(kind: str) -> type[BaseModel]:
    columns, key = imports.SPECS[kind]
    fields: dict[str, Any] = {}
    for col in columns:
        kind_type = _column_type(col)
        fields[col.name] = (kind_type, ...) if col.required else (kind_type | None, None)
    return create_model(  # type: ignore[call-overload, no-any-return]
        "".join(p.title() for p in kind.split("_")) + "Item",
        __base__=StrictInput,
        __doc__=f"One {kind.replace('_', ' ')} row; key: {', '.join(key)}.",
        **fields,
    )


def _batch_model(kind: str, item: type[BaseModel]) -> type[BaseModel]:
    def at_most_a_batch(cls: Any, value: Any) -> Any:
        limit = settings.PLANNING_API_MAX_BATCH
        if isinstance(value, list) and len(value) > limit:
            raise PydanticCustomError(BATCH_TOO_LARGE, "At most {limit} items per request.", {"limit": limit})
        return value

    return create_model(  # type: ignore[call-overload, no-any-return]
        "".join(p.title() for p in kind.split("_")) + "Batch",
        __base__=StrictInput,
        __validators__={"at_most_a_batch": field_validator("items", mode="before")(at_most_a_batch)},
        items=(list[item], Field(json_schema_extra={"maxItems": settings.PLANNING_API_MAX_BATCH})),  # type: ignore[valid-type]
    )


ITEM_MODELS: dict[str, type[BaseModel]] = {}
BATCH_MODELS: dict[str, type[BaseModel]] = {}
for _kind in API_KINDS:
    ITEM_MODELS[_kind] = _item_model(_kind)
    ITEM_MODELS[_kind].model_config["json_schema_extra"] = {"examples": [EXAMPLES[_kind]]}
    ITEM_MODELS[_kind].model_rebuild(force=True)
    BATCH_MODELS[_kind] = _batch_model(_kind, ITEM_MODELS[_kind])
    BATCH_MODELS[_kind].model_config["json_schema_extra"] = {"examples": [{"items": [EXAMPLES[_kind]]}]}
    BATCH_MODELS[_kind].model_rebuild(force=True)


PlanEntriesBatch = BATCH_MODELS["plan_entries"]


def item_schema(kind: str) -> dict[str, Any]:
    """The JSON schema of one row of `kind`, as the OpenAPI document publishes it."""
    return ITEM_MODELS[kind].model_json_schema()


class BulkResult(Schema):
    created: int
    updated: int
    unchanged: int


class ProductOut(Schema):
    id: int
    sku: str
    name: str
    brand: str | None
    family: str
    unit: str
    case_size: int | None


class ProductPage(Schema):
    items: list[ProductOut]
    next_after: int | None = Field(description="Pass as `after` for the next page; null on the last page")


class VersionOut(Schema):
    id: int
    plan: str = Field(description="demand or supply")
    number: int
    status: str
    start_week: dt.date
    weeks: int


class VersionList(Schema):
    items: list[VersionOut]


def _bulk(
    request: HttpRequest,
    kind: str,
    payload: Any,
    idempotency_key: str | None,
    version: PlanVersion | None = None,
) -> HttpResponse | dict[str, Any]:
    """Shared body of every upsert endpoint: database checks, then one all-or-nothing write."""
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    rows = [item.model_dump(mode="json", exclude_unset=True) for item in payload.items]

    def write() -> dict[str, Any]:
        clean, errors = imports.validate(caller.tenant, kind, rows, first_row=0, version=version)
        if errors:
            raise _Rejected(errors)
        try:
            return actions.do_load_rows(
                caller.tenant,
                kind,
                clean,
                actor=caller.actor,
                actor_label=caller.actor_label,
                version=version,
                source=caller.actor_label or "API",
            )
        except DataError:
            # validate() bounds what it knows; anything the database still refuses is the request's fault
            raise ApiError(422, "A value does not fit the database (too large or invalid text).") from None
        except ValidationError as e:
            raise _Rejected(error_items(e, field="items")) from None

    try:
        return idempotent_write(request, caller, idempotency_key, write)
    except _Rejected as rejected:
        return Status(422, {"errors": rejected.items[:1000]})  # type: ignore[return-value]


class _Rejected(Exception):
    def __init__(self, items: list[Any]) -> None:
        self.items = items


def _bulk_operation(kind: str, url_path: str) -> None:
    batch = BATCH_MODELS[kind]
    label = kind.replace("_", " ")

    def upsert(
        request: HttpRequest,
        tenant_slug: TenantSlug,
        payload: batch,  # type: ignore[valid-type]
        idempotency_key: IdempotencyKey = None,
    ):
        return _bulk(request, kind, payload, idempotency_key)

    upsert.__name__ = f"upsert_{kind}"
    router.post(
        f"t/{{slug:tenant_slug}}/{url_path}/bulk/",
        response={200: BulkResult, **WRITE_ERRORS},
        url_name=f"{kind}_bulk",
        operation_id=f"upsert_{kind}",
        summary=f"Upsert {label}",
        description=f"Insert or update {label} by their key ({', '.join(imports.SPECS[kind][1])}). All or "
        "nothing; unchanged rows are left alone, so a retry changes nothing.",
    )(upsert)


BULK_PATHS = {
    "products": "products",
    "customers": "customers",
    "facilities": "facilities",
    "sales_orders": "sales-orders",
    "inventory": "inventory",
    "actuals": "actuals",
    "suppliers": "suppliers",
    "resources": "resources",
    "resource_capacity": "resource-capacity",
    "resource_loads": "resource-loads",
}
for _kind, _path in BULK_PATHS.items():
    _bulk_operation(_kind, _path)


class VersionKeyAuth(TenantKeyAuth):
    """The key check, then the plan version in the URL, before the body is read: a version of another
    tenant (or none) is a 404 whatever the body holds, as on every tenant route."""

    def __call__(self, request: HttpRequest) -> ApiCaller:
        caller = super().__call__(request)
        match = request.resolver_match
        version_id = match.kwargs.get("version_id") if match is not None else None
        version = (
            PlanVersion.objects.select_related("plan", "subject")
            .filter(tenant=caller.tenant, pk=version_id)
            .first()
            if isinstance(version_id, int)
            else None
        )
        if version is None:
            raise ApiError(404, "No such plan version.", field="version_id")
        request.plan_version = version  # type: ignore[attr-defined]
        return caller


@router.post(
    "t/{slug:tenant_slug}/plan-versions/{int:version_id}/entries/bulk/",
    auth=VersionKeyAuth(),
    response={200: BulkResult, **WRITE_ERRORS},
    url_name="plan_entries_bulk",
    operation_id="upsert_plan_entries",
    summary="Upsert plan entries of a draft version",
    description="Demand versions need customer; supply versions must not have one. Weeks must be in the "
    "version's horizon. Each changed cell is logged as a plan change.",
)
def upsert_plan_entries(
    request: HttpRequest,
    tenant_slug: TenantSlug,
    version_id: Annotated[int, Field(ge=1, le=imports.INT_MAX, description="Plan version id")],
    payload: PlanEntriesBatch,  # type: ignore[valid-type]
    idempotency_key: IdempotencyKey = None,
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    version = (
        PlanVersion.objects.select_related("plan", "subject")
        .filter(tenant=caller.tenant, pk=version_id)
        .first()
    )
    if version is None:
        raise ApiError(404, "No such plan version.", field="version_id")
    return _bulk(request, "plan_entries", payload, idempotency_key, version=version)


PAGE = 500


@router.get(
    "t/{slug:tenant_slug}/products/",
    response={200: ProductPage, **COMMON_ERRORS},
    url_name="products",
    operation_id="list_products",
    summary="List products",
    description=f"{PAGE} at a time, by id; pass `next_after` back as `after` for the next page.",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "NextPage": {
                        "operationId": "list_products",
                        "parameters": {
                            "tenant": "$request.path.tenant",
                            "after": "$response.body#/next_after",
                        },
                    }
                }
            }
        }
    },
)
def list_products(
    request: HttpRequest,
    tenant_slug: TenantSlug,
    after: Annotated[int, Field(ge=0, le=imports.INT_MAX, description="Keyset cursor: the last id seen")] = 0,
):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    rows = list(
        Product.objects.filter(tenant=caller.tenant, pk__gt=after)
        .order_by("pk")
        .values("id", "sku", "name", "brand__name", "family", "unit", "case_size")[:PAGE]
    )
    return {
        "items": [{**r, "brand": r.pop("brand__name")} for r in rows],
        "next_after": rows[-1]["id"] if len(rows) == PAGE else None,
    }


@router.get(
    "t/{slug:tenant_slug}/plan-versions/",
    response={200: VersionList, **COMMON_ERRORS},
    url_name="versions",
    operation_id="list_versions",
    summary="List plan versions",
    description="The newest 200, newest first. A draft's id is where its entries are loaded.",
    openapi_extra={
        "responses": {
            200: {
                "links": {
                    "UpsertEntries": {
                        "operationId": "upsert_plan_entries",
                        "parameters": {
                            "tenant": "$request.path.tenant",
                            "version_id": "$response.body#/items/0/id",
                        },
                    }
                }
            }
        }
    },
)
def list_versions(request: HttpRequest, tenant_slug: TenantSlug):
    caller: ApiCaller = request.auth  # type: ignore[attr-defined]
    rows = (
        PlanVersion.objects.filter(tenant=caller.tenant)
        .values("id", "plan__plan_type", "number", "status", "start_week", "weeks")
        .order_by("-id")[:200]
    )
    return {"items": [{**r, "plan": r.pop("plan__plan_type")} for r in rows]}


# plan set-up operations (cycles, new drafts) share this router: `POST plan-versions/` lives beside
# `GET plan-versions/` (one URL, two methods); the module registers them on import
from . import api_plans  # noqa: E402, F401
