"""Partner users see only partner-visible items on subjects shared with their organisation; other
tenants see nothing. Checked in pages, feeds, search, attachments and the fan-out (what gets pushed)."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from feeds import actions
from feeds.models import InboxEntry

from ..factories import MembershipFactory
from . import factories as f


@pytest.fixture
def world(tenant, other_tenant, run_on_commit):
    admin = f.member(tenant, "admin")
    dana = f.member(tenant)
    olu = f.partner_member(tenant)
    stranger = MembershipFactory(tenant=other_tenant, role="admin")
    customer = f.subject(tenant, "Contoso Retail", "customer")
    order = f.subject(tenant, "SO-3600 Contoso", "sales_order", parents=[customer])
    f.share(admin, order, olu)
    for m in (olu, dana):
        actions.do_follow(m, order)
    actions.do_follow(dana, customer)
    shared, _ = run_on_commit(
        actions.check_create_post,
        dana,
        subject=order,
        body="Shipped from Leeds, zebrashipment",
        visibility="partners",
        files=[SimpleUploadedFile("pod.png", f.png_bytes())],
    )
    internal, _ = run_on_commit(
        actions.check_create_post,
        dana,
        subject=order,
        body="Margin on this order is thin, zebrasecret",
        files=[SimpleUploadedFile("margin.png", f.png_bytes())],
    )
    on_customer, _ = run_on_commit(
        actions.check_create_post,
        dana,
        subject=customer,
        body="Contoso credit hold, zebracredit",
        visibility="partners",
    )
    return locals()


def _get(client, name, member, **kw):
    return client.get(reverse(f"feeds:{name}", kwargs={"tenant_slug": member.tenant.slug, **kw}))


def test_partner_gets_only_the_shared_partner_visible_post_in_the_inbox(world):
    olu = world["olu"]
    assert set(InboxEntry.objects.filter(user=olu.user).values_list("item_id", flat=True)) == {
        world["shared"].pk
    }
    assert InboxEntry.objects.filter(user=world["dana"].user, item=world["internal"]).exists()


def test_partner_pages_feeds_search_and_files(world, client_for):
    olu, shared, internal = world["olu"], world["shared"], world["internal"]
    client = client_for(olu)
    home = _get(client, "home", olu).content.decode()
    assert "zebrashipment" in home and "zebrasecret" not in home and "zebracredit" not in home
    feed = _get(client, "subject_feed", olu, subject_id=world["order"].pk).content.decode()
    assert "zebrashipment" in feed and "zebrasecret" not in feed
    assert _get(client, "subject_feed", olu, subject_id=world["customer"].pk).status_code == 404
    assert _get(client, "post", olu, post_id=shared.pk).status_code == 200
    assert _get(client, "post", olu, post_id=internal.pk).status_code == 404
    assert _get(client, "post", olu, post_id=world["on_customer"].pk).status_code == 404
    assert _get(client, "attachment", olu, attachment_id=shared.attachments.get().pk).status_code == 200
    assert _get(client, "attachment", olu, attachment_id=internal.attachments.get().pk).status_code == 404
    found = client.get(
        reverse("feeds:search", kwargs={"tenant_slug": olu.tenant.slug}), {"q": "zebrashipment"}
    )
    assert "Shipped" in found.content.decode()
    for secret in ("zebrasecret", "zebracredit", "Contoso Retail"):
        r = client.get(reverse("feeds:search", kwargs={"tenant_slug": olu.tenant.slug}), {"q": secret})
        assert "Nothing found" in r.content.decode(), secret
    # A partner cannot post internally, cannot follow or post on what is not shared.
    response = client.post(
        reverse(
            "feeds:post_create", kwargs={"tenant_slug": olu.tenant.slug, "subject_id": world["customer"].pk}
        ),
        {"body": "hello"},
    )
    assert response.status_code == 404


def test_other_tenant_sees_nothing(world, client_for):
    stranger, shared = world["stranger"], world["shared"]
    client = client_for(stranger)
    assert _get(client, "post", stranger, post_id=shared.pk).status_code == 404
    assert _get(client, "attachment", stranger, attachment_id=shared.attachments.get().pk).status_code == 404
    assert _get(client, "subject_feed", stranger, subject_id=world["order"].pk).status_code == 404
    found = client.get(
        reverse("feeds:search", kwargs={"tenant_slug": stranger.tenant.slug}), {"q": "zebrashipment"}
    )
    assert "Nothing found" in found.content.decode()
    assert "zebra" not in _get(client, "home", stranger).content.decode()


def test_partner_posts_are_partner_visible_and_mentions_respect_visibility(world, run_on_commit):
    olu, dana, admin = world["olu"], world["dana"], world["admin"]
    post, _ = run_on_commit(actions.check_create_post, olu, subject=world["order"], body="Collected at 14:00")
    assert post.visibility == "partners"
    assert InboxEntry.objects.filter(user=dana.user, item=post).exists()
    # Mentioning the partner user in an internal post does not leak it to them.
    olu.user.username = "olu"
    olu.user.save()
    secret, _ = run_on_commit(
        actions.check_create_post, admin, subject=world["order"], body="@olu internal note"
    )
    assert not InboxEntry.objects.filter(user=olu.user, item=secret).exists()
    assert not secret.mentions.filter(user=olu.user).exists()


def test_withdrawn_share_hides_items_already_in_the_partner_inbox(world, client_for):
    from sopsocial.subjects.actions import do_unshare_subject

    olu, admin = world["olu"], world["admin"]
    from django.db import transaction

    with transaction.atomic():
        do_unshare_subject(admin, world["order"], olu.partner)
    home = _get(client_for(olu), "home", olu).content.decode()
    assert "zebrashipment" not in home


def test_sharing_makes_the_partners_people_follow_and_unsharing_unfollows(tenant, run_on_commit):
    from django.db import transaction

    from feeds.models import Follow, NotificationPreference
    from sopsocial.subjects.actions import do_share_subject, do_unshare_subject

    admin, olu = f.member(tenant, "admin"), f.partner_member(tenant)
    quiet = MembershipFactory(tenant=tenant, role="viewer", partner=olu.partner)
    NotificationPreference.objects.update_or_create(
        tenant=tenant, user=quiet.user, defaults={"auto_follow": False}
    )
    order = f.subject(tenant, "SO-3600 Contoso", "sales_order")
    with transaction.atomic():
        do_share_subject(admin, order, olu.partner)
    partner_users = [olu.user_id, quiet.user_id]
    following = Follow.objects.filter(subject=order, user_id__in=partner_users)
    assert set(following.values_list("user_id", flat=True)) == {olu.user_id}  # quiet turned auto-follow off
    shipped, _ = run_on_commit(
        actions.check_create_post, admin, subject=order, body="Shipped zq-auto", visibility="partners"
    )
    assert InboxEntry.objects.filter(user=olu.user, item=shipped).exists()
    with transaction.atomic():
        do_unshare_subject(admin, order, olu.partner)
    assert not following.exists()
