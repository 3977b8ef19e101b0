"""Bench data, built once per database inside ONE tenant (`bench`) and reused on later runs.

Rows are written so the real models' constraints hold (unique follows, unique inbox rows, placements on
the primary subject and its ancestor, subjects with parents) with bulk paths only: `bulk_create` for the
few thousand users, memberships and subjects, psycopg 3 `COPY` for follows, feed items and plan cells,
and `INSERT ... SELECT` for what follows from them (placements, each item's inbox rows for the followers
of its subjects: what the fan-out would have written). No audit rows: no measured read path needs them.
A marker table records the data version and size so a later run with the same size skips the build.
"""

import datetime as dt
import json
import random
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.utils import timezone

DATA_VERSION = 3
TENANT_SLUG = "bench"
FOLLOW_COUNTS = (1, 20, 120, 500, 2000)
FANOUT_SIZES = (10, 100, 1000)


@dataclass(frozen=True)
class Size:
    name: str
    users: int
    subjects: int
    follows_min: int
    follows_max: int
    items: int
    products: int
    facilities: int
    weeks: int
    grid_products: int = 200
    grid_weeks: int = 26


SIZES = {
    "full": Size("full", 2000, 20000, 50, 200, 1_000_000, 1000, 50, 52),
    "quick": Size("quick", 1000, 3000, 5, 20, 100_000, 200, 5, 52),
    # For tests/bench: seconds, not minutes; still every code path.
    "tiny": Size("tiny", 1000, 2100, 1, 3, 3000, 20, 2, 8, grid_products=20, grid_weeks=8),
}


def _marker():
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TABLE IF NOT EXISTS bench_marker (name text PRIMARY KEY, version int, size text, "
            "built timestamptz, facts jsonb)"
        )
        cursor.execute("SELECT version, size, facts FROM bench_marker WHERE name = 'data'")
        return cursor.fetchone()


