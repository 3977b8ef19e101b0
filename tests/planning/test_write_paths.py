"""One write path per thing: the same customer (with an account manager as owner) and the same product
created through the edit form, a CSV upload, the ERP API with a key and the API with a browser session
give the same rows, the same Subjects, the same follows, and an audit event on each object's trail.

The only difference allowed is who counts as the creator: a person (form, upload, session) follows what
they create; an API key is nobody to follow anything. The owner follows the customer on every path.
"""

import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feeds.models import Follow
from planning.models import Customer, Product
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.models import AuditEvent
from sopsocial.audit.selectors import trail_for_subject

from ..factories import MembershipFactory, TenantFactory
from . import factories as pf

pytestmark = pytest.mark.django_db

PATHS = ("form", "csv", "api_key", "api_session")
BY_A_PERSON = {"form", "csv", "api_session"}


def _world():
    tenant = TenantFactory()
    people = {
        "creator": MembershipFactory(tenant=tenant, role="planner"),
        "owner": MembershipFactory(tenant=tenant, role="executive", title="Account manager"),
        "admin": MembershipFactory(tenant=tenant, role="admin"),
    }
    brand = pf.BrandFactory(tenant=tenant, name="Crunchy")
    return tenant, people, brand


def _via_form(client, tenant, people, brand):
    client.force_login(people["creator"].user)
    for kind, data in (
        ("customer", {"code": "CONTOSO", "name": "Contoso Retail", "owner": people["owner"].user.pk}),
        (
            "product",
            {
                "sku": "NW-1001",
                "name": "Oat Crunch 500g",
                "brand": brand.pk,
                "family": "Cereal",
                "unit": "case",
                "case_size": 12,
            },
        ),
    ):
        response = client.post(reverse(f"planning:{kind}_new", kwargs={"tenant_slug": tenant.slug}), data)
        assert response.status_code == 302, response.content


def _via_csv(client, tenant, people, brand):
    client.force_login(people["creator"].user)
    url = reverse("planning:import", kwargs={"tenant_slug": tenant.slug})
    for kind, text in (
        ("customers", f"code,name,owner\nCONTOSO,Contoso Retail,{people['owner'].user.username}\n"),
        (
            "products",
            "sku,name,brand,family,unit,case_size\nNW-1001,Oat Crunch 500g,Crunchy,Cereal,case,12\n",
        ),
    ):
        response = client.post(url, {"kind": kind, "file": SimpleUploadedFile(f"{kind}.csv", text.encode())})
        assert response.status_code == 200 and response.context["counts"]["created"] == 1, response.content


def _via_api(client, tenant, people, brand, *, key):
    headers = {}
    if key:
        _key, raw = do_create_api_key(people["admin"], "erp-feed")
        headers["HTTP_AUTHORIZATION"] = f"Bearer {raw}"
    else:
        client.force_login(people["creator"].user)
    for name, item in (
        (
            "customers_bulk",
            {"code": "CONTOSO", "name": "Contoso Retail", "owner": people["owner"].user.username},
        ),
        (
            "products_bulk",
            {
                "sku": "NW-1001",
                "name": "Oat Crunch 500g",
                "brand": "Crunchy",
                "family": "Cereal",
                "unit": "case",
                "case_size": 12,
            },
        ),
    ):
        response = client.post(
            reverse(f"planning_api:{name}", kwargs={"tenant_slug": tenant.slug}),
            json.dumps({"items": [item]}),
            content_type="application/json",
            **headers,
        )
        assert response.status_code == 200 and response.json()["created"] == 1, response.content


WRITERS = {
    "form": _via_form,
    "csv": _via_csv,
    "api_key": lambda *a: _via_api(*a, key=True),
    "api_session": lambda *a: _via_api(*a, key=False),
}


def _what_was_written(tenant, people):
    """Rows, Subjects and follows, with people named by their part in the story (not their ids)."""
    part = {m.user_id: name for name, m in people.items()}
    customer = Customer.objects.select_related("subject").get(tenant=tenant)
    product = Product.objects.select_related("subject", "brand").get(tenant=tenant)

    def subject(obj):
        s = obj.subject
        parents = sorted(p.parent.title for p in s.parent_links.select_related("parent"))
        return (s.kind, s.title, s.url == obj.get_absolute_url(), parents)

    def followers(obj):
        return sorted((part[f.user_id], f.source) for f in Follow.objects.filter(subject=obj.subject))

    return {
        "customer": (customer.code, customer.name, part[customer.owner_id]),
        "customer_subject": subject(customer),
        "customer_followers": followers(customer),
        "product": (
            product.sku,
            product.name,
            product.brand.name,
            product.family,
            product.unit,
            product.case_size,
        ),
        "product_subject": subject(product),
        "product_followers": followers(product),
    }


