"""Small things a customer notices (issue 14): plurals spelled out, people picked and shown by name,
and a forward's trail entry naming who it went to."""

import pytest
from django.db import transaction
from django.urls import reverse

from feeds import actions as feed_actions
from sopsocial.subjects.actions import create_subject

from ..factories import MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


def test_the_rule_form_says_facilities_not_facilitys(client, admin_member):
    client.force_login(admin_member.user)
    html = client.get(reverse("alerts:rule_new", kwargs={"tenant_slug": admin_member.tenant.slug})).content
    html = html.decode()
    assert "Only these facilities" in html and "facilitys" not in html.lower()


def test_owner_pickers_and_lists_show_names_and_addresses_not_usernames(client, admin_member):
    tenant = admin_member.tenant
    priya = MembershipFactory(
        tenant=tenant,
        user=UserFactory(
            username="pshah42", first_name="Priya", last_name="Shah", email="priya@acme.example"
        ),
    )
    client.force_login(admin_member.user)
    slug = tenant.slug
    form = client.get(reverse("planning:customer_new", kwargs={"tenant_slug": slug})).content.decode()
    assert "Priya Shah (priya@acme.example)" in form and ">pshah42<" not in form
    client.post(
        reverse("planning:customer_new", kwargs={"tenant_slug": slug}),
        {"code": "C1", "name": "Contoso Retail", "owner": priya.user.pk},
    )
    listing = client.get(reverse("planning:customers", kwargs={"tenant_slug": slug})).content.decode()
    assert "Priya Shah" in listing and "pshah42" not in listing


def test_the_alert_owner_picker_shows_names_and_addresses(client, admin_member):
    from ..alerts.factories import make_alert, make_rule

    MembershipFactory(
        tenant=admin_member.tenant,
        user=UserFactory(
            username="pshah42", first_name="Priya", last_name="Shah", email="priya@acme.example"
        ),
    )
    alert = make_alert(make_rule(admin_member.tenant))
    client.force_login(admin_member.user)
    page = client.get(alert.get_absolute_url()).content.decode()
    assert "Priya Shah (priya@acme.example)</option>" in page and "pshah42" not in page


def test_a_forwards_trail_entry_names_its_recipients(client, admin_member):
    tenant = admin_member.tenant
    sam = MembershipFactory(
        tenant=tenant, role="executive", user=UserFactory(first_name="Sam", last_name="Lee")
    )
    ada = MembershipFactory(tenant=tenant, user=UserFactory(first_name="Ada", last_name="Byron"))
    with transaction.atomic():
        topic = create_subject(tenant=tenant, kind="topic", title="Launch")
    post = feed_actions.check_create_post(sam, subject=topic, body="Big order coming")
    feed_actions.check_forward_post(sam, post, recipients=[ada, admin_member], note="keep this quiet")
    client.force_login(admin_member.user)
    page = client.get(
        reverse("subjects:subject", kwargs={"tenant_slug": tenant.slug, "subject_id": topic.pk})
    )
    html = page.content.decode()
    names = ", ".join(sorted(["Ada Byron", admin_member.display_name]))
    assert f"<ins>{names}</ins>" in html
    assert "recipients</span>: <ins>2</ins>" not in html and "keep this quiet" not in html.split("trail")[-1]
