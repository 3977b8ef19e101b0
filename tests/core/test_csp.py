"""The Content-Security-Policy lets the page open websockets to its own origin only."""

import re

import pytest
from django.urls import reverse


def _connect_src(response):
    csp = response["Content-Security-Policy"]
    directive = re.search(r"connect-src ([^;]*)", csp)
    assert directive, csp
    return directive.group(1).split()


@pytest.mark.django_db
def test_csp_connects_to_the_own_websocket_origin_only(client):
    plain = client.get(reverse("login"), HTTP_HOST="localhost:8000")
    assert _connect_src(plain) == ["'self'", "ws://localhost:8000"]
    secure = client.get(reverse("login"), HTTP_HOST="127.0.0.1", secure=True)
    assert _connect_src(secure) == ["'self'", "wss://127.0.0.1"]
    for answer in (plain, secure):
        assert not {"ws:", "wss:", "*", "ws://*", "wss://*"} & set(_connect_src(answer))


@pytest.mark.django_db
def test_csp_on_a_request_for_a_foreign_host_names_no_websocket_origin(client):
    response = client.get(reverse("login"), HTTP_HOST="evil.example")
    assert response.status_code == 400
    assert _connect_src(response) == ["'self'"]
