"""Feeds figures: fan-out of one item to many followers, and home-feed page reads at any depth.

    createdb -h 127.0.0.1 -U postgres bench_feeds
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feeds .venv/bin/python manage.py migrate -v0
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/bench_feeds .venv/bin/python bench/feeds_bench.py

Builds (once) a tenant with BENCH_FOLLOWERS (2000) people following one brand and BENCH_ITEMS (50000)
items in one reader's inbox; prints the fan-out time of one new item (one INSERT ... SELECT), the live
push time to all its recipients, and the home-feed page time and query count at page 1 and deep in
the feed (keyset cursor). In-process channel layer unless REDIS_URL is set.
"""

import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sopsocial.settings")
os.environ.setdefault("CELERY_TASK_ALWAYS_EAGER", "1")

import django  # noqa: E402

django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test.utils import CaptureQueriesContext  # noqa: E402
from django.utils import timezone  # noqa: E402

from feeds import actions, live, selectors  # noqa: E402
from feeds.models import FeedItem, FeedItemSubject, Follow, InboxEntry  # noqa: E402
from sopsocial.subjects.actions import create_subject  # noqa: E402
from sopsocial.subjects.models import Subject  # noqa: E402
from sopsocial.tenancy.models import Membership, Tenant  # noqa: E402

FOLLOWERS = int(os.environ.get("BENCH_FOLLOWERS", "2000"))
ITEMS = int(os.environ.get("BENCH_ITEMS", "50000"))


def build():
    """A brand with 20 products followed by FOLLOWERS people; ITEMS older items in one reader's inbox."""
    tenant, created = Tenant.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    if not created:
        return tenant
    User = get_user_model()
    with transaction.atomic():
        brand = create_subject(tenant=tenant, kind="brand", title="Bench brand")
        products = [
            create_subject(tenant=tenant, kind="product", title=f"P{i}", parents=[brand]) for i in range(20)
        ]
        users = User.objects.bulk_create([User(username=f"bench{i}") for i in range(FOLLOWERS)])
        Membership.objects.bulk_create([Membership(tenant=tenant, user=u, role="planner") for u in users])
        Follow.objects.bulk_create([Follow(tenant=tenant, user=u, subject=brand) for u in users])
    reader = users[-1]
    start = timezone.now() - timezone.timedelta(days=365)
    for batch in range(0, ITEMS, 5000):
        with transaction.atomic():
            items = FeedItem.objects.bulk_create(
                [
                    FeedItem(
                        tenant=tenant,
                        kind="post",
                        subject=products[i % 20],
                        author=users[i % 50],
                        body=f"Bench item {i}",
                        body_html=f"<p>Bench item {i}</p>",
                        created=start + timezone.timedelta(minutes=i),
                    )
                    for i in range(batch, min(ITEMS, batch + 5000))
                ]
            )
            FeedItemSubject.objects.bulk_create(
                [
                    FeedItemSubject(
                        tenant=tenant, item=it, subject=it.subject, relation=0, created=it.created
                    )
                    for it in items
                ]
            )
            InboxEntry.objects.bulk_create(
                [
                    InboxEntry(user=reader, tenant=tenant, created=it.created, item=it, reason_subject=brand)
                    for it in items
                ]
            )
    return tenant


def main():
    tenant = build()
    member = Membership.objects.select_related("tenant", "user", "partner").get(
        tenant=tenant, user__username=f"bench{FOLLOWERS - 1}"
    )
    product = Subject.objects.filter(tenant=tenant, kind="product").first()
    fan_out, push = [], []
    for _ in range(5):
        with transaction.atomic():
            item = FeedItem.objects.create(tenant=tenant, kind="system", subject=product, body="probe")
            actions._place(item, product, [])
        start = time.perf_counter()
        user_ids = actions.do_fan_out_item(item.pk)
        fan_out.append((time.perf_counter() - start) * 1000)
        start = time.perf_counter()
        live.push_item(item.pk, user_ids)
        push.append((time.perf_counter() - start) * 1000)
    n = len(user_ids)
    print(
        f"fan-out of one item to {n} followers (one INSERT ... SELECT): "
        f"median {statistics.median(fan_out):.1f} ms"
    )
    print(f"live push of that item to {n} users' groups: median {statistics.median(push):.0f} ms")

    def read(**kw):
        runs = []
        for _ in range(20):
            with CaptureQueriesContext(connection) as ctx:
                start = time.perf_counter()
                selectors.home_page(member, **kw)
                runs.append((time.perf_counter() - start) * 1000)
        return statistics.median(runs), len(ctx.captured_queries)

    ms, queries = read()
    print(f"home page 1 (20 items, hydrated): median {ms:.2f} ms, {queries} queries")
    deep = InboxEntry.objects.filter(user=member.user).order_by("created", "item_id")[100]
    ms, queries = read(before=selectors.Cursor(deep.created, deep.item_id))
    print(f"home page ~{ITEMS // 20} deep (keyset cursor): median {ms:.2f} ms, {queries} queries")
    print(f"reader's inbox rows: {InboxEntry.objects.filter(user=member.user).count()}")


if __name__ == "__main__":
    main()
