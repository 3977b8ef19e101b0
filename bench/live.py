"""Figure 3 on real processes: daphne + a Celery worker (tests/live_stack.LiveStack) on the bench database
and Redis. Posts and cell edits go over HTTP with a session cookie and the CSRF token, as a browser's
would; receipts are timed on real websockets (websockets' asyncio client)."""

import asyncio
import os
import time
import urllib.parse
import urllib.request
import uuid

from django.conf import settings
from django.db import connection, transaction
from django.test import Client

from .data import TENANT_SLUG
from .figures import Result, _member

LIVE_PRODUCTS = 40  # products whose cells the alert figure edits, one new alert each


def _cookies(user):
    client = Client()
    client.force_login(user)
    return {settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value}


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class HttpUser:
    """A session cookie, the CSRF cookie and form posts over real HTTP."""

    def __init__(self, stack, user):
        self.stack, self.cookies = stack, _cookies(user)
        self.opener = urllib.request.build_opener(_NoRedirect)

    def header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _open(self, request):
        try:
            response = self.opener.open(request, timeout=30)
        except urllib.error.HTTPError as error:
            response = error
        for raw in response.headers.get_all("Set-Cookie") or []:
            name, value = raw.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        response.read()
        return response.status

    def get(self, path):
        return self._open(urllib.request.Request(self.stack.url + path, headers={"Cookie": self.header()}))

    def post(self, path, data):
        if settings.CSRF_COOKIE_NAME not in self.cookies:
            self.get(f"/t/{TENANT_SLUG}/")
        body = urllib.parse.urlencode(
            {**data, "csrfmiddlewaretoken": self.cookies[settings.CSRF_COOKIE_NAME]}
        )
        headers = {"Cookie": self.header(), "Referer": self.stack.url + path, "HX-Request": "true"}
        return self._open(
            urllib.request.Request(self.stack.url + path, data=body.encode(), headers=headers, method="POST")
        )


async def _listen(ws, needle_box, receipts, key):
    """Record when each expected needle arrives on this socket (perf_counter seconds)."""
    while True:
        message = await ws.recv()
        needle = needle_box.get("needle")
        if needle and needle in message:
            receipts[(key, needle)] = time.perf_counter()


async def _measure(stack, listeners, rounds, action, timeout=30.0):
    """Open one websocket per listener, then per round: start the clock, run `action(i)` (blocking HTTP,
    returns the needle text) in a thread and wait until every socket has seen the needle. Returns the
    per-socket latencies in ms and the number of misses."""
    from websockets.asyncio.client import connect

    url = f"{stack.ws_url}/ws/t/{TENANT_SLUG}/live/"
    sockets = [
        await connect(url, additional_headers={"Cookie": h, "Origin": stack.url}, open_timeout=20)
        for h in listeners
    ]
    box, receipts, samples, misses = {}, {}, [], 0
    tasks = [asyncio.create_task(_listen(ws, box, receipts, i)) for i, ws in enumerate(sockets)]
    try:
        for i in range(rounds):
            needle = f"bench-{uuid.uuid4().hex[:10]}"
            box["needle"] = needle
            start = time.perf_counter()
            await asyncio.to_thread(action, i, needle)
            deadline = start + timeout
            while time.perf_counter() < deadline:
                if all((k, needle) in receipts for k in range(len(sockets))):
                    break
                await asyncio.sleep(0.002)
            for k in range(len(sockets)):
                if (k, needle) in receipts:
                    samples.append((receipts[(k, needle)] - start) * 1000)
                else:
                    misses += 1
    finally:
        for task in tasks:
            task.cancel()
        for ws in sockets:
            await ws.close()
    return samples, misses


def _stack():
    from tests.live_stack import LiveStack

    db = settings.DATABASES["default"]
    url = (
        f"postgres://{db.get('USER') or 'postgres'}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/"
    )
    return LiveStack(
        database_url=url + db["NAME"],
        redis_url=settings.REDIS_URL,
        channels_prefix=f"bench{os.getpid()}",
        env={"DB_POOL_MAX_SIZE": "8", "CELERY_TASK_ALWAYS_EAGER": "false", "DEBUG": "false"},
    )


