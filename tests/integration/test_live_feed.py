"""Real processes: a post made over HTTP reaches another user's open websocket through the Celery
worker and Redis, and never reaches a user of another tenant or a partner user without access."""

import re
import time
import urllib.parse
import urllib.request

import pytest
from django.conf import settings
from django.test import Client
from websockets.exceptions import InvalidStatus
from websockets.sync.client import connect

from feeds import actions
from sopsocial.subjects.actions import create_subject, do_share_subject

from ..factories import MembershipFactory, PartnerFactory, TenantFactory

pytestmark = [pytest.mark.live, pytest.mark.postgres, pytest.mark.redis]


def session_cookie(user):
    client = Client()
    client.force_login(user)
    return client.cookies[settings.SESSION_COOKIE_NAME].value


class Browser:
    """Just enough of a browser: a session cookie, the CSRF cookie, form posts, a websocket."""

    def __init__(self, stack, user):
        self.stack = stack
        self.cookies = {settings.SESSION_COOKIE_NAME: session_cookie(user)}

    def _cookie_header(self):
        return "; ".join(f"{k}={v}" for k, v in self.cookies.items())

    def _open(self, request):
        opener = urllib.request.build_opener(_NoRedirect)
        try:
            response = opener.open(request, timeout=10)
        except urllib.error.HTTPError as error:
            response = error
        for header in response.headers.get_all("Set-Cookie") or []:
            name, value = header.split(";", 1)[0].split("=", 1)
            self.cookies[name] = value
        return response

    def get(self, path):
        return self._open(
            urllib.request.Request(self.stack.url + path, headers={"Cookie": self._cookie_header()})
        )

    def post(self, path, data):
        if settings.CSRF_COOKIE_NAME not in self.cookies:
            self.get(path.rsplit("/s/", 1)[0] + "/")
        data = {**data, "csrfmiddlewaretoken": self.cookies[settings.CSRF_COOKIE_NAME]}
        request = urllib.request.Request(
            self.stack.url + path,
            data=urllib.parse.urlencode(data).encode(),
            headers={"Cookie": self._cookie_header(), "Referer": self.stack.url + path},
            method="POST",
        )
        return self._open(request)

    def websocket(self, tenant_slug, origin=None):
        return connect(
            f"{self.stack.ws_url}/ws/t/{tenant_slug}/live/",
            additional_headers={"Cookie": self._cookie_header(), "Origin": origin or self.stack.url},
            open_timeout=10,
        )


class _NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def receive_all(ws, seconds):
    messages, deadline = [], time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            messages.append(ws.recv(timeout=max(0.05, deadline - time.monotonic())))
        except TimeoutError:
            break
    return messages


def wait_for(ws, needle, seconds=15):
    deadline = time.monotonic() + seconds
    seen = []
    while time.monotonic() < deadline:
        try:
            message = ws.recv(timeout=max(0.05, deadline - time.monotonic()))
        except TimeoutError:
            break
        seen.append(message)
        if needle in message:
            return message
    raise AssertionError(f"{needle!r} not pushed within {seconds}s; got {seen!r}")


@pytest.fixture
def cast(transactional_db):
    from django.db import transaction

    northwind = TenantFactory(slug="northwind", name="Northwind Foods")
    globex = TenantFactory(slug="globex", name="Globex")
    fastfreight = PartnerFactory(tenant=northwind, name="FastFreight")
    alex = MembershipFactory(tenant=northwind, role="planner")
    sam = MembershipFactory(tenant=northwind, role="executive")
    olu = MembershipFactory(tenant=northwind, role="viewer", partner=fastfreight)
    gina = MembershipFactory(tenant=globex, role="admin")
    MembershipFactory(tenant=globex, user=sam.user, role="viewer")  # Sam also sits in Globex
    with transaction.atomic():
        contoso = create_subject(tenant=northwind, kind="customer", title="Contoso Retail")
        globex_customer = create_subject(tenant=globex, kind="customer", title="Globex customer")
        do_share_subject(alex, contoso, fastfreight)
    actions.do_follow(sam, contoso)
    actions.do_follow(olu, contoso)  # shared with FastFreight, but the post below is internal
    actions.do_follow(gina, globex_customer)
    return locals()


