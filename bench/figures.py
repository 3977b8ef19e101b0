"""The measured figures. Each benchmark is a function `(ctx) -> list[Result]` that times the project's real
code paths (selectors, actions, views through the Django test Client) on the bench data."""

import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from .data import FANOUT_SIZES, FOLLOW_COUNTS, TENANT_SLUG


@dataclass
class Result:
    group: str
    name: str
    samples_ms: list
    target_ms: float | None = None
    queries: int | None = None
    extra: dict = field(default_factory=dict)

    @property
    def median(self):
        return statistics.median(self.samples_ms)

    @property
    def p95(self):
        ordered = sorted(self.samples_ms)
        # Nearest rank: the smallest sample with at least 95% of the samples at or below it.
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    @property
    def max(self):
        return max(self.samples_ms)

    @property
    def ok(self):
        return None if self.target_ms is None else self.p95 <= self.target_ms

    def as_dict(self):
        return {
            "group": self.group,
            "name": self.name,
            "n": len(self.samples_ms),
            "median_ms": round(self.median, 3),
            "p95_ms": round(self.p95, 3),
            "max_ms": round(self.max, 3),
            "target_p95_ms": self.target_ms,
            "ok": self.ok,
            "queries": self.queries,
            **self.extra,
        }


@dataclass
class Context:
    size: object
    facts: dict
    repeats: int
    log: object = print


def _time(fn, repeats, warmup=2):
    """Samples in ms of `fn()`, and the SQL query count of the last call."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        with CaptureQueriesContext(connection) as ctx:
            start = time.perf_counter()
            fn()
            samples.append((time.perf_counter() - start) * 1000)
    return samples, len(ctx.captured_queries)


def _member(username):
    from sopsocial.tenancy.models import Membership

    return Membership.objects.select_related("tenant", "user", "partner").get(
        tenant__slug=TENANT_SLUG, user__username=username
    )


def _client(user):
    client = Client()
    client.force_login(user)
    return client


# --- 1. Home feed -------------------------------------------------------------------------------------------


def page_cursor(member, page):
    """The keyset cursor that opens `page` (1-based) of the member's home feed, or the deepest page there
    is; returns (cursor or None, page number reached)."""
    from feeds.models import InboxEntry
    from feeds.selectors import Cursor

    size = settings.FEEDS_PAGE_SIZE
    rows = InboxEntry.objects.filter(user_id=member.user_id, tenant_id=member.tenant_id).order_by(
        "-created", "-item_id"
    )
    total = rows.count()
    page = max(1, min(page, (total + size - 1) // size))
    if page == 1:
        return None, 1
    row = rows[(page - 1) * size - 1]
    return Cursor(row.created, row.item_id), page


def home_feed(ctx):
    from feeds import selectors

    results = []
    for n in FOLLOW_COUNTS:
        member = _member(f"bench-f{n}")
        client = _client(member.user)
        url = reverse("feeds:home", kwargs={"tenant_slug": TENANT_SLUG})
        page1 = {}
        for page in (1, 50):
            cursor, reached = page_cursor(member, page)
            label = f"follows {n:>5}, page {reached}"
            samples, queries = _time(lambda c=cursor, m=member: selectors.home_page(m, before=c), ctx.repeats)
            entries = len(selectors.home_page(member, before=cursor).entries)
            if page == 1:
                page1["selector"] = statistics.median(samples)
            extra = {"follows": n, "page": reached, "entries": entries}
            if page != 1:
                extra["ratio_to_page_1"] = round(statistics.median(samples) / page1["selector"], 2)
            results.append(Result("1 home feed selector", label, samples, 6, queries, extra))
            query = {"before": cursor.encode()} if cursor else {}

            def get(q=query, c=client, u=url):
                response = c.get(u, q)
                assert response.status_code == 200, response.status_code

            samples, queries = _time(get, ctx.repeats)
            results.append(
                Result("1 home feed HTTP", label, samples, 50, queries, {"follows": n, "page": reached})
            )
    return results


# --- 2. Fan-out ---------------------------------------------------------------------------------------------


def fan_out(ctx):
    from feeds import actions
    from feeds.models import InboxEntry
    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug=TENANT_SLUG)
    results = []
    for n in FANOUT_SIZES:
        subject = Subject.objects.get(tenant=tenant, title=f"Bench fan-out {n}")
        samples, written = [], 0
        for i in range(ctx.repeats + 2):
            # The real action writes the item (its on-commit fan-out runs inline in the bench); its
            # inbox rows are then removed so the timed call writes them again, as the task would.
            with transaction.atomic():
                item = actions.do_create_system_item(
                    tenant=tenant, subject=subject, verb="bench.probe", text=f"Fan-out probe {i}"
                )
            InboxEntry.objects.filter(item_id=item.pk).delete()
            start = time.perf_counter()
            written = len(actions.do_fan_out_item(item.pk))
            elapsed = (time.perf_counter() - start) * 1000
            if i >= 2:
                samples.append(elapsed)
        target = 50 if n == 1000 else None
        results.append(
            Result("2 fan-out", f"one item to {n} followers", samples, target, None, {"rows": written})
        )
    return results


# --- 5. Plan grid -------------------------------------------------------------------------------------------


def plan_grid(ctx):
    from planning.models import PlanVersion

    member = _member("bench-u0")
    version = PlanVersion.objects.get(pk=ctx.facts["grid_version"])
    client = _client(member.user)
    url = reverse("planning:grid", kwargs={"tenant_slug": TENANT_SLUG, "version_id": version.pk})

    def get():
        response = client.get(url)
        assert response.status_code == 200, response.status_code
        return response

    cells = get().content.count(b'class="cell-input"')
    samples, queries = _time(get, ctx.repeats)
    label = f"{ctx.size.grid_products} products x {ctx.size.grid_weeks} weeks"
    return [Result("5 plan grid HTTP", label, samples, None, queries, {"cells": cells})]


BENCHMARKS = {
    "feed": home_feed,
    "fanout": fan_out,
    "grid": plan_grid,
}
