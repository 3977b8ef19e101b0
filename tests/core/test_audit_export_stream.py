"""The audit CSV export validates its filters before it starts streaming, and a stream that fails or is
abandoned gives back its cursor and connection (eight stuck exports used to exhaust the pool)."""

import pytest
from django.core.signals import request_finished
from django.db import close_old_connections, connection, transaction
from django.urls import reverse

from planning.verbs import PlanningVerb
from sopsocial.audit import views as audit_views
from sopsocial.audit.actions import record
from sopsocial.audit.selectors import parse_filters


def _events(member, n):
    with transaction.atomic():
        for i in range(n):
            record(tenant=member.tenant, actor=member.user, verb=PlanningVerb.CELL_CHANGE, target=f"cell {i}")


def _export_url(member):
    return reverse("audit:export", kwargs={"tenant_slug": member.tenant.slug})


def _open_cursors():
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_cursors")
        return cursor.fetchone()[0]


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"actor": "ada\x00"}, "actor"),
        ({"query": "a\x01b"}, "query"),
        ({"subject_kind": "bogus"}, "subject_kind"),
    ],
)
def test_parse_filters_reports_control_characters_and_unknown_kinds(params, field):
    filters, errors = parse_filters(params)
    assert field in errors and field not in filters


@pytest.mark.parametrize("params", [{"actor": "x\x07"}, {"verb": "\x1b[2J"}, {"subject_kind": "bogus"}])
def test_a_bad_export_filter_is_a_400_before_any_streaming(client, admin_member, params):
    client.force_login(admin_member.user)
    response = client.get(_export_url(admin_member), params)
    assert response.status_code == 400 and not response.streaming
    assert "Remove control characters" in response.content.decode() or "Choose" in response.content.decode()


@pytest.mark.django_db(transaction=True)
def test_a_failing_export_stream_closes_its_connection(client, admin_member, monkeypatch):
    _events(admin_member, 3)
    client.force_login(admin_member.user)
    real = audit_views._Echo.write
    written = []

    def breaks_on_the_second_row(self, value):
        written.append(value)
        if len(written) == 3:  # the header, one row, then the database goes away
            raise RuntimeError("connection lost")
        return real(self, value)

    monkeypatch.setattr(audit_views._Echo, "write", breaks_on_the_second_row)
    response = client.get(_export_url(admin_member))
    assert response.status_code == 200 and response.streaming
    with pytest.raises(RuntimeError):
        b"".join(response.streaming_content)
    assert connection.connection is None  # closed: given back to the pool, not left mid-cursor
    assert _open_cursors() == 0


def test_an_abandoned_export_stream_closes_its_cursor(rf, admin_member):
    _events(admin_member, 3)
    # Called directly (the test client wraps streams in its own closer, which resets connections).
    request = rf.get(_export_url(admin_member))
    request.user, request.session, request.htmx = admin_member.user, {}, False
    response = audit_views.audit_export(request, tenant_slug=admin_member.tenant.slug)
    chunks = iter(response.streaming_content)
    next(chunks), next(chunks)  # the header and one row: the server-side cursor is open
    assert _open_cursors() == 1
    # The client went away: the server closes the response. request_finished's connection cleanup is
    # held back so that this test's transaction stays; the cursor must be closed by the stream itself.
    request_finished.disconnect(close_old_connections)
    try:
        response.close()
    finally:
        request_finished.connect(close_old_connections)
    assert _open_cursors() == 0
