"""The ERP API: bulk upserts (all or nothing, idempotent with an Idempotency-Key) and a few reads.

Body: {"items": [...]} with at most PLANNING_API_MAX_BATCH items. Errors name each bad row and field:
{"errors": [{"row": 0, "field": "sku", "message": "..."}]} and nothing is written.
"""

import hashlib
import json

from django.conf import settings
from django.core.exceptions import RequestDataTooBig, ValidationError
from django.db import DataError, IntegrityError, transaction
from django.http import JsonResponse
from django.urls import path
from django.views.decorators.http import require_GET, require_POST

from sopsocial.api.access import api_view, error_response
from sopsocial.api.errors import error_items
from sopsocial.api.models import IdempotencyRecord
from sopsocial.api.spec import Endpoint, register
from sopsocial.pages.params import ascii_int

from . import actions, imports
from .models import PlanVersion, Product

app_name = "planning_api"

TYPE_SCHEMAS = {
    "str": {"type": "string", "pattern": "^[^\\u0000]*$"},
    "choice": {"type": "string"},
    "int": {"type": "integer", "minimum": 0, "maximum": imports.INT_MAX},
    "qty": {"type": "number", "minimum": 0},
    "date": {"type": "string", "format": "date"},
    "week": {"type": "string", "format": "date", "description": "any day of the week; stored as its Monday"},
    "lines": {
        "type": "array",
        "minItems": 1,
        "items": {
            "type": "object",
            "required": ["sku", "qty"],
            "properties": {"sku": {"type": "string"}, "qty": {"type": "number", "minimum": 0}},
        },
    },
}
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
}


def item_schema(kind):
    cols, key = imports.SPECS[kind]
    schema = {
        "type": "object",
        "additionalProperties": False,
        "required": [c.name for c in cols if c.required],
        "properties": {},
    }
    for c in cols:
        prop = dict(TYPE_SCHEMAS[c.type])
        if c.type == "choice":
            prop["enum"] = list(c.choices)
        if c.type == "str":
            prop["maxLength"] = c.max_length
        schema["properties"][c.name] = prop
    return schema


def batch_schema(kind):
    return {
        "type": "object",
        "required": ["items"],
        "properties": {
            "items": {
                "type": "array",
                "maxItems": settings.PLANNING_API_MAX_BATCH,
                "items": item_schema(kind),
            }
        },
    }


RESULT_SCHEMA = {
    "type": "object",
    "properties": {k: {"type": "integer"} for k in ("created", "updated", "unchanged")},
}


def _request_hash(request):
    return hashlib.sha256(request.path.encode() + b"\n" + request.body).hexdigest()


def _bulk(request, tenant, api_key, kind, version=None):
    """Shared body of every upsert endpoint."""
    try:
        raw = request.body
    except RequestDataTooBig:
        return error_response(413, "The body is too large; send smaller batches.", field="items")
    try:
        payload = json.loads(raw or b"null")
    except (ValueError, UnicodeDecodeError):
        return error_response(400, "The body is not valid JSON.")
    if not isinstance(payload, dict) or not isinstance(payload.get("items"), list):
        return error_response(400, "Send an object with an “items” list.", field="items")
    items = payload["items"]
    if len(items) > settings.PLANNING_API_MAX_BATCH:
        return error_response(
            413, f"At most {settings.PLANNING_API_MAX_BATCH} items per request.", field="items"
        )
    # idempotency records belong to a key; session calls (people trying the API) have none
    idem_key = request.headers.get("Idempotency-Key", "").strip() if api_key is not None else ""
    if "\x00" in idem_key:
        return error_response(400, "Idempotency-Key contains a NUL character.", field="Idempotency-Key")
    if len(idem_key) > 200:
        return error_response(400, "Idempotency-Key is longer than 200 characters.", field="Idempotency-Key")
    digest = _request_hash(request)
    if idem_key:
        done = IdempotencyRecord.objects.filter(api_key=api_key, key=idem_key).first()
        if done is not None:
            if done.request_hash != digest:
                return error_response(
                    422, "This Idempotency-Key was used with a different request.", field="Idempotency-Key"
                )
            response = JsonResponse(done.response, status=done.status_code)
            response["Idempotent-Replayed"] = "true"
            return response
    clean, errors = imports.validate(tenant, kind, items, first_row=0, version=version)
    if errors:
        return JsonResponse({"errors": errors[:1000]}, status=422)
    try:
        with transaction.atomic():
            actor, label = request.api_actor
            counts = actions.do_load_rows(
                tenant, kind, clean, actor=actor, actor_label=label, version=version, source=label or "API"
            )
            if idem_key:
                IdempotencyRecord.objects.create(
                    tenant=tenant,
                    api_key=api_key,
                    key=idem_key,
                    path=request.path,
                    request_hash=digest,
                    status_code=200,
                    response=counts,
                )
    except IntegrityError:
        # a concurrent request with the same Idempotency-Key (or the same new rows) won the race
        return error_response(
            409, "A concurrent request changed the same data; retry.", field="Idempotency-Key"
        )
    except DataError:
        # validate() bounds what it knows; anything the database still refuses is the request's fault
        return error_response(422, "A value does not fit the database (too large or invalid text).")
    except ValidationError as e:
        return JsonResponse({"errors": error_items(e, field="items")}, status=422)
    return JsonResponse(counts)