@pytest.mark.parametrize("path", PATHS)
def test_every_path_writes_the_same_rows_subjects_and_follows_and_audits_on_the_objects_trail(client, path):
    tenant, people, brand = _world()
    WRITERS[path](client, tenant, people, brand)
    written = _what_was_written(tenant, people)

    assert written["customer"] == ("CONTOSO", "Contoso Retail", "owner")
    assert written["product"] == ("NW-1001", "Oat Crunch 500g", "Crunchy", "Cereal", "case", 12)
    assert written["customer_subject"][:3] == ("customer", "Contoso Retail", True)
    assert written["product_subject"][0] == "product" and written["product_subject"][2] is True
    assert written["product_subject"][3] == ["Crunchy"]  # the product's subject sits under its brand's

    creator = [("creator", Follow.Source.AUTO)] if path in BY_A_PERSON else []
    assert written["customer_followers"] == sorted([("owner", Follow.Source.AUTO), *creator])
    assert written["product_followers"] == creator

    audited = {"form": ("planning.customer_create", "planning.product_create")}.get(
        path, ("planning.customers_load", "planning.products_load")
    )
    for obj, verb in zip(
        (Customer.objects.get(tenant=tenant), Product.objects.get(tenant=tenant)), audited, strict=True
    ):
        writes = [e for e in trail_for_subject(obj.subject) if e.verb.startswith("planning.")]
        assert [e.verb for e in writes] == [verb], (path, obj, [e.verb for e in writes])
        expected_actor = people["creator"].user if path in BY_A_PERSON else None
        assert writes[0].actor == expected_actor


def test_the_paths_agree_with_each_other(client):
    """The same comparison as above, made directly: apart from the creator's follows (a key is nobody),
    every path leaves exactly what the form leaves."""
    results = {}
    for path in PATHS:
        tenant, people, brand = _world()
        WRITERS[path](client, tenant, people, brand)
        client.logout()
        written = _what_was_written(tenant, people)
        for key in ("customer_followers", "product_followers"):
            written[key] = [f for f in written[key] if f[0] != "creator"]
        results[path] = written
    assert results["csv"] == results["form"]
    assert results["api_key"] == results["form"]
    assert results["api_session"] == results["form"]


def test_a_bad_row_in_an_api_batch_writes_nothing_and_follows_nobody(client):
    tenant, people, _brand = _world()
    _key, raw = do_create_api_key(people["admin"], "erp-feed")
    items = [
        {"code": "CONTOSO", "name": "Contoso Retail", "owner": people["owner"].user.username},
        {"code": "BAD", "name": "", "owner": "nobody-here"},
    ]
    follows = Follow.objects.count()
    response = _post_api(client, tenant, "customers_bulk", items, raw)
    assert response.status_code == 422
    assert {(e["row"], e["field"]) for e in response.json()["errors"]} >= {(1, "name")}
    assert not Customer.objects.filter(tenant=tenant).exists() and Follow.objects.count() == follows


def test_re_sending_the_same_batch_changes_nothing_audits_nothing_and_adds_no_follow(client):
    tenant, people, _brand = _world()
    _key, raw = do_create_api_key(people["admin"], "erp-feed")
    item = {"code": "CONTOSO", "name": "Contoso Retail", "owner": people["owner"].user.username}
    assert _post_api(client, tenant, "customers_bulk", [item], raw).json()["created"] == 1
    events, follows = AuditEvent.objects.count(), Follow.objects.count()
    again = _post_api(client, tenant, "customers_bulk", [item], raw)
    assert again.json() == {"created": 0, "updated": 0, "unchanged": 1}
    assert AuditEvent.objects.count() == events and Follow.objects.count() == follows


def test_a_new_owner_given_by_the_erp_follows_the_customer(client):
    tenant, people, _brand = _world()
    _key, raw = do_create_api_key(people["admin"], "erp-feed")
    item = {"code": "CONTOSO", "name": "Contoso Retail"}
    _post_api(client, tenant, "customers_bulk", [item], raw)
    customer = Customer.objects.get(tenant=tenant)
    assert not Follow.objects.filter(subject=customer.subject).exists()
    changed = _post_api(
        client, tenant, "customers_bulk", [{**item, "owner": people["owner"].user.username}], raw
    )
    assert changed.json() == {"created": 0, "updated": 1, "unchanged": 0}
    assert list(Follow.objects.filter(subject=customer.subject).values_list("user_id", flat=True)) == [
        people["owner"].user_id
    ]
    assert [e.verb for e in trail_for_subject(customer.subject) if e.verb.startswith("planning.")] == [
        "planning.customers_load",
        "planning.customers_load",
    ]


def _post_api(client, tenant, name, items, raw):
    return client.post(
        reverse(f"planning_api:{name}", kwargs={"tenant_slug": tenant.slug}),
        json.dumps({"items": items}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {raw}",
    )