@contextmanager
def _no_fk_triggers():
    """Millions of rows queue millions of deferred foreign-key checks for COMMIT (minutes). The rows are
    built from ids just read, so when the role may (a superuser, as in the dev/CI PostgreSQL) the
    bulk statements run with triggers off; only those statements, so audit triggers still guard the
    rest. Otherwise the checks simply run."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        superuser = cursor.fetchone()[0]
        if superuser:
            cursor.execute("SET LOCAL session_replication_role = replica")
        try:
            yield
        finally:
            if superuser:
                cursor.execute("SET LOCAL session_replication_role = origin")


def _copy(table, columns, rows):
    """COPY rows (tuples of Python values) into table; psycopg adapts the values."""
    connection.ensure_connection()
    with _no_fk_triggers(), connection.connection.cursor() as cursor:
        with cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row(row)


def ensure_data(size, *, rebuild=False, log=print):
    """Build the bench data unless the marker says this size is already there. Returns the facts dict."""
    found = _marker()
    if found and not rebuild and found[0] == DATA_VERSION and found[1] == size.name:
        log(f"bench data: reusing {size.name} data (version {DATA_VERSION})")
        facts = found[2]
        return json.loads(facts) if isinstance(facts, str) else facts
    if found:
        raise RuntimeError(
            f"the bench database holds {found[1]} data (version {found[0]}); "
            "run with --rebuild to drop and rebuild it for this size"
        )
    started = time.perf_counter()
    facts = {}
    with transaction.atomic():
        facts.update(_build_feeds(size, log))
    with transaction.atomic():
        facts.update(_build_plans(size, log))
    with connection.cursor() as cursor:
        # VACUUM as well: it sets the visibility map, so index-only scans (the unread badges' counts) skip
        # the table as they do in a database autovacuum keeps up with; a fresh bulk load has none set.
        # Not possible inside a transaction (tests/bench runs in one).
        cursor.execute("ANALYZE" if connection.in_atomic_block else "VACUUM ANALYZE")
        cursor.execute(
            "INSERT INTO bench_marker (name, version, size, built, facts) VALUES ('data', %s, %s, now(), %s)",
            [DATA_VERSION, size.name, json.dumps(facts)],
        )
    log(f"bench data: built {size.name} in {time.perf_counter() - started:.0f} s: {facts}")
    return facts


def _build_feeds(size, log):
    from feeds.models import FeedItem, InboxEntry
    from sopsocial.subjects.models import Subject, SubjectParent
    from sopsocial.tenancy.models import Membership, Tenant

    rng = random.Random(7)
    tenant = Tenant.objects.create(slug=TENANT_SLUG, name="Bench Foods")
    User = get_user_model()
    users = User.objects.bulk_create(
        [User(username=f"bench-u{i}", email=f"u{i}@bench.invalid") for i in range(size.users)]
        + [User(username=f"bench-f{n}", email=f"f{n}@bench.invalid") for n in FOLLOW_COUNTS]
    )
    Membership.objects.bulk_create(
        [Membership(tenant=tenant, user=u, role="planner", department="Bench") for u in users]
    )
    n_brands = max(size.subjects // 100, 5)
    brands = Subject.objects.bulk_create(
        [Subject(tenant=tenant, kind="brand", title=f"Bench brand {i}") for i in range(n_brands)]
    )
    products = Subject.objects.bulk_create(
        [
            Subject(tenant=tenant, kind="product", title=f"Bench product {i}")
            for i in range(size.subjects - n_brands)
        ]
    )
    SubjectParent.objects.bulk_create(
        [SubjectParent(tenant=tenant, child=p, parent=brands[i % n_brands]) for i, p in enumerate(products)]
    )
    # Fan-out probes: subjects with exactly 10, 100 and 1,000 followers, and no items of their own.
    probes = Subject.objects.bulk_create(
        [Subject(tenant=tenant, kind="topic", title=f"Bench fan-out {n}") for n in FANOUT_SIZES]
    )
    log(f"bench data: {len(users)} users, {len(brands) + len(products) + len(probes)} subjects")

    now = timezone.now()
    regular, special = users[: size.users], users[size.users :]
    subject_ids = [s.pk for s in brands + products]
    product_ids = [p.pk for p in products]

    def follow_rows():
        for u in regular:
            for sid in rng.sample(subject_ids, rng.randint(size.follows_min, size.follows_max)):
                yield (tenant.pk, u.pk, sid, "manual", now)
        # A person following N subjects: one brand (so even N=1 has a deep feed) and N-1 products.
        for n, u in zip(FOLLOW_COUNTS, special, strict=True):
            for sid in [brands[0].pk, *rng.sample(product_ids, n - 1)]:
                yield (tenant.pk, u.pk, sid, "manual", now)
        for n, probe in zip(FANOUT_SIZES, probes, strict=True):
            for u in regular[:n]:
                yield (tenant.pk, u.pk, probe.pk, "manual", now)

    _copy("feeds_follow", ("tenant_id", "user_id", "subject_id", "source", "created"), follow_rows())
    follows = _count("feeds_follow", tenant.pk)
    log(f"bench data: {follows} follows")

    start = now - dt.timedelta(days=365)
    step = dt.timedelta(days=360) / size.items
    authors = [u.pk for u in regular[:50]]

    def item_rows():
        for i in range(size.items):
            body = f"Bench item {i}: demand for week {i % 52 + 1} looks firm."
            yield (
                tenant.pk,
                FeedItem.Kind.POST if i % 4 else FeedItem.Kind.SYSTEM,
                product_ids[rng.randrange(len(product_ids))],
                authors[i % len(authors)],
                "",
                body,
                f"<p>{body}</p>",
                "{}",
                "internal",
                start + step * i,
            )

    _copy(
        "feeds_feeditem",
        (
            "tenant_id",
            "kind",
            "subject_id",
            "author_id",
            "verb",
            "body",
            "body_html",
            "data",
            "visibility",
            "created",
        ),
        item_rows(),
    )
    with _no_fk_triggers(), connection.cursor() as cursor:
        # Placements: the primary subject and its brand (what feeds.actions.posts._place writes).
        cursor.execute(
            "INSERT INTO feeds_feeditemsubject (tenant_id, item_id, subject_id, relation, created) "
            "SELECT tenant_id, id, subject_id, 0, created FROM feeds_feeditem WHERE tenant_id = %s "
            "UNION ALL SELECT i.tenant_id, i.id, p.parent_id, 2, i.created FROM feeds_feeditem i "
            "JOIN subjects_subjectparent p ON p.child_id = i.subject_id WHERE i.tenant_id = %s",
            [tenant.pk, tenant.pk],
        )
        # Inbox rows: every follower of a placement, once per item (the fan-out's result); the last
        # two days unread.
        cursor.execute(
            "INSERT INTO feeds_inboxentry (user_id, tenant_id, created, item_id, reason_subject_id, unread, "
            "mention, alert) SELECT DISTINCT ON (f.user_id, p.item_id) f.user_id, p.tenant_id, p.created, "
            "p.item_id, p.subject_id, p.created > %s, false, false FROM feeds_feeditemsubject p "
            "JOIN feeds_follow f ON f.subject_id = p.subject_id WHERE p.tenant_id = %s "
            "ORDER BY f.user_id, p.item_id, p.relation",
            [now - dt.timedelta(days=2), tenant.pk],
        )
    inbox = InboxEntry.objects.filter(tenant=tenant).count()
    log(f"bench data: {size.items} feed items, {inbox} inbox rows")
    return {
        "users": len(users),
        "subjects": len(brands) + len(products) + len(probes),
        "follows": follows,
        "feed_items": size.items,
        "inbox_rows": inbox,
    }


def _count(table, tenant_id):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*) FROM {table} WHERE tenant_id = %s", [tenant_id])  # noqa: S608
        return cursor.fetchone()[0]


def _subject_models(tenant, model, kind, rows):
    """bulk_create followable planning objects with their Subjects (save_with_subject, in bulk)."""
    from sopsocial.subjects.models import Subject

    subjects = Subject.objects.bulk_create(
        [Subject(tenant=tenant, kind=kind, title=str(obj)) for obj in rows]
    )
    for obj, subject in zip(rows, subjects, strict=True):
        obj.subject = subject
    objs = model.objects.bulk_create(rows)
    for obj, subject in zip(objs, subjects, strict=True):
        subject.url = obj.get_absolute_url()
    Subject.objects.bulk_update(subjects, ["url"])
    return objs


def _build_plans(size, log):
    from planning import actions
    from planning import weeks as wk
    from planning.models import (
        Brand,
        Capacity,
        Customer,
        Facility,
        InventorySnapshot,
        PlanType,
        Product,
        VersionStatus,
    )
    from sopsocial.tenancy.models import Tenant

    rng = random.Random(11)
    tenant = Tenant.objects.get(slug=TENANT_SLUG)
    brand = _subject_models(tenant, Brand, "brand", [Brand(tenant=tenant, name="Bench plan brand")])[0]
    products = _subject_models(
        tenant,
        Product,
        "product",
        [
            Product(tenant=tenant, sku=f"B-{i:05d}", name=f"Bench SKU {i:05d}", brand=brand, family="Bench")
            for i in range(max(size.products, size.grid_products))
        ],
    )
    # Demand cells are per customer (planning refuses a demand cell without one).
    customer = _subject_models(
        tenant, Customer, "customer", [Customer(tenant=tenant, code="C-BENCH", name="Bench Retail")]
    )[0]
    facilities = _subject_models(
        tenant,
        Facility,
        "facility",
        [Facility(tenant=tenant, code=f"F{i:03d}", name=f"Bench depot {i}") for i in range(size.facilities)],
    )
    monday = wk.this_week()
    plans = actions.ensure_plans(tenant)
    # Demand: a published version and the working draft copied from it (what demand_change compares);
    # the draft moves ~2% of its cells by +80%. Supply: the plan grid's version, edited by planners.
    published = actions.do_create_version(
        tenant=tenant,
        plan=plans[PlanType.DEMAND],
        start_week=monday,
        weeks=size.weeks,
        name="Bench published",
        status=VersionStatus.PUBLISHED,
    )
    working = actions.do_create_version(
        tenant=tenant,
        plan=plans[PlanType.DEMAND],
        start_week=monday,
        weeks=size.weeks,
        name="Bench working",
        based_on=published,
    )
    grid = actions.do_create_version(
        tenant=tenant,
        plan=plans[PlanType.SUPPLY],
        start_week=monday,
        weeks=size.grid_weeks,
        name="Bench grid",
    )
    weeks = [monday + dt.timedelta(weeks=w) for w in range(size.weeks)]
    columns = ("version_id", "product_id", "customer_id", "facility_id", "week", "qty", "revision")
    base = {(p.pk, f.pk): rng.randint(50, 500) for p in products[: size.products] for f in facilities}

    def demand_rows(version, moved):
        for (p, f), qty in base.items():
            for i, w in enumerate(weeks):
                q = qty + (i * 7 + p) % 41 - 20
                if moved and (p * 31 + f * 7 + i) % 50 == 0:
                    q = round(q * 1.8)
                yield (version.pk, p, customer.pk, f, w, q, 1)

    _copy("planning_planentry", columns, demand_rows(published, False))
    _copy("planning_planentry", columns, demand_rows(working, True))
    _copy(
        "planning_planentry",
        columns,
        (
            (grid.pk, p.pk, None, facilities[0].pk, monday + dt.timedelta(weeks=w), 100 + w, 1)
            for p in products[: size.grid_products]
            for w in range(size.grid_weeks)
        ),
    )
    Capacity.objects.bulk_create(
        Capacity(tenant=tenant, facility=f, week=w, capacity=5000 + 100 * (i % 7))
        for f in facilities
        for i, w in enumerate(weeks)
    )
    InventorySnapshot.objects.bulk_create(
        InventorySnapshot(
            tenant=tenant,
            product=p,
            facility=f,
            as_of=monday,
            on_hand=rng.randint(0, 3000),
            safety_stock=rng.randint(100, 800),
        )
        for p in products[: size.products]
        for f in facilities
    )
    cells = size.products * size.facilities * size.weeks
    log(f"bench data: plan of {cells} cells, grid version of {size.grid_products * size.grid_weeks}")
    return {
        "plan_cells": cells,
        "plan_version": working.pk,
        "published_version": published.pk,
        "grid_version": grid.pk,
        "customer": customer.pk,
        "grid_cells": size.grid_products * size.grid_weeks,
    }


def facts_as_dict(size):
    return asdict(size)
