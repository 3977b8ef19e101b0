"""Schemathesis over the whole generated OpenAPI document, against the live API (daphne subprocess on
the test database): positive and negative data for every operation, a stateful run that follows the
document's links, and NUL bytes and Unicode digits in every parameter and body string field.
No answer may be a server error or disagree with the document (status, content type, body schema)."""

import json

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    negative_data_rejection,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from planning.models import PlanType
from sopsocial.api.actions import do_create_api_key

from ..factories import MembershipFactory, TenantFactory
from ..live_stack import live_stack  # noqa: F401 - the fixture
from ..planning import factories as pf
from ..process.factories import make_decision, make_task

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]
HOSTILE = ("\x00", "²", "٣")  # a NUL byte, a superscript two, an Arabic-Indic three
EXAMPLES_PER_MODE = 25
# invalid data must be refused with one of the statuses the document lists (413: over the batch limit)
CONFIG = schemathesis.Config.from_dict(
    {"checks": {"negative_data_rejection": {"expected-statuses": [400, 401, 403, 404, 405, 409, 413, 422]}}}
)


@pytest.fixture
def api(live_stack):  # noqa: F811
    tenant = TenantFactory(slug="acme", name="Acme")
    admin = MembershipFactory(tenant=tenant, role="admin")
    pf.ProductFactory(tenant=tenant, sku="NW-1001")
    pf.CustomerFactory(tenant=tenant, code="CONTOSO")
    pf.FacilityFactory(tenant=tenant, code="LEEDS")
    version = pf.make_version(tenant, PlanType.DEMAND)
    task = make_task(tenant, title="Confirm Leeds capacity")
    decision = make_decision(tenant, question="Build stock ahead of the promotion?")
    sop_cycle = version.cycle.sop_cycle  # every plan cycle has its S&OP cycle (process)
    raw = do_create_api_key(admin, "fuzzer")[1]
    schema = schemathesis.openapi.from_url(f"{live_stack.url}/api/v1/openapi.json", config=CONFIG)
    return {
        "schema": schema,
        "base_url": live_stack.url,
        "headers": {"Authorization": f"Bearer {raw}"},
        "tenant": tenant.slug,
        "version_id": version.pk,
        "task_id": task.pk,
        "decision_id": decision.pk,
        "cycle_id": sop_cycle.pk,
        "phase_id": sop_cycle.phases.first().pk,
    }


def _operations(schema):
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 9, "the document lost operations"
    return operations


def _run(api, operation, mode, checks):
    # the tenant is fixed (any other slug is just a 404); everything else is generated
    strategy = operation.as_strategy(generation_mode=mode, path_parameters={"tenant": api["tenant"]})

    @given(case=strategy)
    @settings(
        max_examples=EXAMPLES_PER_MODE,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.generate],
        suppress_health_check=list(HealthCheck),
    )
    def run(case):
        headers = api["headers"]
        if mode == GenerationMode.NEGATIVE and "Authorization" in (case.headers or {}):
            # the generated credential is part of what is tested: sending ours instead would make an
            # invalid Authorization header look accepted
            headers = {}
        case.call_and_validate(base_url=api["base_url"], headers=headers, checks=checks)

    run()


def test_every_operation_with_positive_and_negative_data(api):
    for operation in _operations(api["schema"]):
        _run(api, operation, GenerationMode.POSITIVE, CHECKS)
        # data the document says is invalid must also be refused (a 4xx), not accepted
        _run(api, operation, GenerationMode.NEGATIVE, [*CHECKS, negative_data_rejection])


