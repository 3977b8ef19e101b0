"""One formula guard for every export: text a spreadsheet could run is quoted."""

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse

from planning.verbs import PlanningVerb
from sopsocial.audit.actions import record
from sopsocial.pages.spreadsheet import spreadsheet_safe

DANGEROUS = [
    "=1+1",
    "+1",
    "-1+cmd",
    "@SUM(A1)",
    "\t=cmd",
    "\r=cmd",
    ";=cmd|' /C calc'!A0",
    ",=cmd",
    "  =HYPERLINK(evil)",
    " \t+1",
    ";;,@x",
    "\n-2",
]
HARMLESS = ["", "plain", "a=b", "café; tea", " leading space", ";,", "1-2", "'=already quoted"]


@pytest.mark.parametrize("text", DANGEROUS)
def test_text_a_spreadsheet_could_run_is_quoted(text):
    assert spreadsheet_safe(text) == "'" + text


@pytest.mark.parametrize("text", HARMLESS)
def test_harmless_text_is_kept(text):
    assert spreadsheet_safe(text) == text


def test_none_and_numbers_become_text():
    assert spreadsheet_safe(None) == "" and spreadsheet_safe(7) == "7" and spreadsheet_safe(-3) == "'-3"


def test_audit_export_quotes_semicolon_locale_formulas(client, admin_member):
    with transaction.atomic():
        for target in (";=cmd", ", =cmd", " \t@x"):
            record(
                tenant=admin_member.tenant,
                actor=admin_member.user,
                verb=PlanningVerb.CELL_CHANGE,
                target=target,
            )
    client.force_login(admin_member.user)
    response = client.get(reverse("audit:export", kwargs={"tenant_slug": admin_member.tenant.slug}))
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert sorted(r["target"] for r in rows) == sorted(["';=cmd", "', =cmd", "' \t@x"])
