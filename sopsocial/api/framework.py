"""The JSON API's plumbing on django-ninja: the `NinjaAPI` subclass the composition root builds,
its error handlers, the offline docs page, and the URL patterns (with the tenant guard marker).

Apps write `ninja.Router`s with typed schemas; `config/api.py` mounts them on one `TenantApi`. The
OpenAPI document is generated from those types and Pydantic validates requests against them.
Every answer that is not a success is `{"errors": [{"row", "field", "message"}]}`:
ninja/Pydantic validation errors, `ApiError`, 404/403, a body over the upload limit (413), unmatched
`/api/v1/...` paths (404) and methods (405), and any bug (500, logged), never an HTML page.
"""

import json
import logging
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.core.exceptions import PermissionDenied, RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, URLResolver, include, path, re_path, reverse
from django.views.decorators.csrf import csrf_exempt
from ninja import NinjaAPI, Router
from ninja.errors import HttpError, ValidationError
from ninja.operation import PathView
from ninja.utils import normalize_path, replace_path_param_notation

from sopsocial.tenancy.access import GUARD_MARKER

from .access import TenantKeyAuth
from .errors import ApiError, ErrorItem, error_item, validation_error_items

logger = logging.getLogger(__name__)

# Django's URL kwarg stays `tenant_slug` (the guard middleware and the URL-walking tests know it);
# the published document keeps the name clients have always seen, `tenant`.
_TENANT_KWARG, _TENANT_PUBLIC = "tenant_slug", "tenant"


def errors_response(status: int, items: list[ErrorItem]) -> JsonResponse:
    return JsonResponse({"errors": items}, status=status)


def error_response(status: int, message: str, field: str | None = None) -> JsonResponse:
    return errors_response(status, [error_item(message, field)])


class TenantApi(NinjaAPI):
    """A NinjaAPI whose routers each get their own URL namespace (`add_router(..., namespace=)`)."""

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("docs_url", None)  # the offline page below, not ninja's CDN-backed Swagger
        kwargs.setdefault("openapi_url", None)
        kwargs.setdefault("urls_namespace", "api")
        super().__init__(**kwargs)
        self._namespaces: dict[int, str] = {}
        install_error_handlers(self)

    def add_router(self, prefix: str, router: Router | str, *, namespace: str = "", **kwargs: Any) -> None:
        super().add_router(prefix, router, **kwargs)
        if namespace and isinstance(router, Router):
            self._namespaces[id(router)] = namespace

    def get_openapi_schema(self, *, path_prefix: str | None = None, path_params: Any = None) -> Any:
        schema = super().get_openapi_schema(
            path_prefix=reverse("api:openapi").removesuffix("openapi.json").lstrip("/")
            if path_prefix is None
            else path_prefix,
            path_params=path_params,
        )
        renamed = {}
        for route, operations in schema["paths"].items():
            for operation in operations.values():
                for parameter in operation.get("parameters", []):
                    if parameter["name"] == _TENANT_KWARG and parameter["in"] == "path":
                        parameter["name"] = _TENANT_PUBLIC
            renamed[route.replace("{" + _TENANT_KWARG + "}", "{" + _TENANT_PUBLIC + "}")] = operations
        schema["paths"] = renamed
        return schema

    def url_patterns(self) -> list[URLPattern | URLResolver]:
        """What config/urls.py mounts at `api/v1/`: the document, the docs page, each router in its
        namespace, and a JSON 404 for anything else."""
        result: list[URLPattern | URLResolver] = [
            path(
                "",
                include(
                    (
                        [
                            path("openapi.json", self.openapi_view, name="openapi"),
                            path("docs/", self.docs_view, name="docs"),
                        ],
                        "api",
                    )
                ),
            )
        ]
        for bound in self._get_bound_routers():
            patterns = [
                path(route, api_route(view, guarded=guarded, query_names=names), name=name)
                for route, view, guarded, name, names in _routes(bound.prefix, bound.path_operations)
            ]
            namespace = self._namespaces.get(id(bound.template))
            result.append(path("", include((patterns, namespace) if namespace else patterns)))
        result.append(re_path(r"^", api_not_found, name="api_not_found"))
        return result

    def openapi_view(self, request: HttpRequest) -> JsonResponse:
        return JsonResponse(self.get_openapi_schema())

    def docs_view(self, request: HttpRequest) -> HttpResponse:
        document = self.get_openapi_schema()
        operations = []
        for route, methods in document["paths"].items():
            for method, op in methods.items():
                body = op.get("requestBody", {}).get("content", {}).get("application/json", {})
                schema = body.get("schema")
                example = _example(document, schema)
                operations.append(
                    {
                        "method": method.upper(),
                        "path": route,
                        "op": op,
                        "schema": json.dumps(schema, indent=2) if schema else "",
                        "example": json.dumps(example, indent=2, ensure_ascii=False) if example else "",
                    }
                )
        schemas = {
            name: json.dumps(s, indent=2, ensure_ascii=False)
            for name, s in document.get("components", {}).get("schemas", {}).items()
        }
        return render(
            request, "api/docs.html", {"document": document, "operations": operations, "schemas": schemas}
        )