def test_stateful_run_follows_the_links(api):
    schema = api["schema"]
    links = [
        link
        for path in schema.raw_schema["paths"].values()
        for op in path.values()
        for response in op["responses"].values()
        for link in response.get("links", {}).values()
    ]
    assert {link["operationId"] for link in links} >= {"list_products", "upsert_plan_entries"}
    machine = schema.as_state_machine()

    class Machine(machine):
        def get_call_kwargs(self, case):
            return {"base_url": api["base_url"], "headers": api["headers"]}

        def validate_response(self, response, case, additional_checks=(), **kwargs):
            case.validate_response(response, checks=CHECKS, headers=api["headers"])

    Machine.TestCase.settings = settings(
        max_examples=15,
        stateful_step_count=4,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    Machine.run()


def _body_string_paths(schema, resolve, prefix=()):
    """Paths (tuples of keys / 0 for a list element) to every string field of a body schema."""
    schema = resolve(schema)
    found = []
    if "anyOf" in schema:
        for branch in schema["anyOf"]:
            found += _body_string_paths(branch, resolve, prefix)
    elif schema.get("type") == "string":
        found.append(prefix)
    elif schema.get("type") == "object":
        for name, prop in schema.get("properties", {}).items():
            found += _body_string_paths(prop, resolve, (*prefix, name))
    elif schema.get("type") == "array":
        found += _body_string_paths(schema["items"], resolve, (*prefix, 0))
    return sorted(set(found))


def _example_body(schema, resolve):
    return json.loads(json.dumps(resolve(schema).get("examples", [{}])[0]))


def _set(body, path, value):
    target = body
    for key in path[:-1]:
        target = target[key]
    target[path[-1]] = value


def _in_process(client, case, headers):
    """Header values daphne itself refuses (non-ASCII) or HTTP cannot carry (NUL) reach the app only
    in-process: Django's test client on the same (committed) test database."""
    kwargs = case.as_transport_kwargs(base_url="http://testserver", headers=headers)
    body = kwargs.get("json")
    response = client.generic(
        case.method.upper(),
        kwargs["url"].removeprefix("http://testserver"),
        json.dumps(body) if body is not None else "",
        content_type="application/json",
        headers={k: v for k, v in kwargs.get("headers", {}).items() if k.lower() != "content-type"},
    )
    return response


def test_nul_bytes_and_unicode_digits_in_every_parameter_are_refused_not_errors(api, client):
    """For every operation, every path, query and header parameter and every string field of the body
    (starting from the documented example) is sent as NUL, "²" and "٣" in turn: never a 5xx, a NUL
    always a 4xx, and the answer matches the document."""
    document = api["schema"].raw_schema
    components = document["components"]["schemas"]

    def resolve(schema):
        while "$ref" in schema:
            schema = components[schema["$ref"].rsplit("/", 1)[-1]]
        return schema

    tried, failures = 0, []
    for operation in _operations(api["schema"]):
        raw = document["paths"][operation.path][operation.method.lower()]
        body_schema = raw.get("requestBody", {}).get("content", {}).get("application/json", {}).get("schema")
        base_path = {
            "tenant": api["tenant"],
            "version_id": api["version_id"],
            "task_id": api["task_id"],
            "decision_id": api["decision_id"],
            "cycle_id": api["cycle_id"],
            "phase_id": api["phase_id"],
        }
        variants = []
        for parameter in raw.get("parameters", []):
            for value in HOSTILE:
                variants.append((parameter["in"], parameter["name"], value))
        if body_schema:
            for path in _body_string_paths(body_schema, resolve):
                for value in HOSTILE:
                    variants.append(("body", path, value))
        for where, name, value in variants:
            path_parameters = {k: v for k, v in base_path.items() if "{" + k + "}" in operation.path}
            headers, query = dict(api["headers"]), {}
            body = _example_body(body_schema, resolve) if body_schema else None
            if where == "path":
                path_parameters[name] = value
            elif where == "query":
                query[name] = value
            elif where == "header":
                headers[name] = value
            else:
                _set(body, name, value)
            body_kwargs = {"body": body, "media_type": "application/json"} if body is not None else {}
            case = operation.Case(
                path_parameters=path_parameters, query=query, headers=headers, **body_kwargs
            )
            tried += 1
            if where == "header":
                response = _in_process(client, case, headers)
                ok = response.status_code < 500 and (
                    response.status_code < 400 or "errors" in response.json()
                )
                if not ok or (value == "\x00" and response.status_code < 400):
                    failures.append(f"{operation.label} header {name}={value!r} -> {response.status_code}")
                continue
            response = case.call(base_url=api["base_url"])
            try:
                case.validate_response(response, checks=CHECKS)
            except Exception as exc:  # noqa: BLE001 - collected, so every failure is listed
                failures.append(f"{operation.label} {where} {name}={value!r}: {exc}")
                continue
            # "²" is a fine product name; a NUL is never a fine anything
            refused = 400 <= response.status_code < 500
            if response.status_code >= 500 or (value == "\x00" and not refused):
                failures.append(f"{operation.label} {where} {name}={value!r} -> {response.status_code}")
    assert tried > 100
    assert not failures, f"{len(failures)} of {tried}:\n" + "\n".join(failures)
