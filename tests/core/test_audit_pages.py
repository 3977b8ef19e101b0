"""The admin audit log page (filters, keyset pages, CSV export, verify) and the per-subject trail."""

import csv
import io

import pytest
from django.db import transaction
from django.urls import reverse

from feeds.verbs import FeedsVerb
from planning.verbs import PlanningVerb
from sopsocial.audit.actions import record
from sopsocial.audit.models import AuditEvent
from sopsocial.audit.verbs import CoreVerb
from sopsocial.subjects.actions import create_subject, do_share_subject

from ..factories import MembershipFactory, PartnerFactory
from ..queries import assert_queries

pytestmark = pytest.mark.django_db


def _events(member, n, verb=PlanningVerb.CELL_CHANGE, subject=None):
    for i in range(n):
        with transaction.atomic():
            record(
                tenant=member.tenant,
                actor=member.user,
                verb=verb,
                subject=subject,
                target=f"cell {i}",
                before={"qty": 1200},
                after={"qty": 1200 + i},
            )


def test_log_shows_old_to_new_and_filters(client, admin_member):
    _events(admin_member, 3)
    _events(admin_member, 1, verb=CoreVerb.MEMBER_ADD)
    client.force_login(admin_member.user)
    url = reverse("audit:log", kwargs={"tenant_slug": admin_member.tenant.slug})
    html = client.get(url).content.decode()
    assert "<del>1,200</del> → <ins>1,202</ins>" in html
    filtered = client.get(url, {"verb": "member.add"}).content.decode()
    assert "member.add" in filtered and "cell 2" not in filtered


def test_log_pages_by_keyset_with_a_fixed_number_of_queries(client, admin_member):
    _events(admin_member, 120)
    client.force_login(admin_member.user)
    url = reverse("audit:log", kwargs={"tenant_slug": admin_member.tenant.slug})
    client.get(url)  # warm the session
    # session, user, membership (guard), events page, distinct verbs, memberships (tenant switcher), the My
    # work count (menu)
    with assert_queries(7):
        first = client.get(url)
    assert first.context["next_before"] == 71
    with assert_queries(5):  # the htmx fragment has no navigation, so no memberships query
        older = client.get(url, {"before": first.context["next_before"]}, HTTP_HX_REQUEST="true")
    rows = older.content.decode()
    assert "cell 69" in rows and "cell 70" not in rows


def test_a_bad_date_filter_is_explained_not_ignored(client, admin_member):
    client.force_login(admin_member.user)
    response = client.get(
        reverse("audit:log", kwargs={"tenant_slug": admin_member.tenant.slug}), {"since": "yesterday"}
    )
    assert response.status_code == 400 and "Use a date like" in response.content.decode()


def test_csv_export_has_every_filtered_event_and_defuses_formulas(client, admin_member):
    with transaction.atomic():
        record(
            tenant=admin_member.tenant,
            actor=admin_member.user,
            verb=FeedsVerb.POST_CREATE,
            target="=HYPERLINK(evil)",
        )
    _events(admin_member, 2)
    client.force_login(admin_member.user)
    response = client.get(reverse("audit:export", kwargs={"tenant_slug": admin_member.tenant.slug}))
    assert response["Content-Disposition"].startswith("attachment")
    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert [r["seq"] for r in rows] == ["3", "2", "1"]
    assert rows[2]["target"] == "'=HYPERLINK(evil)"


def test_verify_button_reports_the_chain(client, admin_member):
    _events(admin_member, 2)
    client.force_login(admin_member.user)
    response = client.post(reverse("audit:verify", kwargs={"tenant_slug": admin_member.tenant.slug}))
    assert "Intact: 2 events verified" in response.content.decode()


def test_non_admins_cannot_read_the_audit_log(client, planner_member):
    client.force_login(planner_member.user)
    assert (
        client.get(reverse("audit:log", kwargs={"tenant_slug": planner_member.tenant.slug})).status_code
        == 403
    )


