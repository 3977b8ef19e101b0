"""The My work page, its count in the menu, acting in place (acknowledge, reply) and the two-tap
approval of a plan version."""

import re

import pytest
from django.urls import reverse

from alerts.models import AlertStatus
from feeds.models import Notification
from planning.actions.versions import check_transition
from planning.models import PlanType, VersionStatus
from sopsocial.subjects.models import Subject

from ..alerts.factories import make_alert, make_rule
from ..factories import MembershipFactory, PartnerFactory
from ..planning.factories import CustomerFactory, FacilityFactory, ProductFactory, make_version
from ..queries import assert_queries
from .my_work_world import build

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


def _url(name, member, **kwargs):
    return reverse(name, kwargs={"tenant_slug": member.tenant.slug, **kwargs})


@pytest.mark.parametrize("n", [1, 10])
def test_the_page_lists_every_section_in_the_same_queries_whatever_their_length(tenant, client_for, n):
    sam, *_ = build(tenant, n)
    client = client_for(sam)
    client.get(_url("process:my_work", sam))  # warm the session
    # session, user, membership (guard), the six sections, the menu's tenant list and My work count
    with assert_queries(11):
        response = client.get(_url("process:my_work", sam))
    assert response.status_code == 200
    html = response.content.decode()
    assert html.count('id="my-task-') == 2 * n
    assert html.count('id="my-version-') == n
    assert html.count('id="my-alert-') == 2 * n
    assert html.count('id="my-mention-') == 2 * n  # the row and its reply thread holder
    assert html.count('id="my-decision-') == n
    assert f"<span data-nav-count>{7 * n}</span>" in html


def test_an_empty_page_says_what_would_show_in_each_section(tenant, client_for):
    newcomer = MembershipFactory(tenant=tenant, role="viewer")
    html = client_for(newcomer).get(_url("process:my_work", newcomer)).content.decode()
    assert "No open tasks for you or your teams" in html
    assert "Your role does not approve plan versions" in html
    assert "no unacknowledged high alert on what you follow" in html
    assert "You have answered everyone" in html
    assert "No open decision of yours is due this week" in html
    assert "data-nav-count" not in html  # nothing to do: no badge


def test_an_ordinary_page_shows_the_count_beside_my_work_in_the_menu(tenant, client_for):
    sam, *_ = build(tenant, 2)
    html = client_for(sam).get(_url("alerts:list", sam)).content.decode()
    link = re.search(r'<a href="/t/[^"]+/my-work/">My work(.*?)</a>', html)
    assert link and "<span data-nav-count>14</span>" in link.group(1)


def test_partners_have_no_my_work(tenant, client_for):
    partner_user = MembershipFactory(tenant=tenant, partner=PartnerFactory(tenant=tenant))
    assert client_for(partner_user).get(_url("process:my_work", partner_user)).status_code == 404


def test_an_alert_is_acknowledged_in_place(tenant, client_for):
    sam = MembershipFactory(tenant=tenant, role="executive")
    alert = make_alert(make_rule(tenant))
    alert.owner = sam.user
    alert.save(update_fields=["owner"])
    client = client_for(sam)
    page = client.get(_url("process:my_work", sam)).content.decode()
    ack_url = _url("alerts:acknowledge", sam, alert_id=alert.pk)
    assert f'hx-post="{ack_url}"' in page
    response = client.post(ack_url, **HTMX)
    assert response.status_code == 204
    alert.refresh_from_db()
    assert alert.status == AlertStatus.ACKNOWLEDGED
    # twice: the refusal comes back as text for the row, not as a page
    again = client.post(ack_url, **HTMX)
    assert again.status_code == 422 and again["Content-Type"].startswith("text/plain") and again.content


def test_a_mention_is_answered_in_place(tenant, client_for, django_capture_on_commit_callbacks):
    from feeds.actions import do_create_post

    sam = MembershipFactory(tenant=tenant, role="executive", user__username="sam")
    priya = MembershipFactory(tenant=tenant, role="planner", user__username="priya")
    subject = Subject.objects.create(tenant=tenant, kind="product", title="Oat Crunch")
    with django_capture_on_commit_callbacks(execute=True):
        post = do_create_post(priya, subject=subject, body="@sam can we cover it?")
    client = client_for(sam)
    page = client.get(_url("process:my_work", sam)).content.decode()
    reply_url = _url("feeds:comment_create", sam, post_id=post.pk)
    assert f'hx-post="{reply_url}"' in page
    response = client.post(reply_url, {"body": "Yes, from Leeds."}, **HTMX)
    assert response.status_code == 200 and "Yes, from Leeds." in response.content.decode()
    assert 'id="my-mention-' not in client.get(_url("process:my_work", sam)).content.decode()
    assert Notification.objects.filter(user=sam.user, verb="mention").count() == 1  # kept: it is answered


