"""NUL bytes and non-ASCII digits are refused cleanly: one middleware answers 400 for a NUL anywhere a
view could read it, and numbers from users are parsed by `ascii_int` (ASCII decimals only)."""

import pytest
from django.urls import reverse

from sopsocial.pages.params import ascii_int, ascii_ints


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("0", 0),
        ("42", 42),
        ("²", None),
        ("٣", None),
        ("12٣", None),
        (" 7", None),
        ("7\n", None),
        ("-1", None),
        ("+1", None),
        ("1_000", None),
        ("", None),
        ("\x00", None),
        ("9" * 19, None),
        (None, None),
        (5, 5),
        (True, None),
    ],
)
def test_ascii_int_takes_ascii_decimals_only(value, expected):
    assert ascii_int(value) == expected


def test_ascii_ints_leaves_out_what_is_not_a_number():
    assert ascii_ints(["3", "²", "٣", "10"]) == [3, 10]


def test_nul_in_a_query_parameter_is_a_friendly_400_naming_it(client, admin_member):
    client.force_login(admin_member.user)
    url = reverse("audit:log", kwargs={"tenant_slug": admin_member.tenant.slug})
    response = client.get(url, {"actor": "\x00"})
    assert response.status_code == 400
    assert "actor" in response.content.decode() and "NUL" in response.content.decode()
    assert "Content-Security-Policy" in response


def test_nul_in_a_path_or_a_header_is_400(client, admin_member):
    client.force_login(admin_member.user)
    slug = admin_member.tenant.slug
    assert client.get(f"/t/{slug}/audit/%00/").status_code == 400
    header = client.get(reverse("audit:log", kwargs={"tenant_slug": slug}), HTTP_X_SEARCH="x\x00")
    assert header.status_code == 400 and "X-Search" in header.content.decode()


def test_nul_answers_json_for_the_api_and_htmx(client, admin_member):
    client.force_login(admin_member.user)
    slug = admin_member.tenant.slug
    api = client.get(reverse("planning_api:products", kwargs={"tenant_slug": slug}), {"after": "\x00"})
    assert api.status_code == 400 and api.json()["field"] == "after" and "NUL" in api.json()["error"]
    htmx = client.get(
        reverse("audit:log", kwargs={"tenant_slug": slug}), {"q": "\x00"}, HTTP_HX_REQUEST="true"
    )
    assert htmx.status_code == 400 and htmx.json()["field"] == "q"


def test_ordinary_requests_pass_the_nul_check(client, admin_member):
    client.force_login(admin_member.user)
    url = reverse("audit:log", kwargs={"tenant_slug": admin_member.tenant.slug})
    assert client.get(url, {"actor": "ada", "q": "ß ² ٣"}).status_code == 200