def test_a_post_reaches_a_follower_live_and_no_one_without_access(live_stack, cast):
    alex, sam, olu, gina = (Browser(live_stack, cast[n].user) for n in ("alex", "sam", "olu", "gina"))
    contoso = cast["contoso"]
    with (
        sam.websocket("northwind") as sam_ws,
        sam.websocket("globex") as sam_globex_ws,
        olu.websocket("northwind") as olu_ws,
        gina.websocket("globex") as gina_ws,
    ):
        response = alex.post(f"/t/northwind/s/{contoso.pk}/post/", {"body": "Contoso order confirmed zq1"})
        assert response.status == 302, response.read()[:500]
        message = wait_for(sam_ws, "Contoso order confirmed zq1")
        assert 'hx-swap-oob="afterbegin"' in message and 'id="feed-badges"' in message
        # Nothing for the partner (internal post), the other tenant, or Sam's socket on the other tenant.
        for ws in (olu_ws, gina_ws, sam_globex_ws):
            assert not [m for m in receive_all(ws, 1.5) if "zq1" in m]

        # A partner-visible post does reach Olu, and still not Globex.
        alex.post(
            f"/t/northwind/s/{contoso.pk}/post/", {"body": "Pallets ready zq2", "visibility": "partners"}
        )
        wait_for(olu_ws, "Pallets ready zq2")
        wait_for(sam_ws, "Pallets ready zq2")
        assert not [m for m in receive_all(gina_ws, 1.0) if "zq2" in m]


def test_the_socket_refuses_outsiders_and_foreign_origins(live_stack, cast):
    gina, sam = Browser(live_stack, cast["gina"].user), Browser(live_stack, cast["sam"].user)
    with pytest.raises(InvalidStatus):
        gina.websocket("northwind").close()
    with pytest.raises(InvalidStatus):
        sam.websocket("northwind", origin="http://evil.example").close()
    anonymous = Browser(live_stack, cast["sam"].user)
    anonymous.cookies.clear()
    with pytest.raises(InvalidStatus):
        anonymous.websocket("northwind").close()


def test_a_post_made_while_the_worker_is_down_is_delivered_when_it_returns(live_stack, cast):
    alex, sam = Browser(live_stack, cast["alex"].user), Browser(live_stack, cast["sam"].user)
    contoso = cast["contoso"]
    live_stack.kill_worker()
    with sam.websocket("northwind") as sam_ws:
        response = alex.post(
            f"/t/northwind/s/{contoso.pk}/post/", {"body": "Written while the worker was down zq3"}
        )
        assert response.status == 302
        assert not [m for m in receive_all(sam_ws, 1.0) if "zq3" in m]
        live_stack.start_worker()
        wait_for(sam_ws, "zq3", seconds=30)
    # The page's catch-up (reconnect/polling) finds it too.
    since = sam.get("/t/northwind/feed/since/?after=" + urllib.parse.quote("2000-01-01T00:00:00+00:00_0"))
    assert re.search(rb"zq3", since.read())


def test_an_idle_socket_stays_open_past_the_redis_read_timeout_and_still_receives(live_stack, cast):
    """The channel layer blocks 5 s per read; a Redis socket timeout no longer than that closed every
    idle socket with 1011 within seconds. Held idle for 35 s (pinged, as browsers do), the socket
    must still be open and receive the next post."""
    alex, sam = Browser(live_stack, cast["alex"].user), Browser(live_stack, cast["sam"].user)
    contoso = cast["contoso"]
    with sam.websocket("northwind") as sam_ws:
        deadline = time.monotonic() + 35
        while time.monotonic() < deadline:
            assert not receive_all(sam_ws, min(5.0, max(0.1, deadline - time.monotonic())))
            sam_ws.ping().wait(timeout=10)  # raises if the server closed the socket
        response = alex.post(f"/t/northwind/s/{contoso.pk}/post/", {"body": "After a quiet spell zq4"})
        assert response.status == 302
        wait_for(sam_ws, "zq4")