def _example(document: dict[str, Any], schema: Any) -> Any:
    """The first `examples` entry of a body schema's model, if it has one."""
    if not isinstance(schema, dict):
        return None
    ref = schema.get("$ref", "")
    model = document.get("components", {}).get("schemas", {}).get(ref.rsplit("/", 1)[-1], schema)
    return (model.get("examples") or [None])[0]


Route = tuple[str, Callable[..., HttpResponse], bool, str | None, dict[str, frozenset[str]]]


def _routes(prefix: str, path_operations: dict[str, PathView]) -> list[Route]:
    """(Django route, view, guarded, url name, query parameter names by method) for each path of a
    bound router (routes as ninja builds them)."""
    result = []
    for route, path_view in path_operations.items():
        parts = (replace_path_param_notation(prefix), replace_path_param_notation(route))
        full = normalize_path("/".join(p for p in parts if p)).lstrip("/")
        guarded = all(
            op.auth_callbacks and all(isinstance(cb, TenantKeyAuth) for cb in op.auth_callbacks)
            for op in path_view.operations
        )
        query_names = {method: _query_names(op) for op in path_view.operations for method in op.methods}
        result.append((full, path_view.get_view(), guarded, path_view.url_name, query_names))
    return result


def _query_names(operation: Any) -> frozenset[str]:
    names = set()
    for model in operation.models:
        if getattr(model, "__ninja_param_source__", None) == "query":
            names |= {field.alias or name for name, field in model.model_fields.items()}
    return frozenset(names)


def api_route(
    view: Callable[..., HttpResponse], *, guarded: bool, query_names: dict[str, frozenset[str]] | None = None
) -> Callable[..., HttpResponse]:
    """A ninja path view as Django sees it: a query parameter the operation does not declare is a 400
    naming it (a typo'd `?afetr=` is not silently ignored), so is one given twice (every parameter takes
    one value: `?q=a&q=b` is not quietly read as `b`), a method it does not serve is a JSON 405,
    and the tenant guard marker is set only when every operation on the path authenticates with
    `TenantKeyAuth`
    (so `TenantGuardCheckMiddleware` refuses to run a tenant route that forgot it)."""

    @wraps(view)
    def route(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        known = (query_names or {}).get(request.method or "")
        unknown = sorted(set(request.GET) - known) if known is not None else []
        if unknown:
            return errors_response(400, [error_item(f"{n} is not a known parameter", n) for n in unknown])
        repeated = sorted(n for n in request.GET if len(request.GET.getlist(n)) > 1)
        if repeated:
            return errors_response(400, [error_item(f"Give {n} once.", n) for n in repeated])
        response = view(request, *args, **kwargs)
        is_json = response.get("Content-Type", "").startswith("application/json")
        if response.status_code == 405 and not is_json:
            allowed = response.get("Allow", "")
            response = error_response(405, f"Method {request.method} is not allowed here; use {allowed}.")
            response["Allow"] = allowed
        return response

    route.csrf_exempt = True  # type: ignore[attr-defined]  # TenantKeyAuth checks CSRF for session writes
    if guarded:
        setattr(route, GUARD_MARKER, True)
    return route


@csrf_exempt  # a POST to a mistyped URL is a 404 like a GET, not a CSRF page
def api_not_found(request: HttpRequest) -> JsonResponse:
    return error_response(404, "No such API endpoint; see /api/v1/docs/.")


def install_error_handlers(api: NinjaAPI) -> None:
    def validation(request: HttpRequest, exc: ValidationError) -> HttpResponse:
        status, items = validation_error_items(exc.errors)
        return errors_response(status, items[:1000])

    def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
        if isinstance(exc.__cause__, RequestDataTooBig):
            return error_response(413, "The body is too large; send smaller batches.", field="items")
        if exc.status_code == 400 and exc.__cause__ is not None:
            return error_response(400, "The body is not valid JSON.")
        return error_response(exc.status_code, str(exc))

    def api_error(request: HttpRequest, exc: ApiError) -> HttpResponse:
        return errors_response(exc.status, exc.items)

    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        return error_response(413, "The body is too large; send smaller batches.", field="items")

    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        return error_response(404, "Not found.")

    def forbidden(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return error_response(403, "Forbidden.")

    def bug(request: HttpRequest, exc: Exception) -> HttpResponse:
        # API clients parse JSON: a bug must not answer with Django's HTML error page. Logged with the
        # traceback (and so reported like any 500).
        logger.error("Unhandled error in API view %s %s", request.method, request.path, exc_info=exc)
        return error_response(500, "Internal error; it has been logged.")

    handlers: dict[type[Exception], Any] = {
        ValidationError: validation,
        HttpError: http_error,
        ApiError: api_error,
        RequestDataTooBig: too_big,
        Http404: not_found,
        PermissionDenied: forbidden,
        Exception: bug,
    }
    for exc_class, handler in handlers.items():
        api.add_exception_handler(exc_class, handler)
