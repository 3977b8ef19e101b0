"""The JSON API (/api/v1/): one django-ninja API mounting each app's router in its URL namespace."""

from planning.api import router as planning_router
from process.api import router as process_cycles_router
from process.api_decisions import router as process_decisions_router
from process.api_tasks import router as process_tasks_router
from sopsocial.api.framework import TenantApi

api = TenantApi(
    title="sopsocial ERP API",
    version="1",
    description="Bulk upserts of master data, orders, inventory, actuals and plan entries, and a few "
    "reads. Authenticate with a per-tenant API key: `Authorization: Bearer <key>`. Errors: "
    '`{"errors": [{"row": n|null, "field": name|null, "message": text}]}`.',
)
api.add_router("", planning_router, namespace="planning_api")
api.add_router("", process_cycles_router, namespace="process_cycles_api")
api.add_router("", process_tasks_router, namespace="process_tasks_api")
api.add_router("", process_decisions_router, namespace="process_decisions_api")