def bulk_view(kind):
    @api_view
    @require_POST
    def view(request, tenant, api_key):
        return _bulk(request, tenant, api_key, kind)

    view.__name__ = f"upsert_{kind}"
    return view


@api_view
@require_POST
def upsert_plan_entries(request, tenant, api_key, version_id):
    version = (
        PlanVersion.objects.select_related("plan", "subject").filter(tenant=tenant, pk=version_id).first()
    )
    if version is None:
        return error_response(404, "No such plan version.", field="version_id")
    return _bulk(request, tenant, api_key, "plan_entries", version=version)


@api_view
@require_GET
def list_products(request, tenant, api_key):
    after = ascii_int(request.GET.get("after") or "0")
    if after is None:
        return error_response(400, "after must be an integer.", field="after")
    rows = list(
        Product.objects.filter(tenant=tenant, pk__gt=after)
        .order_by("pk")
        .values("id", "sku", "name", "brand__name", "family", "unit", "case_size")[:500]
    )
    return JsonResponse(
        {
            "items": [{**r, "brand": r.pop("brand__name")} for r in rows],
            "next_after": rows[-1]["id"] if len(rows) == 500 else None,
        }
    )


@api_view
@require_GET
def list_versions(request, tenant, api_key):
    rows = (
        PlanVersion.objects.filter(tenant=tenant)
        .values("id", "plan__plan_type", "number", "status", "start_week", "weeks")
        .order_by("-id")[:200]
    )
    return JsonResponse({"items": [{**r, "plan": r.pop("plan__plan_type")} for r in rows]})


BULK_PATHS = {
    "products": "products",
    "customers": "customers",
    "facilities": "facilities",
    "sales_orders": "sales-orders",
    "inventory": "inventory",
    "actuals": "actuals",
}
urlpatterns = [path(f"{p}/bulk/", bulk_view(kind), name=f"{kind}_bulk") for kind, p in BULK_PATHS.items()] + [
    path("plan-versions/<int:version_id>/entries/bulk/", upsert_plan_entries, name="plan_entries_bulk"),
    path("products/", list_products, name="products"),
    path("plan-versions/", list_versions, name="versions"),
]

for kind, p in BULK_PATHS.items():
    register(
        Endpoint(
            "POST",
            f"{p}/bulk/",
            f"Upsert {kind.replace('_', ' ')}",
            description=f"Insert or update {kind.replace('_', ' ')} by their key "
            f"({', '.join(imports.SPECS[kind][1])}). All or nothing; unchanged rows are left "
            "alone, so a retry changes nothing.",
            request=batch_schema(kind),
            response=RESULT_SCHEMA,
            idempotent=True,
            example={"items": [EXAMPLES[kind]]},
        )
    )
register(
    Endpoint(
        "POST",
        "plan-versions/{version_id}/entries/bulk/",
        "Upsert plan entries of a draft version",
        description="Demand versions need customer; supply versions must not have one. Weeks must be in "
        "the version's horizon. Each changed cell is logged as a plan change.",
        request=batch_schema("plan_entries"),
        response=RESULT_SCHEMA,
        idempotent=True,
        parameters=(("version_id", "path", {"type": "integer"}, "Plan version id"),),
        example={"items": [EXAMPLES["plan_entries"]]},
    )
)
register(
    Endpoint(
        "GET",
        "products/",
        "List products",
        parameters=(("after", "query", {"type": "integer"}, "Keyset cursor: the last id seen"),),
    )
)
register(Endpoint("GET", "plan-versions/", "List plan versions"))
