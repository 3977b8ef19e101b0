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
                if url == own_url and not id_names:
                    continue
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
