"""Every membership has a person subject: made by each way in (added, invited, signed up, the data
migration for those who were there before), titled with the person's name, linking to their page, and
shared with their partner when they are a partner user."""

import datetime as dt
import importlib

import pytest
from django.apps import apps
from django.contrib.auth.hashers import make_password
from django.urls import reverse
from django.utils import timezone

from sopsocial.subjects.models import Subject, SubjectShare
from sopsocial.tenancy.actions import do_accept_invitation, do_add_member, hash_token
from sopsocial.tenancy.models import Invitation, Membership, SignupRequest
from sopsocial.tenancy.signup_actions import do_complete_signup

from ..factories import MembershipFactory, PartnerFactory, TenantFactory, UserFactory

pytestmark = pytest.mark.django_db


def _person_url(m):
    return reverse("process:person", kwargs={"tenant_slug": m.tenant.slug, "membership_id": m.pk})


def test_an_added_member_gets_a_person_subject_that_links_to_their_page():
    tenant = TenantFactory(slug="northwind")
    user = UserFactory(username="priya", first_name="Priya", last_name="Shah")
    m = do_add_member(tenant=tenant, user=user, role="planner", title="Demand planner")
    subject = Subject.objects.get(pk=m.subject_id)
    assert (subject.kind, subject.title, subject.tenant_id) == ("person", "Priya Shah", tenant.pk)
    assert subject.url == _person_url(m) == f"/t/northwind/people/{m.pk}/"
    assert not subject.shares.exists()


def test_a_partner_users_person_subject_is_shared_with_their_partner_only():
    tenant = TenantFactory()
    fastfreight, other = PartnerFactory(tenant=tenant, name="FastFreight"), PartnerFactory(tenant=tenant)
    m = do_add_member(tenant=tenant, user=UserFactory(), role="viewer", partner=fastfreight)
    assert list(
        SubjectShare.objects.filter(subject_id=m.subject_id).values_list("partner_id", flat=True)
    ) == [fastfreight.pk]
    assert other.pk not in set(SubjectShare.objects.values_list("partner_id", flat=True))


def _invitation(tenant, email, partner=None, token="tok"):
    return Invitation.objects.create(
        tenant=tenant,
        email=email,
        role="viewer",
        partner=partner,
        token_hash=hash_token(token),
        expires_at=timezone.now() + dt.timedelta(days=3),
    )


def test_accepting_an_invitation_gives_a_person_subject_and_coming_back_elsewhere_moves_the_share():
    tenant = TenantFactory()
    first, second = PartnerFactory(tenant=tenant), PartnerFactory(tenant=tenant)
    _invitation(tenant, "kim@example.com", partner=first, token="one")
    m = do_accept_invitation("one", username="kim", password="correct horse battery", first_name="Kim")
    assert m.subject.title == "Kim" and m.subject.url == _person_url(m)
    assert set(m.subject.shares.values_list("partner_id", flat=True)) == {first.pk}

    Membership.objects.filter(pk=m.pk).update(is_active=False)
    _invitation(tenant, "kim@example.com", partner=second, token="two")
    again = do_accept_invitation("two", user=m.user)
    assert again.pk == m.pk and again.subject_id == m.subject_id  # the same person, the same subject
    assert set(again.subject.shares.values_list("partner_id", flat=True)) == {second.pk}


def test_signing_up_gives_the_first_admin_a_person_subject():
    SignupRequest.objects.create(
        organisation="Initech",
        slug="initech",
        first_name="Ines",
        last_name="Tech",
        email="ines@initech.example",
        password_hash=make_password("correct horse battery"),
        token_hash=hash_token("signup-token"),
        expires_at=timezone.now() + dt.timedelta(hours=1),
    )
    membership, created = do_complete_signup("signup-token")
    assert created and membership.subject.title == "Ines Tech"
    assert membership.subject.url == f"/t/initech/people/{membership.pk}/"


def test_the_data_migration_gives_everyone_there_before_a_person_subject():
    staff = MembershipFactory(user=UserFactory(first_name="Sam", last_name="Okafor"))
    partner = PartnerFactory(tenant=staff.tenant)
    outsider = MembershipFactory(
        tenant=staff.tenant, partner=partner, user=UserFactory(first_name="", last_name="")
    )
    core = importlib.import_module("sopsocial.tenancy.migrations.0004_person_subjects")
    urls = importlib.import_module("process.migrations.0002_people_person_urls")
    core.give_person_subjects(apps, None)
    urls.link_person_pages(apps, None)
    staff.refresh_from_db()
    outsider.refresh_from_db()
    assert staff.subject.title == "Sam Okafor" and staff.subject.url == _person_url(staff)
    assert outsider.subject.title == outsider.user.username
    assert list(outsider.subject.shares.values_list("partner_id", flat=True)) == [partner.pk]
    core.give_person_subjects(apps, None)  # run twice: nothing new
    assert Subject.objects.filter(kind="person").count() == 2


def test_the_demo_people_all_have_person_subjects():
    from sopsocial.tenancy import demo

    demo.load()
    assert not Membership.objects.filter(subject__isnull=True).exists()
