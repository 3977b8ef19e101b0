"""The measured figures. Each benchmark is a function `(ctx) -> list[Result]` that times the project's real
code paths (selectors, actions, views through the Django test Client) on the bench data."""

import datetime as dt
import statistics
import time
from dataclasses import dataclass, field

from django.conf import settings
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from planning.outbox import EvaluationScope

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
        return self.extra.get("median_ms") or statistics.median(self.samples_ms)

    @property
    def p95(self):
        if "p95_ms" in self.extra:  # a tool that reports percentiles, not samples (locust)
            return self.extra["p95_ms"]
        ordered = sorted(self.samples_ms)
        # Nearest rank: the smallest sample with at least 95% of the samples at or below it.
        return ordered[max(0, -(-95 * len(ordered) // 100) - 1)]

    @property
    def max(self):
        return self.extra.get("max_ms") or max(self.samples_ms)

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


def _time(fn, repeats, warmup=2, count=True):
    """Samples in ms of `fn()`, and the SQL query count of one more call (None with count=False). The
    queries are counted outside the timed calls: capturing them logs every query, which production
    does not pay for."""
    for _ in range(warmup):
        fn()
    samples = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        samples.append((time.perf_counter() - start) * 1000)
    if not count:
        return samples, None
    with CaptureQueriesContext(connection) as ctx:
        fn()
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


# --- 4. Rule evaluation -------------------------------------------------------------------------------------

PLAN_RULES = ("demand_change", "stock_below_safety", "stockout", "excess", "capacity_overload")
LOOP_RULES = ("demand_change", "stock_below_safety", "stockout")


def _probe_rules(tenant, weeks):
    """The standard plan-cell rules with default parameters, looking over the whole plan (unsaved, as
    alerts.evaluation.runner.preview_rule builds them)."""
    from alerts.kinds import clean_params
    from alerts.models import ExceptionRule

    return [
        ExceptionRule(
            tenant=tenant,
            name=kind,
            kind=kind,
            params=clean_params(kind, {"horizon_weeks": weeks}),
            min_consecutive_weeks=1,
        )
        for kind in PLAN_RULES
    ]


def _evaluate(rules, request_scope, first_week, kinds=PLAN_RULES):
    """Load and check: alerts.evaluation.runner.findings_for per rule (what evaluate_rule runs before
    it applies findings), the rules sharing their frames as in one outbox or nightly pass. Returns the
    number of findings."""
    from alerts.evaluation import frames
    from alerts.evaluation.cache import frames_shared
    from alerts.evaluation.runner import findings_for

    found = 0
    with frames_shared():
        for rule in rules:
            if rule.kind in kinds:
                found += len(findings_for(rule, frames.scope_slice(rule, request_scope), first_week)[0])
    return found


def _evaluate_loaded(rules, request_scope, first_week, kinds):
    """The checks alone: (ms, findings) of one `_evaluate` over frames a first pass already loaded into
    the shared frame cache (what the loop's "check" time is compared with)."""
    from alerts.evaluation.cache import frames_shared

    with frames_shared():
        _evaluate(rules, request_scope, first_week, kinds)
        start = time.perf_counter()
        found = _evaluate(rules, request_scope, first_week, kinds)
        return (time.perf_counter() - start) * 1000, found


def _loop_rules(tenant, versions, first_week, product_ids, params):
    """The same checks (demand_change at customer level, stock_below_safety, stockout) written as a
    row-by-row pure-Python loop over the same rows (`versions`: working and previous demand, working
    supply), for the vectorised-vs-loop ratio. Returns (findings, ms spent loading, ms spent checking)."""
    from planning.models import InventorySnapshot, PlanEntry

    start = time.perf_counter()
    demand_cols = ("product_id", "customer_id", "facility_id", "week", "qty")

    def rows(model, cols, **where):
        qs = model.objects.filter(**where)
        if product_ids is not None:
            qs = qs.filter(product_id__in=product_ids)
        return list(qs.values_list(*cols))

    working, published, supply_version = versions
    cur, prev = rows(PlanEntry, demand_cols, version=working), rows(PlanEntry, demand_cols, version=published)
    supply = rows(PlanEntry, ("product_id", "facility_id", "week", "qty"), version=supply_version)
    stock = rows(
        InventorySnapshot, ("product_id", "facility_id", "as_of", "on_hand", "safety_stock"), tenant=tenant
    )
    loaded = time.perf_counter()
    first = first_week.date()
    last = first + dt.timedelta(weeks=params["horizon_weeks"] - 1)
    findings = 0
    # demand_change: flag weeks above +change_pct, then count runs of consecutive flagged weeks.
    before = {}
    for p, c, f, w, q in prev:
        if first <= w <= last:
            before[(p, c, f, w)] = before.get((p, c, f, w), 0.0) + float(q)
    flagged = {}
    now = {}
    for p, c, f, w, q in cur:
        if first <= w <= last:
            now[(p, c, f, w)] = now.get((p, c, f, w), 0.0) + float(q)
    for key, q in now.items():
        ref = before.get(key, 0.0)
        pct = (q - ref) / ref * 100 if ref else (float("inf") if q else 0.0)
        if q > ref and pct > params["change_pct"]:
            flagged.setdefault(key[:3], []).append(key[3])
    for weeks in flagged.values():
        weeks.sort()
        findings += 1 + sum(1 for a, b in zip(weeks, weeks[1:], strict=False) if (b - a).days != 7)
    # projection: on hand + cumulative (supply - demand) per product x facility and week, for every
    # product x facility with demand, supply or a stock snapshot.
    net = {}
    for p, _c, f, w, q in cur:
        by_week = net.setdefault((p, f), {})
        by_week[w] = by_week.get(w, 0.0) - float(q)
    for p, f, w, q in supply:
        by_week = net.setdefault((p, f), {})
        by_week[w] = by_week.get(w, 0.0) + float(q)
    snapshot = {}
    for p, f, as_of, on_hand, safety in sorted(stock, key=lambda r: r[2]):
        if as_of <= first + dt.timedelta(days=6):
            snapshot[(p, f)] = (float(on_hand), float(safety))
    for pair in net.keys() | snapshot.keys():
        by_week = net.get(pair, {})
        on_hand, safety = snapshot.get(pair, (0.0, 0.0))
        projected, below_run, out_run = on_hand, False, False
        week = first
        while week <= last:
            projected += by_week.get(week, 0.0)
            below, out = projected < safety, projected < 0
            findings += (below and not below_run) + (out and not out_run)
            below_run, out_run = below, out
            week += dt.timedelta(weeks=1)
    done = time.perf_counter()
    return findings, (loaded - start) * 1000, (done - loaded) * 1000


def rule_evaluation(ctx):
    import pandas as pd

    from planning import selectors as ps
    from planning import weeks as wk
    from planning.models import PlanType, PlanVersion
    from sopsocial.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug=TENANT_SLUG)
    size = ctx.size
    first_week = pd.Timestamp(wk.this_week())
    rules = _probe_rules(tenant, size.weeks)
    working = PlanVersion.objects.get(pk=ctx.facts["plan_version"])
    # The loop reads the versions the rules read (alerts.evaluation.runner.findings_for).
    versions = (
        ps.working_version(tenant, PlanType.DEMAND),
        ps.previous_version(ps.working_version(tenant, PlanType.DEMAND)),
        ps.working_version(tenant, PlanType.SUPPLY),
    )
    all_products = sorted(working.entries.values_list("product_id", flat=True).distinct())
    per_product = size.facilities * size.weeks
    cases = []
    if len(all_products) * per_product > 1_000_000:
        cases.append(all_products[: -(-1_000_000 // per_product)])
    cases.append(None)
    # A full pass over millions of cells takes seconds: few samples (full size: one, no warm-up).
    full = size.name == "full"
    repeats = 1 if full else max(3, ctx.repeats // 10)
    results = []
    for products in cases:
        cells = (len(products) if products else len(all_products)) * per_product
        scope = EvaluationScope.touching(product_ids=products) if products else None
        label = f"{cells:,} cells, all rules"
        found = [0]

        def run(s=scope, found=found):
            found[0] = _evaluate(rules, s, first_week)

        samples, _ = _time(run, repeats, warmup=0 if full else 1, count=False)
        results.append(
            Result(
                "4 rules full",
                label,
                samples,
                5000 if cells <= 1_050_000 else None,
                None,
                {"findings": found[0], "cells": cells},
            )
        )
        # Vectorised vs row-by-row, for the three rules both implement, on the same rows.
        vec, _ = _time(
            lambda s=scope: _evaluate(rules, s, first_week, LOOP_RULES), repeats, warmup=0, count=False
        )
        checked = [_evaluate_loaded(rules, scope, first_week, LOOP_RULES) for _ in range(repeats)]
        vec_checks = [ms for ms, _ in checked]
        params = {**rules[0].params}
        loop = [_loop_rules(tenant, versions, first_week, products, params) for _ in range(repeats)]
        loop_total = [load + check for _, load, check in loop]
        loop_check = statistics.median(c for *_, c in loop)
        # Each side loads the way it naturally would (the loop: rows as Python tuples; the rules: frames
        # through COPY), so "including loading" compares the two programs end to end; "checks only"
        # compares the same rules over data already in memory.
        ratio = statistics.median(loop_total) / statistics.median(vec)
        check_ratio = loop_check / statistics.median(vec_checks)
        results.append(
            Result(
                "4 rules loop",
                f"{cells:,} cells, 3 rules, loop",
                loop_total,
                None,
                None,
                {
                    "findings": loop[0][0],
                    "vectorised_findings": checked[0][1],
                    "loop_check_ms": round(loop_check, 1),
                    "loop_load_ms": round(statistics.median(ld for _, ld, _ in loop), 1),
                    "vectorised_ms": round(statistics.median(vec), 1),
                    "vectorised_check_ms": round(statistics.median(vec_checks), 1),
                    "ratio": (
                        f"loop / vectorised: {ratio:.1f}x including loading, {check_ratio:.1f}x checks only "
                        "(target >= 30x)"
                    ),
                },
            )
        )
    # Incremental: the slice one cell edit queues (its product, customer and facility).
    one = EvaluationScope.touching(
        product_ids=[all_products[0]],
        facility_ids=[working.entries.values_list("facility_id", flat=True).first()],
    )
    samples, _ = _time(lambda: _evaluate(rules, one, first_week), ctx.repeats, warmup=1, count=False)
    results.append(Result("4 rules incremental", "one-cell slice, all rules", samples, 200, None))
    return results


BENCHMARKS["rules"] = rule_evaluation


def _live(ctx):
    from .live import live

    return live(ctx)


BENCHMARKS["live"] = _live


def _load(ctx):
    from .load import load

    return load(ctx)


BENCHMARKS["load"] = _load
