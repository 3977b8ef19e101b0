"""Starting a company: `create_tenant`, the operator screen (start, suspend, reactivate), what a
suspension refuses, self-service sign-up, and the whole onboarding story through commands and pages."""

import re

import pytest
from asgiref.sync import async_to_sync
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse

from alerts.models import Alert
from feeds.consumers import LiveFeedConsumer
from feeds.mail import do_send_notification_emails
from feeds.models import FeedItem, InboxEntry, Notification
from sopsocial.api.actions import do_create_api_key
from sopsocial.audit.chain import verify_tenant
from sopsocial.audit.models import AuditEvent
from sopsocial.subjects.actions import create_subject
from sopsocial.tenancy.models import Invitation, Membership, SignupRequest, Tenant
from sopsocial.tenancy.tenant_actions import do_reactivate_tenant, do_suspend_tenant

from ..factories import MembershipFactory, TenantFactory, UserFactory

LINK = re.compile(r"http://[^\s]+/invite/[\w-]+/")


def _verbs(tenant):
    return list(AuditEvent.objects.filter(tenant=tenant).order_by("seq").values_list("verb", flat=True))


# --- create_tenant ---------------------------------------------------------------------------------


@pytest.mark.django_db
def test_create_tenant_prints_the_first_admins_link_once_and_emails_it(
    capsys, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_tenant", slug="acme", name="Acme Foods", admin_email="Dana@Acme.example")
    out = capsys.readouterr().out
    tenant = Tenant.objects.get(slug="acme")
    assert tenant.name == "Acme Foods" and "/t/acme/" in out
    links = LINK.findall(out)
    assert len(links) == 1
    assert links[0].startswith("http://127.0.0.1:8000/invite/")  # SITE_URL, never a request's host
    invitation = Invitation.objects.get(tenant=tenant)
    assert (invitation.email, invitation.role, invitation.partner) == ("dana@acme.example", "admin", None)
    assert [m.to for m in mail.outbox] == [["dana@acme.example"]]
    assert links[0] in mail.outbox[0].body
    assert _verbs(tenant) == ["tenant.create", "invitation.create"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("options", "problem"),
    [
        ({"slug": "taken", "name": "Again", "admin_email": "a@b.example"}, "--slug: A company with the slug"),
        ({"slug": "fresh", "name": "Fresh", "admin_email": "not-an-address"}, "--admin-email:"),
        ({"slug": "Bad Slug!", "name": "Bad", "admin_email": "a@b.example"}, "--slug: Use letters"),
        ({"slug": "operator", "name": "Op", "admin_email": "a@b.example"}, "reserved"),
        ({"slug": "blank", "name": "  ", "admin_email": "a@b.example"}, "--name: Give the company a name"),
    ],
)
def test_create_tenant_refuses_clearly_and_writes_nothing(options, problem):
    TenantFactory(slug="taken", name="Taken Ltd")
    before = (Tenant.objects.count(), Invitation.objects.count(), AuditEvent.objects.count())
    with pytest.raises(CommandError, match="Nothing was created") as refused:
        call_command("create_tenant", **options)
    assert problem in str(refused.value)
    assert (Tenant.objects.count(), Invitation.objects.count(), AuditEvent.objects.count()) == before


# --- operator screen, suspension ----------------------------------------------------------------------


@pytest.fixture
def operator(db):
    return UserFactory(username="op", first_name="Olga", last_name="Operator", is_staff=True)


@pytest.mark.django_db
def test_the_operator_starts_a_company_and_sees_its_link_once(client, operator):
    client.force_login(operator)
    url = reverse("operator:tenants")
    response = client.post(url, {"name": "Globex", "slug": "globex", "admin_email": "hank@globex.example"})
    assert response.status_code == 302
    page = client.get(url).content.decode()
    assert "Globex" in page and len(LINK.findall(page)) == 1
    assert not LINK.findall(client.get(url).content.decode())  # shown once
    tenant = Tenant.objects.get(slug="globex")
    event = AuditEvent.objects.get(tenant=tenant, verb="tenant.create")
    assert event.actor == operator
    refused = client.post(url, {"name": "Globex 2", "slug": "globex", "admin_email": "x@globex.example"})
    assert refused.status_code == 400 and "already exists" in refused.content.decode()


@pytest.mark.django_db
def test_a_suspended_company_is_refused_everywhere_and_reactivation_restores_it(
    client, operator, tenant, django_capture_on_commit_callbacks
):
    admin = MembershipFactory(tenant=tenant, role="admin")
    key = do_create_api_key(admin, "erp")
    home = f"/t/{tenant.slug}/"
    api = reverse("planning_api:products", kwargs={"tenant_slug": tenant.slug})
    client.force_login(operator)
    client.post(reverse("operator:suspend", kwargs={"tenant_id": tenant.pk}), {"reason": "unpaid"})
    tenant.refresh_from_db()
    assert tenant.is_suspended

    client.force_login(admin.user)
    for path in (home, f"/t/{tenant.slug}/people/", f"/t/{tenant.slug}/alerts/"):
        page = client.get(path)
        assert page.status_code == 403
        assert "This organisation's access is suspended" in page.content.decode()
    assert client.get(home, HTTP_HX_REQUEST="true").json() == {
        "error": "This organisation's access is suspended."
    }
    by_key = client.get(api, HTTP_AUTHORIZATION=f"Bearer {key[1]}")
    assert by_key.status_code == 403 and "suspended" in by_key.json()["errors"][0]["message"]
    assert client.get(api).status_code == 403  # the browser session's way into the API too

    with transaction.atomic():
        subject = create_subject(tenant=tenant, kind="topic", title="Topic")
        item = FeedItem.objects.create(
            tenant=tenant, kind="post", subject=subject, author=admin.user, body="x"
        )
    note = Notification.objects.create(tenant=tenant, user=admin.user, item=item, verb="mention")
    assert do_send_notification_emails([note.pk]) == 0 and not mail.outbox

    client.force_login(operator)
    client.post(reverse("operator:reactivate", kwargs={"tenant_id": tenant.pk}))
    client.force_login(admin.user)
    assert client.get(f"/t/{tenant.slug}/people/").status_code == 200
    assert client.get(api, HTTP_AUTHORIZATION=f"Bearer {key[1]}").status_code == 200
    assert Membership.objects.filter(tenant=tenant, is_active=True).count() == 1  # nothing was deleted
    verbs = _verbs(tenant)
    assert verbs.index("tenant.suspend") < verbs.index("tenant.reactivate")
    assert AuditEvent.objects.get(tenant=tenant, verb="tenant.suspend").after["reason"] == "unpaid"
    assert verify_tenant(tenant).ok


@pytest.mark.django_db(transaction=True)
def test_a_suspended_companys_live_sockets_are_refused_until_reactivated(operator, tenant):
    admin = MembershipFactory(tenant=tenant, role="admin")
    assert _socket_connects(admin.user, tenant.slug)
    do_suspend_tenant(tenant, actor=operator)
    assert not _socket_connects(admin.user, tenant.slug)
    do_reactivate_tenant(tenant, actor=operator)
    assert _socket_connects(admin.user, tenant.slug)


def _socket_connects(user, slug):
    async def attempt():
        comm = WebsocketCommunicator(LiveFeedConsumer.as_asgi(), f"/ws/t/{slug}/live/")
        comm.scope["user"] = user
        comm.scope["url_route"] = {"kwargs": {"tenant_slug": slug}}
        connected, _ = await comm.connect()
        await comm.disconnect()
        return connected

    return async_to_sync(attempt)()


@pytest.mark.django_db
def test_suspending_twice_or_reactivating_an_active_company_is_refused(operator, tenant):
    from django.core.exceptions import ValidationError

    do_suspend_tenant(tenant, actor=operator)
    with pytest.raises(ValidationError, match="already suspended"):
        do_suspend_tenant(tenant, actor=operator)
    do_reactivate_tenant(tenant, actor=operator)
    with pytest.raises(ValidationError, match="not suspended"):
        do_reactivate_tenant(tenant, actor=operator)


# --- self-service sign-up ---------------------------------------------------------------------------

SIGNUP = {
    "organisation": "Initech Snacks",
    "slug": "initech",
    "first_name": "Peter",
    "last_name": "Gibbons",
    "email": "peter@initech.example",
    "password1": "tps reports forever",
    "password2": "tps reports forever",
}
VERIFY = re.compile(r"http://[^\s]+(/signup/verify/[\w-]+/)")


@pytest.mark.django_db
@override_settings(SIGNUP_ENABLED=True)
def test_signup_creates_the_tenant_only_after_the_address_is_verified(
    client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("signup"), SIGNUP)
    assert response.status_code == 200 and "Check your e-mail" in response.content.decode()
    assert not Tenant.objects.filter(slug="initech").exists()
    assert [m.to for m in mail.outbox] == [["peter@initech.example"]]
    path = VERIFY.search(mail.outbox[0].body).group(1)
    assert "tps reports" not in mail.outbox[0].body

    assert client.get(path).status_code == 200  # a mail scanner following the link creates nothing
    assert not Tenant.objects.filter(slug="initech").exists()
    done = client.post(path)
    assert done.status_code == 302 and done["Location"] == "/t/initech/"
    tenant = Tenant.objects.get(slug="initech")
    member = Membership.objects.get(tenant=tenant)
    assert (member.role, member.user.email, member.user.get_full_name()) == (
        "admin",
        "peter@initech.example",
        "Peter Gibbons",
    )
    assert member.user.check_password("tps reports forever")
    assert client.get(reverse("tenancy:people", kwargs={"tenant_slug": "initech"})).status_code == 200
    assert _verbs(tenant) == ["tenant.create", "tenant.signup", "member.add"]
    again = client.post(path)
    assert again.status_code == 410 and "already been used" in again.content.decode()


@pytest.mark.django_db
@override_settings(SIGNUP_ENABLED=True)
def test_signup_refuses_a_taken_slug_and_mismatched_passwords_with_form_errors(client):
    TenantFactory(slug="initech")
    response = client.post(reverse("signup"), {**SIGNUP, "password2": "something else entirely"})
    html = response.content.decode()
    assert response.status_code == 400
    assert "already exists" in html and "The two passwords differ" in html
    assert not SignupRequest.objects.exists()


@pytest.mark.django_db
@override_settings(SIGNUP_ENABLED=True, SIGNUP_LIMIT_PER_HOUR=2)
def test_signup_requests_are_throttled_like_password_resets(client):
    statuses = [
        client.post(reverse("signup"), {**SIGNUP, "slug": f"initech{i}"}).status_code for i in range(3)
    ]
    assert statuses == [200, 200, 429]
    assert SignupRequest.objects.count() == 2


# --- the whole story, browser-free ----------------------------------------------------------------


@pytest.mark.django_db
def test_onboarding_from_command_to_a_partner_seeing_only_partner_visible_alerts(
    client, capsys, django_capture_on_commit_callbacks
):
    """create_tenant -> the admin joins through the link -> creates a partner in People -> invites a
    partner user -> the partner user joins -> an internal alert on a shared order stays hidden from them,
    a partner-visible one on it reaches them."""
    from ..alerts.factories import make_alert, make_rule

    with django_capture_on_commit_callbacks(execute=True):
        call_command("create_tenant", slug="acme", name="Acme Foods", admin_email="dana@acme.example")
    admin_link = LINK.search(capsys.readouterr().out).group(0).replace("http://127.0.0.1:8000", "")
    joined = client.post(
        admin_link,
        {
            "first_name": "Dana",
            "last_name": "Scully",
            "username": "dana",
            "password1": "a long passphrase 1",
            "password2": "a long passphrase 1",
        },
    )
    assert joined.status_code == 302
    people = reverse("tenancy:people", kwargs={"tenant_slug": "acme"})
    client.post(
        reverse("tenancy:partner_create", kwargs={"tenant_slug": "acme"}),
        {"name": "FastFreight", "kind": "3pl"},
    )
    assert "FastFreight" in client.get(people).content.decode()
    partner = Membership.objects.get(user__username="dana").tenant.partners.get()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        client.post(people, {"email": "olu@fastfreight.example", "role": "viewer", "partner": partner.pk})
    partner_link = LINK.search(mail.outbox[0].body).group(0).replace("http://127.0.0.1:8000", "")
    client.logout()
    client.post(
        partner_link,
        {
            "first_name": "Olu",
            "username": "olu",
            "password1": "another passphrase 2",
            "password2": "another passphrase 2",
        },
    )
    olu = Membership.objects.get(user__username="olu")
    assert olu.partner == partner and olu.tenant.slug == "acme"

    tenant = olu.tenant
    dana = Membership.objects.get(user__username="dana")
    order = create_subject_shared(tenant, dana, partner)
    internal = make_alert(make_rule(tenant, name="Margin erosion", severity="high"), subject=order, key="o1")
    shared = make_alert(
        make_rule(tenant, name="Late shipment", severity="medium", visible_to_partners=True),
        subject=order,
        key="o2",
        title="Late shipment: SO-1001",
    )
    subject_alerts = reverse("alerts:subject_alerts", kwargs={"tenant_slug": "acme", "subject_id": order.pk})
    assert client.get(reverse("alerts:list", kwargs={"tenant_slug": "acme"})).status_code == 404
    assert client.get(internal.get_absolute_url()).status_code == 404
    assert client.get(shared.get_absolute_url()).status_code == 200
    fragment = client.get(subject_alerts).content.decode()
    assert "Late shipment: SO-1001" in fragment and "Demand spike" not in fragment
    assert "Margin erosion" not in fragment
    assert set(Alert.objects.filter(tenant=tenant).values_list("pk", flat=True)) == {internal.pk, shared.pk}
    assert not InboxEntry.objects.filter(user=olu.user).exclude(item__visibility="partners").exists()


def create_subject_shared(tenant, admin, partner):
    from sopsocial.subjects.actions import do_share_subject

    with transaction.atomic():
        order = create_subject(tenant=tenant, kind="sales_order", title="SO-1001")
        do_share_subject(admin, order, partner)
    return order


@pytest.mark.django_db
def test_the_workspace_picker_links_staff_to_the_operator_screen_and_marks_suspended_workspaces(
    client, operator, tenant
):
    member = MembershipFactory(tenant=tenant, user=operator)
    do_suspend_tenant(tenant, actor=operator)
    client.force_login(operator)
    page = client.get(reverse("site:tenants")).content.decode()
    assert reverse("operator:tenants") in page and "access suspended" in page
    client.force_login(MembershipFactory(tenant=member.tenant).user)
    assert reverse("operator:tenants") not in client.get(reverse("site:tenants")).content.decode()


@pytest.mark.django_db
def test_the_operator_screen_takes_the_same_queries_for_2_or_12_companies(client, operator):
    from ..queries import assert_queries

    client.force_login(operator)
    counts = []
    for total in (2, 12):
        while Tenant.objects.count() < total:
            tenant = TenantFactory()
            MembershipFactory(tenant=tenant)
        # session, user, the operator's own memberships (menu), the companies with their counts (one
        # grouped query): the same whatever their number
        with assert_queries(4) as ctx:
            assert client.get(reverse("operator:tenants")).status_code == 200
        counts.append(len(ctx.captured_queries))
    assert counts == [4, 4]


@pytest.mark.django_db(transaction=True)
def test_manage_py_create_tenant_exits_non_zero_with_a_message_and_no_traceback():
    """The real command line: a duplicate slug and a bad address end with status 1 and one line saying
    why, not a Python traceback."""
    import os
    import subprocess
    import sys
    from pathlib import Path

    from django.db import connection

    TenantFactory(slug="taken", name="Taken Ltd")
    db = connection.settings_dict
    env = dict(os.environ)
    if db["ENGINE"].endswith("postgresql"):
        env["DATABASE_URL"] = f"postgres://{db['USER']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    else:
        pytest.skip("the command needs the test database to be a file or a server")
    root = Path(__file__).resolve().parents[2]
    for args, problem in (
        (["--slug", "taken", "--name", "Again", "--admin-email", "a@b.example"], "already exists"),
        (["--slug", "fresh", "--name", "Fresh", "--admin-email", "nope"], "is not an e-mail address"),
    ):
        run = subprocess.run(
            [sys.executable, "manage.py", "create_tenant", *args],
            cwd=root,
            env=env,
            capture_output=True,
            text=True,
            timeout=120,
        )
        assert run.returncode == 1
        assert problem in run.stderr and "Traceback" not in run.stderr
    assert list(Tenant.objects.values_list("slug", flat=True)) == ["taken"]