def _alert_setup(tenant, listener):
    """A saved demand-spike rule (evaluated by the worker on each edit's slice) and a listener who follows
    the products whose cells get edited."""
    from alerts.kinds import clean_params
    from alerts.models import ExceptionRule
    from feeds import actions as feed_actions
    from planning.models import PlanEntry, PlanVersion, Product
    from sopsocial.subjects.actions import save_with_subject

    if not ExceptionRule.objects.filter(tenant=tenant, name="Bench spike").exists():
        with transaction.atomic():
            save_with_subject(
                ExceptionRule(
                    tenant=tenant,
                    name="Bench spike",
                    kind="demand_change",
                    severity="high",
                    params=clean_params("demand_change", {"change_pct": 50, "horizon_weeks": 8}),
                )
            )
    version = PlanVersion.objects.get(tenant=tenant, name="Bench working")
    products = list(
        Product.objects.filter(tenant=tenant, sku__startswith="B-").order_by("pk")[:LIVE_PRODUCTS]
    )
    for product in products:
        feed_actions.do_follow(listener, product.subject)
    facility_id = PlanEntry.objects.filter(version=version).values_list("facility_id", flat=True).first()
    return version, products, facility_id


def live(ctx):
    from sopsocial.subjects.models import Subject
    from sopsocial.tenancy.models import Tenant

    tenant = Tenant.objects.get(slug=TENANT_SLUG)
    poster = _member("bench-f1")
    listener = _member("bench-u1")
    version, products, facility_id = _alert_setup(tenant, listener)
    connection.close()  # the stack's processes take their own connections
    stack = _stack().start()
    results = []
    try:
        author = HttpUser(stack, poster.user)
        rounds = max(10, ctx.repeats)
        for clients, subject_title in ((1, "Bench fan-out 10"), (100, "Bench fan-out 100")):
            subject = Subject.objects.get(tenant=tenant, title=subject_title)
            followers = [f"bench-u{i}" for i in range(clients)]
            listeners = [HttpUser(stack, _member(name).user).header() for name in followers]
            path = f"/t/{TENANT_SLUG}/s/{subject.pk}/post/"

            def post(i, needle, path=path):
                status = author.post(path, {"body": f"Bench live post {i} {needle}"})
                assert status in (200, 302), status

            samples, misses = asyncio.run(_measure(stack, listeners, rounds, post))
            results.append(
                Result(
                    "3 live post->ws",
                    f"{clients} connected client(s)",
                    samples,
                    100 if clients == 100 else None,
                    None,
                    {"posts": rounds, "misses": misses},
                )
            )
        editor = HttpUser(stack, _member("bench-u0").user)
        cell_path = f"/t/{TENANT_SLUG}/planning/versions/{version.pk}/cell/"
        week = version.start_week
        customer_id = ctx.facts["customer"]
        edits = min(len(products), max(30, ctx.repeats))

        def edit(i, needle):
            from planning.models import PlanEntry

            product = products[i]
            entry = PlanEntry.objects.get(
                version=version, product=product, customer_id=customer_id, facility_id=facility_id, week=week
            )
            value = int(entry.qty * 5) + 1000
            editor.post(
                cell_path,
                {
                    "product": product.pk,
                    "customer": customer_id,
                    "facility": facility_id,
                    "week": week.isoformat(),
                    "value": str(value),
                    "revision": entry.revision,
                    "reason": "",
                },
            )

        listener_header = [HttpUser(stack, listener.user).header()]
        samples, misses = asyncio.run(
            _measure_alerts(stack, listener_header, edits, edit, [p.name for p in products])
        )
        results.append(
            Result(
                "3 live edit->alert",
                "plan cell edit -> follower ws",
                samples,
                1000,
                None,
                {"edits": edits, "misses": misses},
            )
        )
    except Exception:
        ctx.log(stack.logs(40))
        raise
    finally:
        stack.stop()
    return results


async def _measure_alerts(stack, listeners, rounds, action, names, timeout=10.0):
    """Like _measure, but the awaited text is the alert's product name carried in an alert message."""
    from websockets.asyncio.client import connect

    url = f"{stack.ws_url}/ws/t/{TENANT_SLUG}/live/"
    ws = await connect(url, additional_headers={"Cookie": listeners[0], "Origin": stack.url}, open_timeout=20)
    samples, misses = [], 0
    try:
        for i in range(rounds):
            start = time.perf_counter()
            await asyncio.to_thread(action, i, f"bench-edit-{i}")
            deadline = start + timeout
            got = False
            while time.perf_counter() < deadline and not got:
                try:
                    message = await asyncio.wait_for(
                        ws.recv(), timeout=max(0.01, deadline - time.perf_counter())
                    )
                except TimeoutError:
                    break
                if "lert" in message and names[i] in message:
                    samples.append((time.perf_counter() - start) * 1000)
                    got = True
            misses += not got
            if misses >= 3 and not samples:
                break  # nothing arrives at all: say so rather than wait out every edit
    finally:
        await ws.close()
    return samples, misses