def test_subject_page_shows_its_trail_and_partners_see_only_shared_subjects(client, admin_member):
    subject = create_subject(tenant=admin_member.tenant, kind="topic", title="Leeds depot capacity")
    hidden = create_subject(tenant=admin_member.tenant, kind="topic", title="Margin review")
    _events(admin_member, 1, subject=subject)
    partner = PartnerFactory(tenant=admin_member.tenant, name="FastFreight")
    with transaction.atomic():
        do_share_subject(admin_member, subject, partner)
    client.force_login(admin_member.user)
    page = client.get(
        reverse(
            "subjects:subject", kwargs={"tenant_slug": admin_member.tenant.slug, "subject_id": subject.pk}
        )
    )
    html = page.content.decode()
    assert "Leeds depot capacity" in html and "<del>1,200</del>" in html and "subject.share" in html

    olu = MembershipFactory(tenant=admin_member.tenant, role="viewer", partner=partner)
    client.force_login(olu.user)
    shared = client.get(subject.get_absolute_url())
    assert shared.status_code == 200 and "Trail" not in shared.content.decode()
    assert client.get(hidden.get_absolute_url()).status_code == 404


def test_planners_share_a_subject_with_a_partner_and_stop_sharing(client, planner_member):
    subject = create_subject(tenant=planner_member.tenant, kind="sales_order", title="Order SO-1001")
    partner = PartnerFactory(tenant=planner_member.tenant, name="FastFreight")
    olu = MembershipFactory(tenant=planner_member.tenant, role="viewer", partner=partner)
    url = reverse(
        "subjects:sharing", kwargs={"tenant_slug": planner_member.tenant.slug, "subject_id": subject.pk}
    )
    client.force_login(planner_member.user)
    html = client.post(url, {"partner": partner.pk, "action": "share"}).content.decode()
    assert "sees this" in html and "Stop sharing with FastFreight" in html
    client.force_login(olu.user)
    assert client.get(subject.get_absolute_url()).status_code == 200
    client.force_login(planner_member.user)
    client.post(url, {"partner": partner.pk, "action": "unshare"})
    # the partner's people follow what is shared with them, and stop with the share
    assert [e.verb for e in subject.audit_events.order_by("seq")] == [
        "subject.share",
        "feeds.follow",
        "subject.unshare",
        "feeds.unfollow",
    ]
    client.force_login(olu.user)
    assert client.get(subject.get_absolute_url()).status_code == 404


def test_sharing_refuses_an_unknown_partner_and_viewers(client, planner_member, other_tenant):
    subject = create_subject(tenant=planner_member.tenant, kind="topic", title="T")
    foreign = PartnerFactory(tenant=other_tenant)
    url = reverse(
        "subjects:sharing", kwargs={"tenant_slug": planner_member.tenant.slug, "subject_id": subject.pk}
    )
    client.force_login(planner_member.user)
    for bad in (foreign.pk, "abc", "", "1e9"):
        response = client.post(url, {"partner": bad, "action": "share"})
        assert response.status_code == 400 and "Choose a partner" in response.content.decode()
    assert not subject.shares.exists()
    viewer = MembershipFactory(tenant=planner_member.tenant, role="viewer")
    client.force_login(viewer.user)
    assert client.post(url, {"partner": foreign.pk}).status_code == 403


def test_a_trail_reads_in_words_and_keeps_the_verb_on_hover(client, planner_member):
    subject = create_subject(tenant=planner_member.tenant, kind="topic", title="Cycle")
    with transaction.atomic():
        approved = record(
            tenant=subject.tenant,
            actor=planner_member.user,
            verb=PlanningVerb.VERSION_APPROVE,
            subject=subject,
        )
        # record() writes only registered verbs; a row from before a verb was retired is still shown
        AuditEvent(
            tenant=subject.tenant,
            seq=approved.seq + 1,
            actor_label="someone",
            verb="custom.thing",
            subject=subject,
            at=approved.at,
            prev_hash=approved.hash,
            hash="0" * 64,
        ).save(force_insert=True)
    client.force_login(planner_member.user)
    html = client.get(subject.get_absolute_url()).content.decode()
    assert 'title="planning.version_approve" data-verb="planning.version_approve">approved</span>' in html
    assert ">custom.thing</span>" in html  # unknown verbs are shown as they are


def test_the_log_shows_nested_records_that_the_trail_leaves_out(client, admin_member):
    subject = create_subject(tenant=admin_member.tenant, kind="topic", title="Cycle")
    with transaction.atomic():
        record(
            tenant=subject.tenant,
            actor=admin_member.user,
            verb=FeedsVerb.SYSTEM_ITEM,
            subject=subject,
            after={"text": "Order arrived", "data": {"order_id": 17}},
        )
    client.force_login(admin_member.user)
    log = client.get(reverse("audit:log", kwargs={"tenant_slug": subject.tenant.slug}))
    assert log.status_code == 200 and "order_id" in log.content.decode()
    trail = client.get(subject.get_absolute_url()).content.decode()
    assert "Order arrived" in trail and "order_id" not in trail
