"""Walk Django's URL resolver and prove that every tenant route is guarded.

For every route under /t/<tenant_slug>/ and /api/v1/t/<tenant_slug>/:
  * anonymous                                  -> login redirect or 401, nothing written;
  * a member (admin) of another tenant, with the victim's slug      -> 404;
  * the same outsider on their own tenant with the victim's ids     -> 404;
  * the victim tenant's partner user (nothing shared) with its ids  -> 404 (unless the route is
    partner-visible and takes no ids).
A route without a RouteCase, or a URL kwarg without a builder, fails the test.
"""

import importlib
import json
import pkgutil
from pathlib import Path

import pytest
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.models import Subject

from ..factories import MembershipFactory, PartnerFactory, TenantFactory
from . import registry

TENANT_PREFIXES = ("t/<slug:tenant_slug>/", "api/v1/t/<slug:tenant_slug>/")


def _cases():
    routes, kwargs, public = {}, {}, set()
    package = Path(__file__).parent
    for info in pkgutil.iter_modules([str(package)]):
        if info.name.startswith("cases_"):
            module = importlib.import_module(f"{__package__}.{info.name}")
            for case in getattr(module, "ROUTES", []):
                assert case.name not in routes, f"{case.name} has two RouteCases"
                routes[case.name] = case
            kwargs.update(getattr(module, "KWARGS", {}))
            public |= set(getattr(module, "PUBLIC_ROUTES", set()))
    return routes, kwargs, public


def _walk(patterns, prefix="", namespace=None):
    for p in patterns:
        if isinstance(p, URLResolver):
            ns = p.namespace if p.namespace else namespace
            if ns and namespace and p.namespace:
                ns = f"{namespace}:{p.namespace}"
            yield from _walk(p.url_patterns, prefix + str(p.pattern), ns)
        elif isinstance(p, URLPattern):
            name = f"{namespace}:{p.name}" if namespace and p.name else p.name
            yield prefix + str(p.pattern), name, p


def all_routes():
    return [
        (route, name, p)
        for route, name, p in _walk(get_resolver().url_patterns)
        if not route.startswith("platform-admin/")
    ]


def _kwarg_names(route):
    import re

    return [m.group(2) for m in re.finditer(r"<(?:(\w+):)?(\w+)>", route)]


@pytest.fixture
def world(db):
    victim = TenantFactory(slug="victim", name="Victim Foods")
    partner = PartnerFactory(tenant=victim, name="Victim 3PL")
    return registry.World(
        tenant=victim,
        admin=MembershipFactory(tenant=victim, role="admin"),
        planner=MembershipFactory(tenant=victim, role="planner"),
        partner_member=MembershipFactory(tenant=victim, role="viewer", partner=partner),
    )


def test_every_route_is_known_and_every_tenant_route_refuses_outsiders(world, client):
    cases, builders, public = _cases()
    outsider_tenant = TenantFactory(slug="outsider", name="Outsider Ltd")
    outsider = MembershipFactory(tenant=outsider_tenant, role="admin")
    unknown, tried, failures = [], 0, []
    seen_tenant_routes = set()

    for route, name, _pattern in all_routes():
        if not route.startswith(TENANT_PREFIXES):
            if name not in public:
                unknown.append(f"public route {route!r} ({name}) is not in any PUBLIC_ROUTES")
            continue
        seen_tenant_routes.add(name)
        case = cases.get(name)
        if case is None:
            unknown.append(f"tenant route {route!r} ({name}) has no RouteCase")
            continue
        id_names = [k for k in _kwarg_names(route) if k != "tenant_slug"]
        missing = [k for k in id_names if k not in builders]
        if missing:
            unknown.append(f"{name}: no builder for URL kwargs {missing}")
            continue
        ids = {k: builders[k](world) for k in id_names}
        victim_url = reverse(name, kwargs={"tenant_slug": world.tenant.slug, **ids})
        own_url = reverse(name, kwargs={"tenant_slug": outsider_tenant.slug, **ids})

        for method in case.methods:
            send = getattr(client, method.lower())
            args = {"data": case.data} if method == "POST" else {}
            events_before = AuditEvent.objects.count()
            subjects_before = Subject.objects.count()

            client.logout()
            response = send(victim_url, **args)
            tried += 1
            if not (
                response.status_code == 401
                or (response.status_code == 302 and "/accounts/login/" in response["Location"])
            ):
                failures.append(f"anonymous {method} {victim_url} -> {response.status_code}")

            client.force_login(outsider.user)
            for url, who in ((victim_url, "outsider on victim slug"), (own_url, "outsider with victim ids")):
                if url == own_url and not any(k.endswith("_id") for k in id_names):
                    continue  # no object of the victim's in the URL (e.g. an import kind): nothing to leak
                response = send(url, **args)
                tried += 1
                if response.status_code != 404:
                    failures.append(f"{who} {method} {url} -> {response.status_code}")

            client.force_login(world.partner_member.user)
            response = send(victim_url, **args)
            tried += 1
            partner_may = case.external_ok and not id_names
            if not partner_may and response.status_code != 404:
                failures.append(f"partner user {method} {victim_url} -> {response.status_code}")

            if AuditEvent.objects.count() != events_before or Subject.objects.count() != subjects_before:
                failures.append(f"{method} {name}: refused requests wrote something")

    stale = sorted(set(cases) - seen_tenant_routes)
    summary = {
        "tenant_routes": len(seen_tenant_routes),
        "requests_tried": tried,
        "unexpected_answers": len(failures),
    }
    Path("artifacts").mkdir(exist_ok=True)
    Path("artifacts/isolation.json").write_text(json.dumps(summary, indent=2))
    assert not unknown, "routes the isolation test does not know:\n" + "\n".join(unknown)
    assert not stale, f"RouteCases for routes that no longer exist: {stale}"
    assert not failures, f"{len(failures)} of {tried} requests were not refused:\n" + "\n".join(failures)
    assert tried > 0