@pytest.fixture
def submitted(tenant):
    """Priya submits demand v2 (based on the published v1) with a changed week; an alert on a product."""
    priya = MembershipFactory(tenant=tenant, role="planner", user__first_name="Priya")
    sam = MembershipFactory(tenant=tenant, role="executive", user__first_name="Sam")
    oats, bran = ProductFactory(tenant=tenant, name="Oat Crunch"), ProductFactory(tenant=tenant, name="Bran")
    customer, leeds = CustomerFactory(tenant=tenant), FacilityFactory(tenant=tenant)
    v1 = make_version(
        tenant,
        PlanType.DEMAND,
        status=VersionStatus.PUBLISHED,
        cells=[(oats, customer, leeds, 0, 100), (bran, customer, leeds, 0, 50)],
    )
    v2 = make_version(
        tenant,
        PlanType.DEMAND,
        based_on=v1,
        cells=[(oats, customer, leeds, 0, 400), (bran, customer, leeds, 0, 50)],
    )
    v2 = check_transition(priya, v2, "submit")
    alert = make_alert(make_rule(tenant), subject=oats.subject, title="Demand spike: Oat Crunch")
    return priya, sam, v1, v2, alert


def test_an_executive_approves_in_two_requests_from_my_work(submitted, client_for):
    priya, sam, v1, v2, alert = submitted
    client = client_for(sam)
    page = client.get(_url("process:my_work", sam)).content.decode()
    approve_url = _url("process:approve_version", sam, version_id=v2.pk)
    assert f'href="{approve_url}"' in page

    confirm = client.get(approve_url)  # tap one
    html = confirm.content.decode()
    assert confirm.status_code == 200
    assert "Oat Crunch" in html and "+300" in html  # the largest change, per product and week
    assert "450" in html and "150" in html  # totals: now and the published version
    assert "Demand spike: Oat Crunch" in html  # the open alert on its product
    assert "Confirm approval" in html

    done = client.post(approve_url, follow=True)  # tap two
    v2.refresh_from_db()
    assert v2.status == VersionStatus.APPROVED and v2.approved_by == sam.user
    assert done.redirect_chain[-1][0] == _url("process:my_work", sam)
    html = done.content.decode()
    assert f"You approved {v2.subject.title}." in html
    assert 'id="my-version-' not in html


def test_four_eyes_refuses_the_submitter_with_a_clear_message(submitted, client_for):
    priya, sam, v1, v2, alert = submitted
    priya.tenant.four_eyes = True
    priya.tenant.save(update_fields=["four_eyes"])
    client = client_for(priya)
    approve_url = _url("process:approve_version", priya, version_id=v2.pk)
    html = client.get(approve_url).content.decode()
    assert "Four eyes: you submitted this version" in html and "Confirm approval" not in html
    refused = client.post(approve_url)
    v2.refresh_from_db()
    assert v2.status == VersionStatus.SUBMITTED
    assert refused.status_code == 422
    assert "Four eyes: you submitted this version" in refused.content.decode()


def test_a_version_with_nothing_to_compare_shows_its_total(tenant, client_for):
    priya = MembershipFactory(tenant=tenant, role="planner")
    sam = MembershipFactory(tenant=tenant, role="executive")
    oats, customer, leeds = (
        ProductFactory(tenant=tenant),
        CustomerFactory(tenant=tenant),
        FacilityFactory(tenant=tenant),
    )
    version = check_transition(priya, make_version(tenant, cells=[(oats, customer, leeds, 0, 70)]), "submit")
    html = client_for(sam).get(_url("process:approve_version", sam, version_id=version.pk)).content.decode()
    assert "nothing to compare it with" in html and "70" in html


def test_who_may_not_approve_gets_403_and_an_approved_version_is_not_approved_twice(submitted, client_for):
    priya, sam, v1, v2, alert = submitted
    viewer = MembershipFactory(tenant=priya.tenant, role="viewer")
    assert (
        client_for(viewer).get(_url("process:approve_version", viewer, version_id=v2.pk)).status_code == 403
    )
    client = client_for(sam)
    client.post(_url("process:approve_version", sam, version_id=v2.pk))
    html = client.get(_url("process:approve_version", sam, version_id=v2.pk)).content.decode()
    assert "only a submitted version is approved" in html and "Confirm approval" not in html
    again = client.post(_url("process:approve_version", sam, version_id=v2.pk))
    assert again.status_code == 422 and "cannot be approved" in again.content.decode()