# Query parameters the views read (collected from `request.GET` and the filter forms) plus generic names a
# probe would try. Each is sent alone, so a 400 for one cannot hide a 500 for another.
KNOWN_QUERY_PARAMS = (
    "a",
    "about",
    "add_product",
    "after",
    "alert",
    "assignee",
    "b",
    "before",
    "brand",
    "by",
    "by_me",
    "currentdate",
    "customer",
    "download",
    "due_after",
    "due_before",
    "end",
    "f",
    "facility",
    "family",
    "format",
    "item",
    "kind",
    "mine",
    "overdue",
    "page",
    "panel",
    "partner",
    "phase",
    "product",
    "q",
    "query",
    "revision",
    "severity",
    "since",
    "start",
    "status",
    "subject_kind",
    "tag_query",
    "tagged",
    "until",
    "version",
    "verb",
    "week",
    "actor",
)
HOSTILE_VALUES = ("\x00", "²", "٣")  # a NUL byte, a superscript two (isdigit() but not int()), Arabic three


def _fetch(client, method, url, **args):
    """The status of one request; a raised exception or a stream that fails to finish counts as a 500."""
    try:
        with transaction.atomic():  # each probe starts from the same world, whatever the last one wrote
            response = getattr(client, method.lower())(url, **args)
            if response.streaming:
                b"".join(response.streaming_content)
            transaction.set_rollback(True)
    except Exception as exc:  # noqa: BLE001 - any escape is the failure being looked for
        return f"500 ({type(exc).__name__}: {exc})"
    return response.status_code


def _tenant_routes_with_cases():
    cases = _cases()[0]
    return [
        (name, route, cases[name])
        for route, name, _pattern in all_routes()
        if route.startswith(TENANT_PREFIXES) and name in cases
    ]


@pytest.mark.parametrize(
    ("name", "route", "case"),
    _tenant_routes_with_cases(),
    ids=[n for n, _r, _c in _tenant_routes_with_cases()],
)
def test_no_route_answers_hostile_parameters_with_a_server_error(world, client, name, route, case):
    """As an admin of the tenant, a GET with each query parameter set to a NUL byte and to "²" (alone,
    so a 400 for one cannot hide a 500 for another), and with all of them set to "²" and to "٣"; a POST
    with each form field set to each hostile value: no answer is a 5xx."""
    builders = _cases()[1]
    ids = {k: builders[k](world) for k in _kwarg_names(route) if k != "tenant_slug"}
    url = reverse(name, kwargs={"tenant_slug": world.tenant.slug, **ids})
    client.force_login(world.admin.user)
    probes = []
    for method in case.methods:
        if method == "GET":
            probes += [("GET", {p: v}) for p in KNOWN_QUERY_PARAMS for v in ("\x00", "²")]
            probes += [("GET", dict.fromkeys(KNOWN_QUERY_PARAMS, v)) for v in ("²", "٣")]
        else:
            for field_name in (*case.data, "item"):  # "item": the generic id list a form may post
                probes += [("POST", {**case.data, field_name: v}) for v in HOSTILE_VALUES]
    failures = []
    for method, data in probes:
        status = _fetch(client, method, url, data=data)
        if not isinstance(status, int) or status >= 500:
            failures.append(f"{method} {url} {data} -> {status}")
    assert not failures, f"{len(failures)} of {len(probes)} requests failed:\n" + "\n".join(failures)
